"""The brief's records: what `gather_brief` fills and the renderers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ActorItem",
    "Brief",
    "ClusterItem",
    "FigureRow",
    "Limits",
    "Note",
    "Section",
    "SourceItem",
    "TimelineItem",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How much the brief shows in each section; the rest goes to the appendix."""

    clusters: int = 8
    figures: int = 8
    series_charts: int = 3
    actors: int = 5
    actor_claims: int = 3
    timeline: int = 8
    places: int = 80
    places_listed: int = 8
    sources: int = 8
    background: int = 5
    latest: int = 5
    graph_nodes: int = 30

    @classmethod
    def per_section(cls, n: int) -> Limits:
        """At most `n` items in every section (`brief --limit`)."""
        n = max(1, n)
        return cls(
            clusters=n,
            figures=n,
            actors=min(n, 5),
            actor_claims=min(n, 3),
            timeline=n,
            places_listed=n,
            sources=n,
            background=min(n, 5),
            latest=min(n, 5),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A footnote: one sentence of one report, with the cited part at `mark` (offsets into it)."""

    number: int
    doc: str
    sentence: str
    mark: tuple[int, int] | None
    outlet: str | None
    published: str | None
    url: str | None
    link: str | None
    stance: str | None = None
    chain: str | None = None
    origin: str | None = None
    certainty: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterItem:
    """A cluster as one sentence: proposition, status and reason, origins, its notes."""

    id: str
    proposition: str
    status: str
    reason: str
    origins: list[str]
    refuted_by: list[str]
    size: int
    supports: list[int]
    refutes: list[int]
    status_note: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A list of items with how many more were left out; `rest` holds those, for the appendix."""

    items: list[Any]
    more: int = 0
    rest: list[Any] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureRow:
    value: str
    qualifier: str | None
    what: str
    as_of: str | None
    according_to: str
    outlet: str | None
    doc: str
    note: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorItem:
    id: str
    name: str
    type: str
    mentions: int
    by: list[tuple[str, int]]
    about: list[tuple[str, int]]
    more_by: int = 0
    more_about: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineItem:
    start: str
    end: str | None
    when: str | None
    text: str
    event_type: str | None
    source: str
    note: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceItem:
    id: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None
    claims: int
    figures: int
    clusters: int
    statuses: dict[str, int]
    duplicate_of: str | None


@dataclass(kw_only=True)
class Brief:
    """Everything a rendered brief shows, with the charts as data (see `charts`, `map`)."""

    title: str
    generated: str
    topic: str | None
    since: str | None
    summary: dict[str, Any]
    corroborated: Section
    single_source: Section
    unattributed: Section
    contested: Section
    no_comment: Section
    figures: dict[str, Section]
    series: list[dict[str, Any]]
    competing: list[dict[str, Any]]
    places: list[dict[str, Any]]
    graph: dict[str, list[dict[str, Any]]]
    actors: list[ActorItem]
    timeline: Section
    sources: list[SourceItem]
    notes: list[Note] = field(default_factory=list)
    latest: list[dict[str, Any]] = field(default_factory=list)
    headline: list[dict[str, Any]] = field(default_factory=list)
    background: Section = field(default_factory=lambda: Section(items=[]))
    sources_shown: int = 0
    places_listed: int = 8
    clock: str = "published"

    def statement_sections(self) -> list[tuple[str, Section]]:
        """The statement sections with their appendix keys, in the order a brief shows them."""
        return [
            ("corroborated", self.corroborated),
            ("single-source", self.single_source),
            ("unattributed", self.unattributed),
            ("contested", self.contested),
            ("no-comment", self.no_comment),
        ]
