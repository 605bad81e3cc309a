"""Records: the frozen facts that flow from ingest through nlp into the ledger.

Every record carries the id of its document and the character offsets (0-based, end
exclusive, code points) of the stored text it was read from, and an id derived from its
content, so that reading the same report twice yields the same records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Analysis",
    "Claim",
    "DateRange",
    "Document",
    "EntityRecord",
    "Figure",
    "PlaceRecord",
    "Relation",
    "Source",
    "Span",
    "StructureMark",
    "content_id",
]

Certainty = Literal["certain", "probable", "possible", "unknown"]
Polarity = Literal["positive", "negative"]
QuoteKind = Literal["direct", "indirect", "none"]
SourceKind = Literal["named", "anonymous", "outlet", "document"]
Precision = Literal["day", "month", "year", "approximate"]


def content_id(prefix: str, *parts: object) -> str:
    """A short stable id from the parts that make a record what it is."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:16]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """Characters `start:end` of the stored text of document `doc`."""

    doc: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StructureMark:
    """Characters `start:end` of a document's text that are structure, not statement: a
    heading, caption, dateline or credit line (`ingest.structure`)."""

    start: int
    end: int
    kind: str  # heading | caption | dateline | credit


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One report: its main text (what every span points into) and its metadata."""

    id: str
    sha256: str
    text: str
    origin: str
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    author: str | None = None
    duplicate_of: str | None = None
    fingerprint: int | None = None
    structure: tuple[StructureMark, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DateRange:
    """A resolved time expression: inclusive ISO dates, how precise, and its words."""

    start: str | None
    end: str | None
    precision: Precision | None = None
    text: str | None = None
    relative: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityRecord:
    """An entity as one document names it: its name, aliases there, and its mentions."""

    id: str
    doc: str
    name: str
    type: str
    kind: str | None = None
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceRecord:
    """A place mention resolved against the gazetteer (lat/lon None when unresolved)."""

    id: str
    doc: str
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    feature: str
    gazetteer_id: str | None
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Relation:
    """A relation between two entities of one document, with the sentence as evidence."""

    id: str
    doc: str
    subject: str
    predicate: str
    object: str
    evidence: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Who asserts a claim, as the text describes them."""

    text: str
    kind: SourceKind
    entity: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """One assertion of a report, with its attribution, certainty and polarity."""

    id: str
    doc: str
    span: Span
    sentence: Span
    source: Source
    via: tuple[Source, ...] = ()
    cue: str | None = None
    quote: QuoteKind = "none"
    certainty: Certainty = "certain"
    polarity: Polarity = "positive"
    kind: str = "assertion"
    entities: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    when: DateRange | None = None
    event_type: str | None = None
    terms: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    denial: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A number that counts something, tied to the claim that carries it."""

    id: str
    doc: str
    span: Span
    value: float
    low: float | None
    high: float | None
    qualifier: str | None
    category: str
    what: str
    as_of: str | None = None
    place: str | None = None
    claim: str | None = None
    part_of: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """Everything the nlp stage read from one document."""

    doc: str
    version: str
    entities: tuple[EntityRecord, ...] = ()
    places: tuple[PlaceRecord, ...] = ()
    relations: tuple[Relation, ...] = ()
    claims: tuple[Claim, ...] = ()
    figures: tuple[Figure, ...] = ()
    flags: tuple[str, ...] = field(default_factory=tuple)
