"""Helpers shared by the reading tests: spans of names, the claim at a phrase, relations by name."""

from __future__ import annotations

import re

from spacy.language import Language

from crosscheck.nlp.attribution import ClaimMention
from crosscheck.nlp.entities import extract_entities
from crosscheck.nlp.relations import extract_relations


def spans(text: str, *names: str) -> list[tuple[int, int]]:
    """The character span of the first occurrence of each name in `text`."""
    out = []
    for name in names:
        m = re.search(re.escape(name), text)
        assert m is not None, name
        out.append((m.start(), m.end()))
    return out


def claim_at(cs: list[ClaimMention], text: str, needle: str) -> ClaimMention:
    """The claim whose sentence holds `needle`."""
    i = text.index(needle)
    hits = [c for c in cs if c.sentence_start <= i < c.sentence_end]
    assert hits, f"no claim at {needle!r}"
    return hits[0]


def relation_names(nlp: Language, text: str) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) names of the relations read from `text`; every relation's
    evidence lies inside the text."""
    doc = nlp(text)
    ents = extract_entities(doc)
    out = set()
    for r in extract_relations(doc, ents):
        start, end = r.evidence
        assert 0 <= start < end <= len(text)
        out.add((ents[r.subject].name, r.predicate, ents[r.object].name))
    return out
