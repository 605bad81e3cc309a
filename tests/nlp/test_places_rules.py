"""Place rules of issue 11 (detection in context, resolution by the report's own context,
subdivision names) and issue 12 (the place step is linear in the length of a report).
Every sentence here is hand-written for its rule."""

from __future__ import annotations

import gc
import random
import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from nlp_helpers import spans

from crosscheck.nlp.gazetteer import Gazetteer
from crosscheck.nlp.geocode import feature_hint, resolve_places
from crosscheck.nlp.places import find_places, place_context


def test_feature_word_after_a_name_in_any_case_and_before_a_full_stop() -> None:
    text = "Aid reached Borno State. Floods hit Yobe state. Roads to Anbar and Diyala Provinces closed."
    for name in ("Yobe", "Anbar", "Diyala"):
        assert feature_hint(text, *spans(text, name)[0]) == "admin1", name
    assert feature_hint(text, *spans(text, "Borno State")[0]) == "admin1"


def test_feature_hint_cost_does_not_depend_on_what_surrounds() -> None:
    text = "A, " * 50_000 + "Kabul" + " and B" * 50_000
    start = text.index("Kabul")
    t0 = time.perf_counter()
    for _ in range(200):
        feature_hint(text, start, start + 5)
    assert time.perf_counter() - t0 < 1.0


def test_subdivision_names_with_and_without_their_category_word() -> None:
    gaz = Gazetteer.load()
    for name in ("Borno State", "Khuzestan Province", "the Province of Anbar", "Amhara Region", "Idlib Governorate"):
        found = gaz.candidates(name)
        assert found and found[0].feature == "admin1", name
    assert gaz.candidates("Xqzville Province") == []


def test_capital_beats_a_same_named_state_unless_the_text_says_state() -> None:
    text = "Officials in Washington said sanctions on Iran would stay."
    capital = resolve_places(text, spans(text, "Washington", "Iran"))[0]
    assert capital is not None and capital.feature == "city" and capital.country == "US"
    text = "Wildfires spread across Washington state on Friday."
    state = resolve_places(text, spans(text, "Washington"))[0]
    assert state is not None and state.feature == "admin1"


def test_capital_rule_gives_way_to_places_inside_the_state() -> None:
    text = "Wildfires near Spokane and Yakima spread across Washington on Friday."
    state = resolve_places(text, spans(text, "Spokane", "Yakima", "Washington"))[2]
    assert state is not None and state.feature == "admin1"


def test_based_names_an_origin_city_by_prominence() -> None:
    text = "Police in Texas and Dallas detained two reporters, a Paris-based press group said."
    paris = resolve_places(text, spans(text, "Texas", "Dallas", "Paris"))[2]
    assert paris is not None and paris.country == "FR"
    text = "Police in Texas said the storm flooded roads near Paris and Dallas overnight."
    assert resolve_places(text, spans(text, "Texas", "Paris", "Dallas"))[1].country == "US"  # type: ignore[union-attr]


def test_a_town_of_the_reports_country_beats_a_bigger_namesake_abroad() -> None:
    text = "Canada's coast guard said Canada's east was hit; crews reached Sydney on Monday."
    mentions = [(m.start(), m.end()) for m in re.finditer("Canada|Sydney", text)]
    sydney = resolve_places(text, mentions)[2]
    assert sydney is not None and sydney.country == "CA"
    text = "Crews reached Sydney on Monday."
    assert resolve_places(text, spans(text, "Sydney"))[0].country == "AU"  # type: ignore[union-attr]


def test_place_context_words() -> None:
    text = "Shelling near Goma; a Kyiv-based group; a letter to Ali; talks at the Hague."
    assert place_context(text, *spans(text, "Goma")[0]) == "locative"
    assert place_context(text, *spans(text, "Kyiv")[0]) == "based"
    assert place_context(text, *spans(text, "Ali")[0]) == "direction"
    assert place_context(text, *spans(text, "Hague")[0]) == "locative"
    assert place_context(text, *spans(text, "Shelling")[0]) is None


@dataclass
class _Ent:
    name: str
    type: str
    mentions: tuple[tuple[int, int], ...]


