"""Place mentions of a document, resolved together against the gazetteer.

Places come from the model's place entities and, when the words around say "place", from
other capitalised names the gazetteer knows:

- a place feature word ("the province of X", "X border crossing", see ``feature_hint``);
- a locative preposition right before the name ("in", "near", "outside", "at", "to", "from",
  "across", "around"; English grammar: prepositions of place and of direction);
- "X-based", which names where an organisation or person is based.

A name the model tagged as a person or organisation is read as a place only with a feature
word, "-based", or one of the place-only prepositions ("in", "near", "outside", "around",
"across"); "to" and "from" take people as well ("a letter to Ali", "a call from Reuters"), so
they count only after a verb of motion ("fled from X to Y").
Every step looks at a fixed window around the name, so the cost is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from crosscheck.nlp.gazetteer import GazEntry, Gazetteer
from crosscheck.nlp.geocode import BASED, feature_hint, resolve_places

__all__ = ["PlaceMention", "find_places", "place_context"]

PLACE_TYPES = {"GPE", "LOC", "FAC"}
# Prepositions of place (English grammar); "to"/"from" also take people, so they are weaker.
PLACE_PREPOSITIONS = {"in", "near", "outside", "around", "across", "at", "inside", "within"}
DIRECTION_PREPOSITIONS = {"to", "from", "toward", "towards", "into"}
# Verbs of motion and of sending (Levin 1993, English Verb Classes and Alternations: 51.1
# inherently directed motion, 51.2 leave, 51.3.2 run, 11.1 send, 11.5 carry): after them "to X"
# and "from X" name places.
MOTION_VERBS = {
    "arrive", "come", "go", "leave", "return", "flee", "escape", "depart", "enter", "exit", "cross",
    "advance", "retreat", "withdraw", "travel", "walk", "run", "march", "drive", "fly", "sail",
    "move", "head", "migrate", "relocate", "evacuate", "send", "ship", "deport", "transfer",
    "deploy", "carry", "bring", "take", "transport", "airlift", "extend", "spread",
}  # fmt: skip
# Entity labels that are never places, whatever the preposition ("in March", "at 5 pm").
NOT_PLACE_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "NORP", "LANGUAGE"}
# Gazetteer prominence a name needs when only a preposition says "place": a populated place of
# at least this many people (GeoNames population), or an area (country, province, region).
MIN_POP_LOCATIVE = 5_000  # the floor the resolver keeps non-exact candidates at, too
# For a name the model tagged as a person or organisation after "to"/"from": a hand-chosen,
# stricter bound with no general source yet (the geoparsing sets were checked as a whole, not
# split for it; EVALUATION.md, places).
MIN_POP_DIRECTION = 20_000
AREAS = {"country", "continent", "admin1", "admin2", "region"}
_BEFORE = re.compile(r"[^\W\d_]+|\S")


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceMention:
    start: int
    end: int
    text: str
    entry: GazEntry | None


def place_context(text: str, start: int, end: int) -> str | None:
    """What the words next to ``text[start:end]`` say: "feature", "based", "locative"
    ("in X"), "direction" ("to X"), or None."""
    if feature_hint(text, start, end) is not None:
        return "feature"
    if BASED.match(text, end, min(len(text), end + 10)):
        return "based"
    words = [m.group().lower() for m in _BEFORE.finditer(text, max(0, start - 24), start)]
    if words and words[-1] == "the":
        words.pop()
    if not words:
        return None
    if words[-1] in PLACE_PREPOSITIONS:
        return "locative"
    return "direction" if words[-1] in DIRECTION_PREPOSITIONS else None


def _after_motion(tok: Any) -> bool:
    """Whether the "to"/"from" before ``tok`` depends on a verb of motion."""
    if tok is None or tok.i == 0:
        return False
    prep = tok.doc[tok.i - 1]
    if prep.lower_ == "the" and tok.i > 1:
        prep = tok.doc[tok.i - 2]
    head = prep.head
    for _ in range(3):  # "walked from Goma to Bukavu": "to" may hang on "Goma"
        if head.pos_ in ("VERB", "AUX"):
            return bool(head.lemma_.lower() in MOTION_VERBS)
        if head.head is head:
            break
        head = head.head
    return False


def _known(gaz: Gazetteer, name: str, context: str, *, tagged: bool = False) -> bool:
    """Whether the gazetteer holds ``name`` prominently enough for the context to make it a place.

    Outside feature words, only a place's main name counts (GeoNames alternate names are noisy:
    "Hamas" is one of Hamm's), never a short all-capitals word (an acronym), and a name the model
    tagged as a person or organisation needs the higher floor.
    """
    if name.endswith(("'s", "’s")):
        return False
    cands = gaz.candidates(name, limit=10)
    if context == "feature":
        return bool(cands)
    if name.isupper() and len(name) <= 5:
        return False
    floor = MIN_POP_DIRECTION if context == "direction" or tagged else MIN_POP_LOCATIVE
    return any(gaz.is_exact(c, name) == 2 and (c.feature in AREAS or c.population >= floor) for c in cands)


def _spans(doc: Doc, text: str, entities: Sequence[Any]) -> list[tuple[int, int]]:
    """Mentions of place entities, and of other names that the context calls a place."""
    gaz = Gazetteer.load()
    spans = []
    tokens: dict[int, Any] | None = None  # token at each start offset, built on first need
    for ent in entities:
        for start, end in ent.mentions:
            if ent.type in PLACE_TYPES:
                spans.append((start, end))
            elif ent.type in ("PERSON", "ORG"):
                context = place_context(text, start, end)
                if context == "direction":
                    tokens = tokens if tokens is not None else {t.idx: t for t in doc}
                    context = "direction" if _after_motion(tokens.get(start)) else None
                if context is not None and _known(gaz, text[start:end], context, tagged=True):
                    spans.append((start, end))
    covered = {i for ent in entities for start, end in ent.mentions for i in range(start, end)}
    for start, end in _proper_runs(doc, text):
        if start in covered or end - 1 in covered:
            continue
        context = place_context(text, start, end)
        if context is not None and _known(gaz, text[start:end], context):
            spans.append((start, end))
    return sorted(set(spans))


def _proper_runs(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Runs of capitalised proper-noun tokens (char offsets) outside non-place entities: place
    names the model may miss, as in "the provinces of A, B and C" or "clashes in X"."""
    runs, start = [], None
    for tok in doc:
        proper = tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.ent_type_ not in NOT_PLACE_LABELS
        if proper and start is None:
            start = tok.idx
        if not proper and start is not None:
            prev = doc[tok.i - 1]
            runs.append((start, prev.idx + len(prev)))
            start = None
    if start is not None:
        runs.append((start, len(text.rstrip())))
    return runs


def find_places(doc: Doc, entities: Sequence[Any]) -> list[PlaceMention]:
    """Every place mention with its gazetteer entry (None when it cannot be placed)."""
    text = doc.text  # built once: spaCy joins every token each time it is asked
    spans = _spans(doc, text, entities)
    entries = resolve_places(text, spans)
    return [
        PlaceMention(start=s, end=e, text=text[s:e], entry=entry) for (s, e), entry in zip(spans, entries, strict=True)
    ]
