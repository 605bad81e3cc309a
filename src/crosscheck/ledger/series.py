"""Figure series in the ledger: one row per series, one point per figure, added incrementally.

A series is the figures of one category, counted thing and origin. Places do not split a
series: a figure's place is read from its sentence, and one toll is often given for a town
in one report and for its province in the next, so splitting by place broke real series apart.
The series keeps the first place its figures name. Adding a report inserts its points (an
index lookup each), so the cost does not grow with the ledger; points are ordered,
de-duplicated and flagged when read.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from crosscheck.records import content_id
from crosscheck.resolve.series import Point, counted_key, falls, series_points

__all__ = ["NO_SERIES", "add_document_points", "read_series", "rebuild_series", "series_record"]

NO_SERIES = ("other", "money", "duration")


def _origin_name(conn: sqlite3.Connection, origin: str) -> str:
    if origin.startswith("actor:"):
        row = conn.execute("SELECT name FROM entities WHERE id=?", (origin[6:],)).fetchone()
        if row:
            return str(row[0])
    return origin


def _series_for(
    conn: sqlite3.Connection, category: str, origin: str, place: str | None, counted: str, what: str
) -> str:
    """The series a figure belongs to, created when new; a place is filled in when first known."""
    sid = content_id("s", category, origin, counted)
    conn.execute(
        "INSERT OR IGNORE INTO series VALUES (?, ?, ?, ?, ?, ?, ?)",
        (sid, category, what, place, _origin_name(conn, origin), origin, counted),
    )
    if place is not None:
        conn.execute("UPDATE series SET place=? WHERE id=? AND place IS NULL", (place, sid))
    return sid


_FIGURES = (
    "SELECT f.id, f.doc, f.value, f.as_of, f.what, f.category, o.origin, o.kind AS origin_kind, "
    "coalesce(p.gazetteer_id, p.name) AS place, "
    "(SELECT f.start < instr(d.text || char(10), char(10)) FROM documents d WHERE d.id = f.doc) AS in_headline "
    "FROM figures f JOIN claim_origins o ON o.claim = f.claim LEFT JOIN places p ON p.id = f.place "
    "WHERE f.part_of IS NULL AND f.category NOT IN ('other', 'money', 'duration') AND "
)


def _insert(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> None:
    for r in rows:
        origin = _restated_origin(conn, r)
        sid = _series_for(conn, r["category"], origin, r["place"], counted_key(r["what"]), r["what"])
        conn.execute("INSERT OR REPLACE INTO series_points VALUES (?, ?, ?, ?)", (r["id"], sid, r["value"], r["as_of"]))


def _restated_origin(conn: sqlite3.Connection, figure: sqlite3.Row) -> str:
    """An outlet's uncited figure in a headline counts for the named origin that the same report
    gives for figures of that category: the headline restates what the body attributes."""
    if figure["origin_kind"] != "outlet" or not figure["in_headline"]:
        return str(figure["origin"])
    row = conn.execute(
        "SELECT o.origin FROM figures f JOIN claim_origins o ON o.claim = f.claim "
        "WHERE f.doc = ? AND f.category = ? AND o.kind = 'named' ORDER BY f.start LIMIT 1",
        (figure["doc"], figure["category"]),
    ).fetchone()
    return str(row[0]) if row else str(figure["origin"])


def add_document_points(conn: sqlite3.Connection, doc: str) -> None:
    """Add a newly stored document's figures to their series."""
    _insert(conn, conn.execute(_FIGURES + "f.doc = ?", (doc,)).fetchall())


def rebuild_series(conn: sqlite3.Connection, category: str, origin: str) -> None:
    """Rebuild every series of one category and origin from the figures (after a correction);
    figures restated by outlets in reports that name this origin come along."""
    conn.execute("DELETE FROM series WHERE category=? AND origin=?", (category, origin))
    docs = "SELECT f2.doc FROM figures f2 JOIN claim_origins o2 ON o2.claim = f2.claim WHERE f2.category = ? AND o2.origin = ?"
    _insert(
        conn,
        conn.execute(
            _FIGURES + f"f.category = ? AND (o.origin = ? OR (o.kind = 'outlet' AND f.doc IN ({docs})))",
            (category, origin, category, origin),
        ).fetchall(),
    )


def read_series(conn: sqlite3.Connection, category: str | None = None) -> list[dict[str, Any]]:
    """Series with at least two distinct points, ordered by date, with their flags."""
    where, args = ("WHERE s.category = ?", [category]) if category else ("", [])
    points: dict[str, list[Point]] = {}
    for r in conn.execute(
        f"SELECT p.series, p.figure, p.value, p.as_of FROM series_points p JOIN series s ON s.id = p.series {where}",
        args,
    ):
        points.setdefault(r[0], []).append(Point(r[1], r[2], r[3]))
    out = []
    for r in conn.execute(f"SELECT * FROM series s {where} ORDER BY category, source, id", args):
        record = series_record(r, points.get(r["id"], []))
        if record is not None:
            out.append(record)
    return out


def series_record(row: sqlite3.Row, points: list[Point]) -> dict[str, Any] | None:
    """A series as the export and the listings give it: its points de-duplicated in date order
    and its flags; None when it has fewer than two distinct points."""
    ordered = series_points(points)
    if len(ordered) < 2:
        return None
    return {
        "id": row["id"],
        "category": row["category"],
        "what": row["what"],
        "place": row["place"],
        "source": row["source"],
        "points": [{"value": p.value, "as_of": p.as_of, "figure": p.figure} for p in ordered],
        "flags": falls(row["category"], ordered),
    }
