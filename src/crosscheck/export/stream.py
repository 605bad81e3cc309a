"""The export's parts read one record at a time, in the order and shape of `export_ledger`.

Each part is an iterable that runs its queries again when iterated, and holds one document,
one actor group or one place group at a time: memory does not grow with the ledger. The
groupings (an actor's entities, a place's spellings, a cluster's claims) and the orders are
done by SQLite, whose sorter spills to disk, not in Python dictionaries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from crosscheck.ledger import Ledger
from crosscheck.ledger.records import PARTS
from crosscheck.ledger.series import series_record
from crosscheck.nlp.timex import is_background, story_window
from crosscheck.resolve.series import Point

__all__ = ["ALL_PARTS", "Part", "export_parts_lazy", "iter_part"]

ALL_PARTS = ("documents", *PARTS)
Row = dict[str, Any]


def _lower(text: object) -> str | None:
    return text.lower() if isinstance(text, str) else None


def _prepare(conn: sqlite3.Connection) -> None:
    """Python's `str.lower` in SQL, so place keys match `place_key` for every script."""
    conn.create_function("crosscheck_lower", 1, _lower, deterministic=True)


_PLACE_KEY = "coalesce(nullif(p.gazetteer_id, ''), 'unresolved:' || crosscheck_lower(p.name))"


def _span(doc: str, start: int, stop: int, text: str) -> Row:
    return {"doc": doc, "start": start, "end": stop, "text": text}


class Part:
    """One part of the export: iterating it reads the ledger again, a record at a time."""

    def __init__(self, ledger: Ledger, name: str) -> None:
        self.ledger = ledger
        self.name = name

    def __iter__(self) -> Iterator[Row]:
        return iter_part(self.ledger, self.name)


def export_parts_lazy(ledger: Ledger) -> dict[str, Any]:
    """Every part of the export (documents too) as re-iterable streams, in place of
    `export_ledger`'s lists for readers that only iterate."""
    return {name: Part(ledger, name) for name in ALL_PARTS}


def iter_part(ledger: Ledger, name: str) -> Iterator[Row]:
    """The records of one part of the export, in `export_ledger`'s order."""
    conn = ledger.conn
    _prepare(conn)
    readers: dict[str, Callable[[sqlite3.Connection], Iterator[Row]]] = {
        "documents": _documents,
        "entities": _entities,
        "relations": _relations,
        "places": _places,
        "claims": _claims,
        "figures": _figures,
        "clusters": _clusters,
        "series": _series,
        "events": lambda conn: iter(()),
    }
    return readers[name](conn)


def _documents(conn: sqlite3.Connection) -> Iterator[Row]:
    for r in conn.execute("SELECT * FROM documents ORDER BY rowid"):
        yield {
            "id": r["id"],
            "outlet": r["outlet"],
            "title": r["title"],
            "url": r["url"],
            "published": r["published"],
            "language": r["language"],
            "author": r["author"],
            "sha256": r["sha256"],
            "origin": r["origin"],
            "text": r["text"],
            "duplicate_of": r["duplicate_of"],
            "added_at": r["added_at"],
        }


def _runs(rows: Iterable[sqlite3.Row], key: str) -> Iterator[list[sqlite3.Row]]:
    """Consecutive rows with the same `key`, as lists."""
    run: list[sqlite3.Row] = []
    for r in rows:
        if run and r[key] != run[0][key]:
            yield run
            run = []
        run.append(r)
    if run:
        yield run


def _entities(conn: sqlite3.Connection) -> Iterator[Row]:
    """Actors in the order of their first entity, each with its members' mentions."""
    rows = conn.execute(
        "WITH g AS (SELECT e.rowid AS rid, e.*, coalesce(a.actor, e.id) AS actor FROM entities e "
        "LEFT JOIN actors a ON a.entity = e.id), "
        "f AS (SELECT g.*, min(rid) OVER (PARTITION BY actor) AS first FROM g) "
        "SELECT f.id, f.doc, f.name, f.type, f.kind, f.aliases, f.actor, f.first, f.rid, "
        "m.doc AS m_doc, m.start AS m_start, m.stop AS m_stop, m.text AS m_text "
        "FROM f LEFT JOIN entity_mentions m ON m.entity = f.id ORDER BY f.first, f.rid, m.doc, m.start"
    )
    for run in _runs(rows, "first"):
        actor = run[0]["actor"]
        g: Row = {"id": actor, "name": None, "type": run[0]["type"], "kind": None, "aliases": {}, "mentions": []}
        docs: set[str] = set()
        seen: set[int] = set()
        for r in run:
            if r["m_doc"] is not None:
                g["mentions"].append(_span(r["m_doc"], r["m_start"], r["m_stop"], r["m_text"]))
            if r["rid"] in seen:
                continue
            seen.add(r["rid"])
            if r["id"] == actor or g["name"] is None:
                g["name"] = r["name"]
            g["kind"] = g["kind"] or r["kind"]
            for alias in [r["name"], *json.loads(r["aliases"])]:
                g["aliases"][alias] = None
            docs.add(r["doc"])
        g["aliases"] = [a for a in g["aliases"] if a != g["name"]]
        g["docs"] = sorted(docs)
        yield g