def _doc(text: str, propn: set[str]) -> object:
    """A spaCy Doc with whitespace tokens; ``propn`` words are tagged PROPN (no model needed)."""
    import spacy
    from spacy.tokens import Doc

    words = text.split(" ")
    pos = ["PROPN" if w.strip(".,;") in propn else "NOUN" for w in words]
    words = [w for w in words]
    return Doc(spacy.blank("en").vocab, words=words, spaces=[True] * (len(words) - 1) + [False], pos=pos)


def test_towns_tagged_person_are_places_only_in_place_context() -> None:
    text = "Residents fled outside Goma on Monday . Goma said he would call Bukavu later ."
    doc = _doc(text, {"Goma", "Bukavu"})
    goma = _Ent(
        "Goma", "PERSON", tuple(spans(text, "Goma")[:1]) + ((text.index("Goma said"), text.index("Goma said") + 4),)
    )
    bukavu = _Ent("Bukavu", "PERSON", tuple(spans(text, "Bukavu")))
    found = find_places(doc, [goma, bukavu])  # type: ignore[arg-type]
    assert [(p.text, p.start) for p in found] == [("Goma", text.index("Goma"))]
    assert found[0].entry is not None and found[0].entry.country == "CD"


def test_untagged_names_after_a_preposition_need_a_prominent_namesake() -> None:
    text = "Aid trucks reached Kandahar and talks went on in Xqzvillewood ; he spoke to Obama ."
    doc = _doc(text, {"Kandahar", "Xqzvillewood", "Obama"})
    obama = _Ent("Obama", "PERSON", tuple(spans(text, "Obama")))
    found = find_places(doc, [obama])  # type: ignore[arg-type]
    assert [p.text for p in found] == []  # "reached" is no preposition; unknown name; "to" a person
    text = "Aid trucks went to Kandahar ; talks went on in Xqzvillewood ."
    found = find_places(_doc(text, {"Kandahar", "Xqzvillewood"}), [])  # type: ignore[arg-type]
    assert [p.text for p in found] == ["Kandahar"] and found[0].entry is not None and found[0].entry.country == "AF"


def _report(chars: int, seed: int) -> tuple[object, list[_Ent]]:
    rng = random.Random(seed)
    towns = ["Kabul", "Herat", "Kandahar", "Mosul", "Basra", "Erbil", "Goma", "Bukavu", "Aleppo", "Homs"]
    parts: list[str] = []
    size = 0
    while size < chars:
        a, b = rng.sample(towns, 2)
        sentence = (
            f"Shelling near {a} and in the province of {b} killed {rng.randint(2, 90)} people ."
            f" Zorvan Aid officials in Velmora said {rng.randint(2, 90)} families fled ."
        )
        parts.append(sentence)
        size += len(sentence) + 1
    text = " ".join(parts)
    ents = [_Ent(t, "GPE", tuple((m.start(), m.end()) for m in re.finditer(t, text))) for t in towns]
    org = _Ent("Zorvan Aid", "ORG", tuple((m.start(), m.end()) for m in re.finditer("Zorvan Aid", text)))
    return _doc(text, {*towns, "Zorvan", "Aid", "Velmora"}), [*ents, org]


def test_place_step_is_linear_in_report_length() -> None:
    """Time of ten times the text: at most 2x ten times the time (a quadratic step gives ~10x;
    the margin over the issue's 1.5x absorbs a shared, loaded machine; the operation count
    below holds the 1.5x exactly)."""
    small, small_ents = _report(20_000, 1)
    large, large_ents = _report(200_000, 2)
    find_places(small, small_ents)  # type: ignore[arg-type]  # warm: gazetteer, caches
    t_small, t_large = [], []
    gc.collect()
    gc.disable()  # the collector's passes grow with all live objects: time the place step alone
    try:
        for _ in range(2):
            for _ in range(2):
                t0 = time.perf_counter()
                find_places(small, small_ents)  # type: ignore[arg-type]
                t_small.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            find_places(large, large_ents)  # type: ignore[arg-type]
            t_large.append(time.perf_counter() - t0)
    finally:
        gc.enable()
    assert min(t_large) <= 2.0 * 10 * min(t_small), (t_large, t_small)


