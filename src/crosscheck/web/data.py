"""Read-only questions the web pages ask beyond `crosscheck.queries`: the overview, the
clusters board with its date and outlet filters, a document with all its spans, search over
claims, and the claims that mention a place. Every function only reads."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from crosscheck.ledger import Ledger
from crosscheck.ledger.stats import ledger_stats
from crosscheck.queries import NotFound, cluster_item, cluster_rows, origin_label

__all__ = [
    "board",
    "claims_by",
    "document_view",
    "documents",
    "overview",
    "place_claims",
    "search_all",
]

STATUSES = ("corroborated", "single_source", "contested", "denied", "unattributed")


def overview(ledger: Ledger) -> dict[str, Any]:
    """Counts, clusters by status, the newest changes and documents."""
    conn = ledger.conn
    counts = ledger_stats(ledger)
    statuses = {k[len("clusters ") :]: int(v) for k, v in counts.items() if k.startswith("clusters ")}
    changes = [
        dict(r)
        for r in conn.execute(
            "SELECT ch.id, ch.at, ch.kind, ch.subject, ch.before, ch.after, ch.doc, ch.reason, k.proposition "
            "FROM changes ch LEFT JOIN clusters k ON k.id = ch.subject ORDER BY ch.id DESC LIMIT 15"
        )
    ]
    docs = [
        dict(r)
        for r in conn.execute(
            "SELECT id, outlet, title, published, added_at FROM documents ORDER BY rowid DESC LIMIT 10"
        )
    ]
    return {
        "counts": counts,
        "statuses": {s: statuses.get(s, 0) for s in (*STATUSES, *sorted(set(statuses) - set(STATUSES)))},
        "changes": changes,
        "documents": docs,
    }


def documents(ledger: Ledger, *, outlet: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Documents, newest added first."""
    where, args = ("WHERE outlet = ?", [outlet]) if outlet else ("", [])
    return [
        dict(r)
        for r in ledger.conn.execute(
            f"SELECT id, outlet, title, published, language, duplicate_of, origin, added_at FROM documents {where} "
            f"ORDER BY rowid DESC LIMIT ?",
            [*args, limit],
        )
    ]


