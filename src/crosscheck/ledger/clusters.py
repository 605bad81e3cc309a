"""A cluster's status, origins and proposition, derived from its members (DESIGN.md, "Meanings").

Origins are actors: a claim's origin as stored is resolved again here, when the cluster is
judged, to the actor its words name by then (an outlet that another report cites by name is
that actor), and verbatim copies of one sentence in several outlets (a wire story, syndication)
count as the one origin of the earliest. Rows are read in the story's order (publication date,
then document and position), never in the order reports were added.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from crosscheck.resolve.names import exact_key
from crosscheck.resolve.status import Member, Status, cluster_status

__all__ = ["COPIES", "IN_HEADLINE", "Lookups", "actor_named", "actor_names", "recompute_cluster"]

_PRONOUN_OPENERS = frozenset({"they", "he", "she", "it", "this", "these", "those", "we", "i"})
MIN_PROPOSITION_WORDS = 6
# A sentence shared word for word by reports of different outlets is one story copied (a wire
# story, syndication) when it is at least this long: shorter ones ("The ministry declined to
# comment.") are formulas that outlets write independently.
MIN_COPIED_WORDS = 12
# SQL: the documents that are copies of document ? or of which it is a copy (near-duplicates).
COPIES = (
    "WITH RECURSIVE copies(id) AS (SELECT ? UNION "
    "SELECT d.id FROM documents d JOIN copies c ON d.duplicate_of = c.id UNION "
    "SELECT d.duplicate_of FROM documents d JOIN copies c ON d.id = c.id WHERE d.duplicate_of IS NOT NULL)"
)
# SQL: true when a claim `c` of document `d` lies on the report's first line (its headline).
IN_HEADLINE = "(c.start < instr(d.text || char(10), char(10)))"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Lookups:
    """What judging clusters asks the ledger about actors and copies, remembered while the
    ledger does not change in between (the clusters one report touched are judged one after
    the other, and share most of their origins)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._named: dict[str, str | None] = {}
        self._bodies: dict[str, str] = {}
        self._first: dict[str, str | None] = {}
        self._names: dict[str, str | None] = {}

    def actor_named(self, words: str) -> str | None:
        if words not in self._named:
            self._named[words] = actor_named(self.conn, words)
        return self._named[words]

    def body_of(self, origin: str) -> str:
        if origin not in self._bodies:
            self._bodies[origin] = _body_of(self.conn, origin)
        return self._bodies[origin]

    def first_outlet(self, doc: str) -> str | None:
        if doc not in self._first:
            self._first[doc] = _first_outlet(self.conn, doc)
        return self._first[doc]

    def actor_names(self, actors: Iterable[str]) -> dict[str, str]:
        wanted = set(actors)
        missing = wanted - self._names.keys()
        found = actor_names(self.conn, missing)
        self._names.update({a: found.get(a) for a in missing})
        return {a: name for a in wanted if (name := self._names[a]) is not None}


def actor_names(conn: sqlite3.Connection, actors: Iterable[str]) -> dict[str, str]:
    """The display name of each actor: the name of its founding entity."""
    out = {}
    for actor in set(actors):
        row = conn.execute("SELECT name FROM entities WHERE id=?", (actor,)).fetchone()
        if row:
            out[actor] = row[0]
    return out


def actor_named(conn: sqlite3.Connection, words: str) -> str | None:
    """The actor whose name or alias these words are exactly (after normalising), as
    "actor:ID", when they were not linked to an entity in their own report ("the Observatory's
    tally", an outlet's name)."""
    key = exact_key(words)
    if key == "n:":
        return None
    row = conn.execute(
        "SELECT a.actor FROM name_keys k JOIN actors a ON a.entity = k.entity WHERE k.key = ? "
        "GROUP BY a.actor ORDER BY count(*) DESC, a.actor LIMIT 1",
        (key,),
    ).fetchone()
    return f"actor:{row[0]}" if row else None


def _canonical_origins(lookups: Lookups, rows: list[sqlite3.Row]) -> list[tuple[str, str]]:
    """Each row's origin as an actor where one is known by now, with copies folded: (origin, kind)."""
    out: list[tuple[str, str]] = []
    first_copy: dict[str, tuple[str, str]] = {}
    for r in rows:
        origin, kind = r["origin"], r["origin_kind"]
        if kind in ("outlet", "anonymous") and r["outlet"]:
            origin = _as_first_copy(lookups.first_outlet(r["doc"]), r["outlet"], origin)
        if not origin.startswith("actor:") and kind in ("named", "outlet"):
            actor = lookups.actor_named(origin)
            if actor is not None:
                origin, kind = actor, "named" if kind == "named" else kind
        if origin.startswith("actor:"):
            origin = lookups.body_of(origin)
        if kind in ("outlet", "anonymous"):
            words = _copy_key(r["sentence"])
            if words:
                seen = first_copy.setdefault(words, (origin, kind))
                if seen[0] != origin and r["outlet"] is not None:
                    origin, kind = seen
        out.append((origin, kind))
    return out


