"""Tests for crosscheck.nlp.geocode: document-level place resolution."""

from __future__ import annotations

from nlp_helpers import spans

from crosscheck.nlp.geocode import demonym_country, feature_hint, resolve_places


def test_geocode_feature_hint_list_of_provinces() -> None:
    text = "Floods hit the provinces of Sindh, Punjab, and Balochistan on Monday."
    for start, end in spans(text, "Sindh", "Punjab", "Balochistan"):
        assert feature_hint(text, start, end) == "admin1"


def test_geocode_feature_hint_city_crossing_and_none() -> None:
    text = "Aid reached the city of Goma, then the Rafah border crossing. Rain fell in Lima."
    (g,) = spans(text, "Goma")
    (r,) = spans(text, "Rafah")
    (li,) = spans(text, "Lima")
    assert feature_hint(text, *g) == "city"
    assert feature_hint(text, *r) == "site"
    assert feature_hint(text, *li) is None


def test_geocode_country_context_picks_the_local_namesake() -> None:
    text = "Police in Texas said the storm flooded roads near Paris and Dallas overnight."
    res = resolve_places(text, spans(text, "Texas", "Paris", "Dallas"))
    assert res[1] is not None and res[1].country == "US" and res[1].admin1 == "Texas"


def test_geocode_without_context_prefers_the_big_place() -> None:
    text = "Talks resumed in Paris on Tuesday."
    (res,) = resolve_places(text, spans(text, "Paris"))
    assert res is not None and res.country == "FR"


def test_geocode_province_hint_resolves_admin1() -> None:
    text = "Protests spread to Isfahan province and the city of Tabriz."
    res = resolve_places(text, spans(text, "Isfahan", "Tabriz"))
    assert res[0] is not None and res[0].feature == "admin1" and res[0].country == "IR"
    assert res[1] is not None and res[1].feature == "city"


def test_geocode_demonyms_are_not_places_but_hint_country() -> None:
    text = "Kenyan officials said the convoy left Eldoret for Nairobi."
    res = resolve_places(text, spans(text, "Kenyan", "Eldoret"))
    assert res[0] is None
    assert res[1] is not None and res[1].country == "KE"
    assert demonym_country("Kenyans") == "KE"
    assert demonym_country("Nairobi") is None
    both = resolve_places(text, spans(text, "Kenyan"), resolve_demonyms=True)
    assert both[0] is not None and both[0].id == "iso3166-1:KE"


def test_geocode_hint_countries_and_unknown_names() -> None:
    text = "Shelling was reported near Saint-Denis and in Xqzvillewood."
    res = resolve_places(text, spans(text, "Saint-Denis", "Xqzvillewood"), hint_countries=["RE"])
    assert res[0] is not None and res[0].country == "RE"
    assert res[1] is None


def test_geocode_arabic_script_mention() -> None:
    text = "قصف في الموصل"
    m = text.index("الموصل")
    (res,) = resolve_places(text, [(m, m + len("الموصل"))])
    assert res is not None and res.country == "IQ"