def _places(conn: sqlite3.Connection) -> Iterator[Row]:
    """Places by gazetteer entry (or name), in the order of their first row, with all mentions."""
    rows = conn.execute(
        f"WITH g AS (SELECT p.rowid AS rid, p.*, {_PLACE_KEY} AS key FROM places p), "
        "f AS (SELECT g.*, min(rid) OVER (PARTITION BY key) AS first FROM g) "
        "SELECT f.*, m.doc AS m_doc, m.start AS m_start, m.stop AS m_stop, m.text AS m_text "
        "FROM f LEFT JOIN place_mentions m ON m.place = f.id ORDER BY f.first, f.rid, m.doc, m.start"
    )
    keys = ("name", "country", "admin1", "lat", "lon", "feature", "gazetteer_id")
    for run in _runs(rows, "first"):
        head = run[0]
        g: Row = {"id": head["key"], **{k: head[k] for k in keys}, "mentions": []}
        for r in run:
            if r["m_doc"] is not None:
                g["mentions"].append(_span(r["m_doc"], r["m_start"], r["m_stop"], r["m_text"]))
        yield g


class _DocMaps:
    """Actor and place-key lookups, loaded for one document at a time (claims name the
    entities and places of their own document); a lookup outside it asks the ledger."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.doc: str | None = None
        self.actor: dict[str, str] = {}
        self.place: dict[str, str] = {}

    def load(self, doc: str) -> None:
        if doc == self.doc:
            return
        self.doc = doc
        self.actor = {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT e.id, a.actor FROM entities e JOIN actors a ON a.entity = e.id WHERE e.doc = ?", (doc,)
            )
        }
        self.place = {
            r[0]: r[1] for r in self.conn.execute(f"SELECT p.id, {_PLACE_KEY} FROM places p WHERE p.doc = ?", (doc,))
        }

    def actor_of(self, entity: str) -> str | None:
        if entity in self.actor:
            return self.actor[entity]
        row = self.conn.execute("SELECT actor FROM actors WHERE entity = ?", (entity,)).fetchone()
        return str(row[0]) if row else None

    def place_of(self, place: str) -> str | None:
        if place in self.place:
            return self.place[place]
        row = self.conn.execute(f"SELECT {_PLACE_KEY} FROM places p WHERE p.id = ?", (place,)).fetchone()
        return str(row[0]) if row else None


def _claims(conn: sqlite3.Connection) -> Iterator[Row]:
    maps = _DocMaps(conn)
    names: dict[str, str | None] = {}
    window = story_window(r[0] for r in conn.execute("SELECT published FROM documents"))
    for (doc,) in conn.execute("SELECT id FROM documents ORDER BY id"):
        claims = conn.execute(
            "SELECT c.*, m.cluster, m.stance, o.origin FROM claims c LEFT JOIN memberships m ON m.claim = c.id "
            "LEFT JOIN claim_origins o ON o.claim = c.id WHERE c.doc = ? ORDER BY c.start, c.rowid",
            (doc,),
        ).fetchall()
        if not claims:
            continue
        text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()[0]
        maps.load(doc)
        for r in claims:
            yield _claim(conn, r, text, maps, names, window)


def _claim(
    conn: sqlite3.Connection,
    r: sqlite3.Row,
    text: str,
    maps: _DocMaps,
    names: dict[str, str | None],
    window: tuple[str, str] | None,
) -> Row:
    doc = r["doc"]
    via = []
    for v in json.loads(r["via"]):
        item: Row = {"text": v["text"], "kind": v["kind"], "entity": maps.actor_of(v.get("entity") or "")}
        if v.get("start") is not None:
            item["span"] = _span(doc, v["start"], v["stop"], v["text"])
        via.append(item)
    when = None
    if r["when_start"] or r["when_end"] or r["when_text"]:
        when = {
            "start": r["when_start"],
            "end": r["when_end"],
            "precision": r["when_precision"],
            "text": r["when_text"],
            # outside the story's window (the brief's background list, not its timeline)
            "background": is_background(r["when_start"], window),
        }
    source: Row = {
        "text": r["source_text"],
        "kind": r["source_kind"],
        "entity": maps.actor_of(r["source_entity"]) if r["source_entity"] else None,
    }
    if r["source_start"] is not None:
        source["span"] = _span(doc, r["source_start"], r["source_stop"], r["source_text"])
    origin = r["origin"]
    if origin and origin.startswith("actor:"):
        if origin not in names:
            row = conn.execute("SELECT name FROM entities WHERE id = ?", (origin[6:],)).fetchone()
            names[origin] = row[0] if row else None
            if len(names) > 10_000:  # a bounded cache
                names.clear()
                names[origin] = row[0] if row else None
        name = names[origin]
        origin = origin if name is None else name
    return {
        "id": r["id"],
        "doc": doc,
        "span": _span(doc, r["start"], r["stop"], r["text"]),
        "sentence": _span(doc, r["sentence_start"], r["sentence_stop"], text[r["sentence_start"] : r["sentence_stop"]]),
        "source": source,
        "via": via,
        "cue": r["cue"],
        "quote": r["quote"],
        "certainty": r["certainty"],
        "polarity": r["polarity"],
        "kind": r["kind"],
        "entities": list(dict.fromkeys(maps.actor_of(e) or e for e in json.loads(r["entities"]))),
        "places": list(dict.fromkeys(maps.place_of(p) or p for p in json.loads(r["places"]))),
        "figures": json.loads(r["figures"]),
        "when": when,
        "event_type": r["event_type"],
        "cluster": r["cluster"],
        "stance": r["stance"],
        "origin": origin,
    }


def _relations(conn: sqlite3.Connection) -> Iterator[Row]:
    for r in conn.execute(
        "SELECT r.*, coalesce(a.actor, r.subject) AS s, coalesce(b.actor, r.object) AS o FROM relations r "
        "LEFT JOIN actors a ON a.entity = r.subject LEFT JOIN actors b ON b.entity = r.object ORDER BY r.doc, r.start"
    ):
        yield {
            "subject": r["s"],
            "predicate": r["predicate"],
            "object": r["o"],
            "id": r["id"],
            "evidence": [_span(r["doc"], r["start"], r["stop"], r["text"])],
        }


def _figures(conn: sqlite3.Connection) -> Iterator[Row]:
    for r in conn.execute(
        f"SELECT f.*, CASE WHEN f.place IS NULL THEN NULL ELSE {_PLACE_KEY} END AS place_key FROM figures f "
        "LEFT JOIN places p ON p.id = f.place ORDER BY f.doc, f.start"
    ):
        yield {
            "id": r["id"],
            "doc": r["doc"],
            "span": _span(r["doc"], r["start"], r["stop"], r["text"]),
            "value": r["value"],
            "low": r["low"],
            "high": r["high"],
            "qualifier": r["qualifier"],
            "category": r["category"],
            "what": r["what"],
            "as_of": r["as_of"],
            "place": r["place_key"],
            "claim": r["claim"],
            "part_of": r["part_of"],
        }


def _clusters(conn: sqlite3.Connection) -> Iterator[Row]:
    for r in conn.execute("SELECT * FROM clusters ORDER BY size DESC, id"):
        members = [
            m[0]
            for m in conn.execute(
                "SELECT m.claim FROM memberships m JOIN claims c ON c.id = m.claim WHERE m.cluster = ? "
                "ORDER BY c.doc, c.start",
                (r["id"],),
            )
        ]
        yield {
            "id": r["id"],
            "proposition": r["proposition"],
            "claims": members,
            "status": r["status"],
            "reason": r["reason"],
            "origins": json.loads(r["origins"]),
            "refuted_by": json.loads(r["refuted_by"]),
        }


def _series(conn: sqlite3.Connection) -> Iterator[Row]:
    """As `read_series(conn)`: series with at least two distinct points, points in date order."""
    for r in conn.execute("SELECT * FROM series s ORDER BY category, source, id"):
        points = [
            Point(p[0], p[1], p[2])
            for p in conn.execute(
                "SELECT figure, value, as_of FROM series_points WHERE series = ? ORDER BY rowid", (r["id"],)
            )
        ]
        record = series_record(r, points)
        if record is not None:
            yield record