def board(
    ledger: Ledger,
    *,
    status: str | None = None,
    entity: str | None = None,
    place: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    sort: str = "origins",
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Clusters filtered by status, entity, place, outlet and the dates of their reports, sorted
    by number of origins or by recency (the newest report in them); one page, read by an index."""
    rows = cluster_rows(
        ledger,
        status=status or None,
        entity=entity or None,
        place=place or None,
        outlet=outlet or None,
        since=since or None,
        until=until or None,
        sort="recency" if sort == "recency" else "origins",
        limit=limit,
        offset=offset,
    )
    return [
        {
            **cluster_item(r),
            "first": r["first_published"],
            "last": r["last_published"],
            "outlets": json.loads(r["outlets"]),
            "docs": r["docs"],
            "n_origins": r["n_origins"],
        }
        for r in rows
    ]


def document_view(ledger: Ledger, ref: str) -> dict[str, Any]:
    """A document with its metadata, copies, and every span the analysis found in it."""
    row = ledger.document(ref)
    if row is None:
        raise NotFound(f"{ref}: no such document (or the prefix is ambiguous)")
    conn = ledger.conn
    doc = row["id"]
    entities = [
        dict(r)
        for r in conn.execute(
            "SELECT m.entity, coalesce(a.actor, m.entity) AS actor, m.start, m.stop, m.text, e.type FROM entity_mentions m "
            "JOIN entities e ON e.id = m.entity LEFT JOIN actors a ON a.entity = m.entity WHERE m.doc = ? ORDER BY m.start",
            (doc,),
        )
    ]
    places = [
        dict(r)
        for r in conn.execute(
            "SELECT m.place, p.name, coalesce(p.gazetteer_id, 'unresolved:' || lower(p.name)) AS key, p.country, m.start, m.stop, m.text "
            "FROM place_mentions m JOIN places p ON p.id = m.place WHERE m.doc = ? ORDER BY m.start",
            (doc,),
        )
    ]
    claims = [
        dict(r)
        for r in conn.execute(
            "SELECT c.id, c.start, c.stop, c.text, c.source_text AS source, c.certainty, c.polarity, c.kind, "
            "m.cluster, m.stance, k.status FROM claims c LEFT JOIN memberships m ON m.claim = c.id "
            "LEFT JOIN clusters k ON k.id = m.cluster WHERE c.doc = ? ORDER BY c.start",
            (doc,),
        )
    ]
    figures = [
        dict(r)
        for r in conn.execute(
            "SELECT id, start, stop, text, value, category, what, claim FROM figures WHERE doc = ? ORDER BY start",
            (doc,),
        )
    ]
    copies = [dict(r) for r in conn.execute("SELECT id, outlet, title FROM documents WHERE duplicate_of = ?", (doc,))]
    meta = {k: row[k] for k in row.keys() if k != "text"}  # noqa: SIM118 (sqlite3.Row iterates values)
    return {
        "document": meta,
        "text": row["text"],
        "duplicates": copies,
        "entities": entities,
        "places": places,
        "claims": claims,
        "figures": figures,
    }


def search_all(ledger: Ledger, query: str, *, limit: int = 30) -> dict[str, Any]:
    """Full-text search over documents (with snippets) and claims."""
    from crosscheck.ledger import _fts_query

    if not query.strip():
        return {"query": query, "documents": [], "claims": []}
    docs = [dict(r) for r in ledger.search(query, limit)]
    conn = ledger.conn
    try:
        rows = conn.execute(
            "SELECT c.id, c.doc, c.text, c.source_text AS source, c.certainty, c.polarity, d.outlet, m.cluster "
            "FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid JOIN documents d ON d.id = c.doc "
            "LEFT JOIN memberships m ON m.claim = c.id WHERE claims_fts MATCH ? ORDER BY rank LIMIT ?",
            (_fts_query(query), limit),
        ).fetchall()
    except sqlite3.OperationalError:
        rows = []
    return {"query": query, "documents": docs, "claims": [dict(r) for r in rows]}


def place_claims(ledger: Ledger, key: str) -> dict[str, Any]:
    """A place (a gazetteer id, or `unresolved:NAME`) with the claims and documents naming it."""
    conn = ledger.conn
    if key.startswith("unresolved:"):
        rows = conn.execute(
            "SELECT * FROM places WHERE gazetteer_id IS NULL AND lower(name) = ?", (key[len("unresolved:") :],)
        ).fetchall()
    else:
        rows = conn.execute("SELECT * FROM places WHERE gazetteer_id = ?", (key,)).fetchall()
    if not rows:
        raise NotFound(f"{key}: no such place")
    ids = [r["id"] for r in rows]
    docs = sorted({r["doc"] for r in rows})
    marks = ",".join("?" * len(ids))
    cache: dict[str, str] = {}
    claims = []
    for r in conn.execute(
        f"SELECT c.id, c.doc, c.text, c.source_text AS source, c.certainty, c.polarity, d.outlet, m.cluster, o.origin "
        f"FROM claims c JOIN documents d ON d.id = c.doc LEFT JOIN memberships m ON m.claim = c.id "
        f"LEFT JOIN claim_origins o ON o.claim = c.id WHERE c.doc IN ({','.join('?' * len(docs))}) "
        f"AND EXISTS (SELECT 1 FROM json_each(c.places) j WHERE j.value IN ({marks})) ORDER BY c.doc, c.start",
        [*docs, *ids],
    ):
        item = dict(r)
        item["origin"] = origin_label(conn, r["origin"], cache)
        claims.append(item)
    head = rows[0]
    return {
        "id": key,
        "name": head["name"],
        "names": sorted({r["name"] for r in rows}),
        "country": head["country"],
        "admin1": head["admin1"],
        "lat": head["lat"],
        "lon": head["lon"],
        "feature": head["feature"],
        "documents": docs,
        "claims": claims,
    }


def claims_by(ledger: Ledger, members: list[str]) -> set[str]:
    """Ids of the claims whose source is one of the entities `members`."""
    if not members:
        return set()
    rows = ledger.conn.execute(
        f"SELECT id FROM claims WHERE source_entity IN ({','.join('?' * len(members))})", members
    )
    return {r[0] for r in rows}