class _Counting:
    """A Doc stand-in that counts how often the whole text is rebuilt."""

    def __init__(self, doc: Any) -> None:
        self.doc, self.text_calls = doc, 0

    @property
    def text(self) -> str:
        self.text_calls += 1
        return str(self.doc.text)

    def __iter__(self) -> Any:
        return iter(self.doc)

    def __getitem__(self, i: int) -> Any:
        return self.doc[i]


def test_place_step_operations_grow_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    import crosscheck.nlp.geocode as geocode

    calls = {"km": 0, "hint": 0}
    km, hint = geocode._km, geocode.feature_hint

    def counting_km(a: Any, b: Any) -> float:
        calls["km"] += 1
        return km(a, b)

    def counting_hint(text: str, start: int, end: int) -> str | None:
        calls["hint"] += 1
        return hint(text, start, end)

    monkeypatch.setattr(geocode, "_km", counting_km)
    monkeypatch.setattr(geocode, "feature_hint", counting_hint)
    counts = []
    for chars, seed in ((20_000, 1), (200_000, 2)):
        doc, ents = _report(chars, seed)
        wrapped = _Counting(doc)
        calls.update(km=0, hint=0)
        found = find_places(wrapped, ents)  # type: ignore[arg-type]
        counts.append((wrapped.text_calls, calls["km"], calls["hint"], len(found)))
    (text1, km1, hint1, n1), (text2, km2, hint2, n2) = counts
    assert text1 == text2 == 1  # the text is built once, not once per mention
    assert n2 >= 9 * n1  # ten times the text, about ten times the mentions
    assert km2 <= 1.5 * 10 * km1 and hint2 <= 1.5 * 10 * hint1, counts


@pytest.mark.parametrize("name", ["Darfur", "Donbas", "Kurdistan Region", "Sahel"])
def test_regions_resolve(name: str) -> None:
    text = f"Fighting spread across {name} this week."
    place = resolve_places(text, spans(text, name))[0]
    assert place is not None and place.feature in ("region", "admin1")


def test_to_and_from_make_a_person_tagged_town_a_place_only_after_a_motion_verb() -> None:
    from crosscheck.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    moved = nlp("Refugees walked from Goma to Bukavu in March.")
    assert [(p.text, p.entry.country if p.entry else None) for p in moved._.cc_places] == [
        ("Goma", "CD"),
        ("Bukavu", "CD"),
    ]
    assert nlp("A letter from Goma said he was safe.")._.cc_places == []


def test_an_ambiguous_town_whose_readings_share_a_country_still_names_the_country() -> None:
    text = "Gainesville police said the truck came from Paris."
    gainesville, paris = resolve_places(text, spans(text, "Gainesville", "Paris"))
    assert gainesville is not None and gainesville.country == "US"
    assert paris is not None and paris.country == "US"


def test_every_alias_names_an_existing_place() -> None:
    from crosscheck.nlp.gazetteer import ALIASES_FILE, SUBDIVISIONS_FILE

    gaz = Gazetteer.load()
    for path in (ALIASES_FILE, SUBDIVISIONS_FILE):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                alias, _, place_id = line.partition("\t")
                assert gaz.find_id(place_id.strip()) is not None, line
                assert gaz.candidates(alias), line


def test_a_country_name_stays_the_country_in_a_report_about_another_country() -> None:
    text = "Officials in Columbia, Jefferson City and Fulton said trade with Mexico grew."
    *_, mexico = resolve_places(text, spans(text, "Columbia", "Jefferson City", "Fulton", "Mexico"))
    assert mexico is not None and mexico.feature == "country" and mexico.country == "MX"


def test_organisations_after_in_stay_organisations() -> None:
    text = "A rift in Hamas grew as officials in Congress and in UNICEF met ."
    doc = _doc(text, {"Hamas", "Congress", "UNICEF"})
    ents = [_Ent(n, "ORG", tuple(spans(text, n))) for n in ("Hamas", "Congress", "UNICEF")]
    assert find_places(doc, ents) == []  # type: ignore[arg-type]
    assert find_places(doc, []) == []  # type: ignore[arg-type]  # untagged: no prominent place of that main name
