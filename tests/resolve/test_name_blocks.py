"""What blocks a cross-report merge in crosscheck.resolve.names: different countries in the
names, a person against an organisation, distinguishing words."""

from __future__ import annotations

from crosscheck.resolve.names import NameInfo, compare, countries_of


def _org(name: str, *aliases: str) -> NameInfo:
    return NameInfo(name=name, type="ORG", aliases=aliases)


def test_countries_of_reads_demonyms_and_country_names():
    assert countries_of("Iraqi Hezbollah") == {"IQ"}
    assert countries_of("National Council of Resistance of Iran") == {"IR"}
    assert countries_of("Hezbollah") == frozenset()


def test_different_countries_block_an_exact_name():
    a = _org("Hezbollah", "Lebanese Hezbollah")
    b = _org("Hezbollah", "Iraqi Hezbollah")
    verdict = compare(a, b)
    assert not verdict.same
    assert verdict.features["country"] == 0.0


def test_same_country_or_none_still_merges():
    assert compare(_org("Hezbollah", "Lebanese Hezbollah"), _org("Hizbullah")).same
    assert compare(
        _org("Foreign Ministry", "Iranian Foreign Ministry"), _org("Foreign Ministry", "Iran Foreign Ministry")
    ).same


def test_person_never_merges_with_an_organisation():
    person = NameInfo(name="Abu Fadak al-Mohammedawi", type="PERSON")
    group = NameInfo(name="Abu Fadak al-Mohammedawi", type="ORG")
    verdict = compare(person, group)
    assert not verdict.same
    assert verdict.features["person_org"] == 0.0


def test_distinguishing_words_keep_councils_apart():
    assert not compare(_org("National Council of Resistance of Iran"), _org("Supreme National Security Council")).same
    assert not compare(_org("National Council"), _org("Supreme National Security Council")).same