def _body_of(conn: sqlite3.Connection, origin: str) -> str:
    """A person who speaks as a member, leader or spokesperson of a body (a relation the
    reports state: "the ministry's spokesman X", "X, a member of Y") answers to that body: two
    officials of one government are one origin, as DESIGN.md says of unnamed ones."""
    row = conn.execute(
        "SELECT a2.actor FROM actors a1 JOIN entities e1 ON e1.id = a1.entity AND e1.type = 'PERSON' "
        "JOIN relations r ON r.subject = a1.entity AND r.predicate IN ('member_of', 'leader_of', 'spokesperson_of') "
        "JOIN actors a2 ON a2.entity = r.object JOIN entities e2 ON e2.id = r.object AND e2.type IN ('ORG', 'NORP') "
        "WHERE a1.actor = ? ORDER BY a2.actor LIMIT 1",
        (origin[6:],),
    ).fetchone()
    return f"actor:{row[0]}" if row else origin


def _first_outlet(conn: sqlite3.Connection, doc: str) -> str | None:
    """The outlet of the first copy in the story's order (publication date, then id) of the
    group of syndicated copies document `doc` belongs to."""
    first = conn.execute(
        f"{COPIES} SELECT o.outlet FROM documents o JOIN copies c ON o.id = c.id WHERE o.outlet IS NOT NULL "
        "ORDER BY coalesce(o.published, '9999'), o.id LIMIT 1",
        (doc,),
    ).fetchone()
    return str(first[0]) if first is not None else None


def _as_first_copy(first: str | None, outlet: str, origin: str) -> str:
    """An outlet's origin in a syndicated copy, as the outlet of the group's first copy (`first`),
    not of whichever copy was added first."""
    if first is None or first == outlet:
        return origin
    if origin == outlet:
        return first
    suffix = f", per {outlet}"
    return origin[: -len(suffix)] + f", per {first}" if origin.endswith(suffix) else origin


def _copy_key(sentence: str) -> str | None:
    words = re.findall(r"\w+", sentence.lower())
    return " ".join(words) if len(words) >= MIN_COPIED_WORDS else None


def recompute_cluster(conn: sqlite3.Connection, cluster: str, doc: str | None, lookups: Lookups | None = None) -> None:
    """Status, origins and proposition of one cluster from its members; log a status change.
    `lookups` may be shared by clusters judged one after the other while nothing else changes."""
    lookups = lookups or Lookups(conn)
    rows = conn.execute(
        "SELECT m.claim, m.stance, o.origin, o.kind AS origin_kind, c.doc, c.text, c.source_kind, c.source_text, "
        "coalesce(o2.outlet, d.outlet) AS outlet, d.outlet AS doc_outlet, d.published, "
        "c.certainty, c.polarity, substr(d.text, c.sentence_start + 1, c.sentence_stop - c.sentence_start) AS sentence, "
        f"{IN_HEADLINE} AS in_headline "
        "FROM memberships m JOIN claims c ON c.id = m.claim JOIN claim_origins o ON o.claim = m.claim "
        "JOIN documents d ON d.id = c.doc LEFT JOIN documents o2 ON o2.id = d.duplicate_of WHERE m.cluster=? ORDER BY coalesce(d.published, '9999'), c.doc, c.start, c.id",
        (cluster,),
    ).fetchall()
    before = conn.execute("SELECT status FROM clusters WHERE id=?", (cluster,)).fetchone()
    if not rows:
        conn.execute("DELETE FROM clusters WHERE id=?", (cluster,))
        return
    origins = _canonical_origins(lookups, rows)
    names = lookups.actor_names(o[6:] for o, _ in origins if o.startswith("actor:"))

    def display(origin: str) -> str:
        return names.get(origin[6:], origin) if origin.startswith("actor:") else origin

    members = _within_document(
        [Member(r["claim"], r["stance"], display(o), kind) for r, (o, kind) in zip(rows, origins, strict=True)],
        [r["doc"] for r in rows],
        [r["source_text"] for r in rows],
        [bool(r["in_headline"]) for r in rows],
    )
    status = _user_status(conn, cluster, cluster_status(members))
    proposition = _proposition(rows)
    conn.execute(
        "INSERT INTO clusters (id, proposition, status, reason, origins, refuted_by, size, updated_at, n_origins, "
        "first_published, last_published, outlets, docs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET proposition=excluded.proposition, "
        "status=excluded.status, reason=excluded.reason, origins=excluded.origins, refuted_by=excluded.refuted_by, "
        "size=excluded.size, updated_at=excluded.updated_at, n_origins=excluded.n_origins, "
        "first_published=excluded.first_published, last_published=excluded.last_published, "
        "outlets=excluded.outlets, docs=excluded.docs",
        (
            cluster,
            proposition,
            status.status,
            status.reason,
            json.dumps(list(status.origins), ensure_ascii=False),
            json.dumps(list(status.refuted_by), ensure_ascii=False),
            len(rows),
            _now(),
            *_board_facts(rows, len(status.origins)),
        ),
    )
    previous = before[0] if before else None
    if previous != status.status:
        conn.execute(
            "INSERT INTO changes (at, kind, subject, before, after, doc, reason) VALUES (?, 'status', ?, ?, ?, ?, ?)",
            (_now(), cluster, previous, status.status, doc, status.reason),
        )


