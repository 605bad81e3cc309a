"""Place mentions of a document, resolved together against the gazetteer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from crosscheck.nlp.gazetteer import GazEntry, Gazetteer
from crosscheck.nlp.geocode import feature_hint, resolve_places

__all__ = ["PlaceMention", "find_places"]

PLACE_TYPES = {"GPE", "LOC", "FAC"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceMention:
    start: int
    end: int
    text: str
    entry: GazEntry | None


def _spans(doc: Doc, entities: Sequence[Any]) -> list[tuple[int, int]]:
    """Mentions of place entities, and of other entities that the text calls a place
    ("the province of X", "X border crossing") and the gazetteer knows."""
    gaz = Gazetteer.load()
    spans = []
    for ent in entities:
        for start, end in ent.mentions:
            if ent.type in PLACE_TYPES or (
                ent.type in ("PERSON", "ORG")
                and feature_hint(doc.text, start, end)
                and gaz.candidates(doc.text[start:end])
            ):
                spans.append((start, end))
    covered = {i for start, end in spans for i in range(start, end)}
    covered |= {i for ent in entities for start, end in ent.mentions for i in range(start, end)}
    for start, end in _proper_runs(doc):
        if start not in covered and feature_hint(doc.text, start, end) and gaz.candidates(doc.text[start:end]):
            spans.append((start, end))
    return sorted(set(spans))


def _proper_runs(doc: Doc) -> list[tuple[int, int]]:
    """Runs of capitalised proper-noun tokens (char offsets): place names NER may miss in
    lists such as "the provinces of A, B and C" or "A and B provinces"."""
    runs, start = [], None
    for tok in doc:
        proper = tok.pos_ == "PROPN" and tok.text[:1].isupper()
        if proper and start is None:
            start = tok.idx
        if not proper and start is not None:
            prev = doc[tok.i - 1]
            runs.append((start, prev.idx + len(prev)))
            start = None
    if start is not None:
        runs.append((start, len(doc.text.rstrip())))
    return runs


def find_places(doc: Doc, entities: Sequence[Any]) -> list[PlaceMention]:
    """Every place mention with its gazetteer entry (None when it cannot be placed)."""
    spans = _spans(doc, entities)
    entries = resolve_places(doc.text, spans)
    return [
        PlaceMention(start=s, end=e, text=doc.text[s:e], entry=entry)
        for (s, e), entry in zip(spans, entries, strict=True)
    ]
