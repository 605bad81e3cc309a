"""`crosscheck check`: SQLite's integrity check plus the ledger's own invariants."""

from __future__ import annotations

import hashlib

from crosscheck.ledger import Ledger

__all__ = ["check_ledger"]


def check_ledger(ledger: Ledger) -> list[str]:
    """Every problem found, one line each; an empty list means the ledger is sound. FTS5 checks
    its index only through a write statement, so a ledger opened read-only skips that check."""
    conn = ledger.conn
    problems: list[str] = []
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        problems.append(f"integrity_check: {result}")
    for row in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {row[0]} row {row[1]} points to missing {row[2]}")
    try:
        if not ledger.readonly:
            conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    except Exception as exc:  # noqa: BLE001 - any failure here is a finding, not a crash
        problems.append(f"full-text index: {exc}")
    for row in conn.execute("SELECT id, sha256, text, duplicate_of FROM documents"):
        digest = hashlib.sha256(row["text"].encode("utf-8")).hexdigest()
        if digest != row["sha256"]:
            problems.append(f"document {row['id']}: text does not match its sha256")
        if not row["id"].startswith("d") or not row["sha256"].startswith(row["id"][1:]):
            problems.append(f"document {row['id']}: id is not derived from its sha256")
        if row["duplicate_of"] == row["id"]:
            problems.append(f"document {row['id']}: duplicate of itself")
    for table, doc_col in SPAN_TABLES:
        if not _exists(ledger, table):
            continue
        bad = _bad_spans(ledger, table, doc_col)
        if bad:
            problems.append(f"{table}: {bad} spans do not match their document's text")
    return problems


# Tables whose rows carry (start, end, text) into a document; later migrations add to it.
SPAN_TABLES: list[tuple[str, str]] = [
    ("entity_mentions", "doc"),
    ("place_mentions", "doc"),
    ("relations", "doc"),
    ("claims", "doc"),
    ("figures", "doc"),
]


def _bad_spans(ledger: Ledger, table: str, doc_col: str) -> int:
    """Spans of `table` that do not match their document's text. Compared in Python, one
    document's text at a time: SQLite's substr walks the text from its start for every span,
    which makes a long report's check quadratic."""
    bad, current, text = 0, None, None
    rows = ledger.conn.execute(f"SELECT {doc_col}, start, stop, text FROM {table} ORDER BY {doc_col}")
    for doc, start, stop, piece in rows:
        if doc != current:
            found = ledger.conn.execute("SELECT text FROM documents WHERE id = ?", (doc,)).fetchone()
            current, text = doc, found[0] if found else None
        if text is not None and not (0 <= start <= stop <= len(text) and text[start:stop] == piece):
            bad += 1
    return bad


def _exists(ledger: Ledger, table: str) -> bool:
    row = ledger.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()
    return row is not None