def _board_facts(rows: list[sqlite3.Row], n_origins: int) -> tuple[int, str | None, str | None, str, int]:
    """What the cluster board sorts and filters by, stored so it pages by an index: the number
    of origins, the first and last publication date, the outlets (sorted) and the reports."""
    dates = [r["published"] for r in rows if r["published"] is not None]
    outlets = sorted({r["doc_outlet"] for r in rows if r["doc_outlet"]})
    return (
        n_origins,
        min(dates, default=None),
        max(dates, default=None),
        json.dumps(outlets, ensure_ascii=False),
        len({r["doc"] for r in rows}),
    )


def _within_document(
    members: list[Member], docs: list[str], sources: list[str], headlines: list[bool] | None = None
) -> list[Member]:
    """A report that names the origin of a proposition answers for its own uncited statements
    of it, for anonymous mentions of a body ("the monitor says"), and for whatever its headline
    attributes in shorthand ("..., lawyers say"): within one document, those take the
    document's named origin instead of counting as new ones. Anonymous people in the body ("two
    officials") keep their own origin."""
    headlines = headlines or [False] * len(members)
    named: dict[tuple[str, str], Member] = {}
    for m, doc in zip(members, docs, strict=True):
        if m.origin_kind == "named":
            named.setdefault((doc, m.stance), m)
    bodies = _body_descriptors()
    out = []
    for m, doc, source, headline in zip(members, docs, sources, headlines, strict=True):
        lead = named.get((doc, m.stance))
        words = source.lower().split()
        folds = m.origin_kind == "outlet" or (
            m.origin_kind == "anonymous" and (headline or (bool(words) and words[-1] in bodies))
        )
        if lead is not None and folds:
            m = Member(m.claim, m.stance, lead.origin, lead.origin_kind)
        out.append(m)
    return out


@lru_cache(maxsize=1)
def _body_descriptors() -> frozenset[str]:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("crosscheck.data").joinpath("origins.yaml").read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data.get("body_descriptors", []))


def _user_status(conn: sqlite3.Connection, cluster: str, computed: Status) -> Status:
    """A status set by hand overrides the computed one (still with the computed origins). The
    judgement names the cluster and one of its claims, so it follows the claim if re-analysis
    gives the cluster another id."""
    row = conn.execute(
        "SELECT decision, features FROM judgements WHERE kind='status' AND author='user' AND undone=0 AND "
        "(a=? OR json_extract(features, '$.claim') IN (SELECT claim FROM memberships WHERE cluster=?)) "
        "ORDER BY a=? DESC, id DESC LIMIT 1",
        (cluster, cluster, cluster),
    ).fetchone()
    if row is None or row[0] == computed.status:
        return computed
    note = json.loads(row[1]).get("note")
    reason = f"Set by a user{': ' + note if note else ''} (computed: {computed.status}). {computed.reason}"
    return Status(row[0], computed.origins, computed.refuted_by, reason)


def _user_stance(conn: sqlite3.Connection, claim: str) -> str | None:
    """A stance set by hand for this claim, if any."""
    row = conn.execute(
        "SELECT decision FROM judgements WHERE kind='stance' AND a=? AND author='user' AND undone=0 "
        "ORDER BY id DESC LIMIT 1",
        (claim,),
    ).fetchone()
    return str(row[0]) if row else None


def _proposition(rows: list[sqlite3.Row]) -> str:
    """The clearest supporting claim's content, as a sentence; a fragment too short to read
    alone ("2,341 deaths") gives way to its whole sentence."""

    def rank(r: sqlite3.Row) -> tuple[int, int, int, int, int, str]:
        opens_with_pronoun = r["text"].split(" ", 1)[0].lower() in _PRONOUN_OPENERS
        return (
            r["stance"] != "supports",
            opens_with_pronoun,
            r["certainty"] != "certain",
            r["source_kind"] == "outlet",
            len(r["text"]),
            r["claim"],
        )

    best = min(rows, key=rank)
    text = best["text"] if len(best["text"].split()) >= MIN_PROPOSITION_WORDS else best["sentence"]
    text = " ".join(text.split()).strip().strip('"“”')
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith((".", "!", "?")) else text + "."
