"""Tests for crosscheck.resolve.names: spelling variants match, names sharing a word do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosscheck.resolve.names import NameInfo, compare, name_keys, normalise


def _org(name: str, *aliases: str) -> NameInfo:
    return NameInfo(name=name, type="ORG", aliases=aliases)


def _per(name: str, *aliases: str) -> NameInfo:
    return NameInfo(name=name, type="PERSON", aliases=aliases)


def test_names_normalise_folds_case_apostrophes_hyphens_the():
    assert normalise("The Jaysh al-Mahdi") == "jaysh al mahdi"
    assert normalise("Ansar Allah's") == "ansar allah"
    assert normalise("Hay\u2019at Tahrir al-Sham") == normalise("Hayat Tahrir Al-Sham")
    assert normalise("Zürich") == "zurich"


def test_names_normalise_keeps_other_scripts():
    assert normalise("جبهة النصرة") == "جبهة النصرة"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (_org("Jaish al-Adl"), _org("Jaysh al-Adl")),
        (_org("Ansar Allah"), _org("Ansarullah", "Ansar Allah")),
        (_org("Hizb ut-Tahrir"), _org("Hizb-ut-Tahrir")),
        (_org("Jama'at Nusrat al-Islam wal-Muslimin"), _org("Jamaat Nusrat al-Islam wal-Muslimin")),
        (_org("National Defence Forces"), _org("National Defense Forces")),
        (_org("Syrian Democratic Forces"), _org("SDF")),
        (_org("Kurdistan Workers' Party", "PKK"), _org("PKK")),
        (_org("Liwa Thuwar al-Raqqa"), _org("Thuwar al-Raqqa Brigade")),
        (_org("Palestine Liberation Organisation"), _org("Palestine Liberation Organization")),
        (_org("Hamas"), _org("HAMAS")),
        (_per("Muammar Qaddafi"), _per("Moammar Qaddafi")),
        (_per("Mohammed bin Salman"), _per("Muhammad bin Salman")),
        (_per("Yevgeny Prigozhin"), _per("Prigozhin")),
        (_per("Hassan Sheikh Mohamud"), _per("Hasan Sheikh Mohamud")),
        (_org("Harakat al-Sabireen"), _org("Harakat Ansar al-Sabireen")),
        (_org("Taliban Movement"), _org("Taliban")),
    ],
)
def test_names_compare_variants_are_same(a, b):
    j = compare(a, b)
    assert j.same, (a.name, b.name, j)
    assert j.features
    assert compare(b, a).same


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (_org("Hamas"), _org("Hamas Brigades")),
        (_org("Ansar Allah"), _org("Liwa Ansar Allah")),
        (_org("Jaysh al-Mahdi"), _org("Saraya al-Mahdi al-Islami")),
        (_org("Free Syrian Army"), _org("Syrian Army")),
        (_org("Wagner Group"), _org("Africa Corps")),
        (_org("Syrian Democratic Forces"), _org("Syrian Defence Ministry")),
        (_per("Mustafa Kemal"), _per("Mustafa Kamil")),
        (_per("Hassan Sheikh Mohamud"), _per("Hassan al-Turabi")),
        (_per("Omar al-Bashir"), _per("Bashar al-Assad")),
        (_per("Hafez al-Assad"), _per("Bashar al-Assad")),
        (_per("Prigozhin"), _org("Prigozhin Group")),
        (_per("Jordan"), NameInfo(name="Jordan", type="GPE")),
    ],
)
def test_names_compare_different_entities_are_not_same(a, b):
    j = compare(a, b)
    assert not j.same, (a.name, b.name, j)
    assert not compare(b, a).same


def test_names_compare_explains_itself():
    j = compare(_org("Syrian Democratic Forces"), _org("SDF"))
    assert j.features.get("acronym") == 1.0
    assert j.features["type"] == 1.0
    assert 0.0 <= j.score <= 1.0


def test_names_compare_surname_needs_same_type():
    assert compare(_per("Vladimir Putin"), _per("Putin")).same
    assert not compare(_per("Vladimir Putin"), _org("Putin")).same


def test_names_compare_lone_surname_alias_does_not_merge_namesakes():
    a = _per("Hafez al-Assad", "Assad")
    b = _per("Bashar al-Assad", "Assad")
    assert not compare(a, b).same


def test_names_keys_block_variants_together():
    assert name_keys("Ansarallah") & name_keys("Ansarullah")
    assert name_keys("Syrian Democratic Forces") & name_keys("SDF")
    assert name_keys("Yevgeny Prigozhin") & name_keys("Prigozhin")
    assert not name_keys("Wagner Group") & name_keys("Africa Corps")


@given(st.text(min_size=1, max_size=40))
def test_names_compare_is_reflexive_and_safe(text):
    info = NameInfo(name=text, type="ORG")
    j = compare(info, info)
    if normalise(text):
        assert j.same
    assert isinstance(name_keys(text), set)
