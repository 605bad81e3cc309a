"""Storing one document's analysis records; each call runs inside the document's transaction."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from crosscheck.ledger.claim_cache import forget_claims
from crosscheck.records import Analysis, Claim, DateRange

__all__ = ["clear_analysis", "store_analysis"]

_TABLES = ("figures", "claims", "relations", "place_mentions", "places", "entity_mentions", "entities", "analyses")


def clear_analysis(conn: sqlite3.Connection, doc: str) -> None:
    """Remove a document's analysis records (before re-analysis)."""
    removed = 0
    for table in _TABLES:
        removed += conn.execute(f"DELETE FROM {table} WHERE doc = ?", (doc,)).rowcount
    if removed:
        forget_claims(conn)


def _when(value: DateRange | None) -> tuple[str | None, str | None, str | None, str | None]:
    if value is None:
        return None, None, None, None
    return value.start, value.end, value.precision, value.text


def _claim_row(c: Claim) -> tuple[object, ...]:
    via = [
        {
            "text": v.text,
            "kind": v.kind,
            "entity": v.entity,
            "start": v.span.start if v.span else None,
            "stop": v.span.end if v.span else None,
        }
        for v in c.via
    ]
    src = c.source
    return (
        c.id,
        c.doc,
        c.span.start,
        c.span.end,
        c.span.text,
        c.sentence.start,
        c.sentence.end,
        src.text,
        src.kind,
        src.entity,
        src.span.start if src.span else None,
        src.span.end if src.span else None,
        json.dumps(via, ensure_ascii=False),
        c.cue,
        c.quote,
        c.certainty,
        c.polarity,
        c.kind,
        json.dumps(list(c.entities)),
        json.dumps(list(c.places)),
        json.dumps(list(c.figures)),
        *_when(c.when),
        c.event_type,
        json.dumps(list(c.terms), ensure_ascii=False),
        json.dumps(list(c.subjects)),
        int(c.denial),
    )


def store_analysis(conn: sqlite3.Connection, analysis: Analysis) -> None:
    """Replace the analysis records of `analysis.doc` with these."""
    doc = analysis.doc
    clear_analysis(conn, doc)
    conn.execute(
        "INSERT INTO analyses VALUES (?, ?, ?, ?)",
        (doc, analysis.version, json.dumps(list(analysis.flags)), datetime.now(UTC).isoformat(timespec="seconds")),
    )
    conn.executemany(
        "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)",
        [
            (e.id, doc, e.name, e.type, e.kind, json.dumps(list(e.aliases), ensure_ascii=False))
            for e in analysis.entities
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO entity_mentions VALUES (?, ?, ?, ?, ?)",
        [(e.id, doc, m.start, m.end, m.text) for e in analysis.entities for m in e.mentions],
    )
    conn.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p.id, doc, p.name, p.country, p.admin1, p.lat, p.lon, p.feature, p.gazetteer_id) for p in analysis.places],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO place_mentions VALUES (?, ?, ?, ?, ?)",
        [(p.id, doc, m.start, m.end, m.text) for p in analysis.places for m in p.mentions],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (r.id, doc, r.subject, r.predicate, r.object, r.evidence.start, r.evidence.end, r.evidence.text)
            for r in analysis.relations
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO claims VALUES (" + ",".join("?" * 29) + ")", [_claim_row(c) for c in analysis.claims]
    )
    conn.executemany(
        "INSERT OR IGNORE INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                f.id,
                doc,
                f.claim,
                f.span.start,
                f.span.end,
                f.span.text,
                f.value,
                f.low,
                f.high,
                f.qualifier,
                f.category,
                f.what,
                f.as_of,
                f.place,
                f.part_of,
            )
            for f in analysis.figures
        ],
    )
