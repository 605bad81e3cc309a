"""The ledger: one SQLite file (WAL, foreign keys, named migrations, FTS5 over text).

Python API first; the CLI is a thin layer over it. Every write for one document happens in
one transaction, so a process killed at any moment leaves a ledger that opens, passes
`check`, and lets the same `add` resume.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crosscheck.errors import LedgerError, SchemaError
from crosscheck.ingest.dedup import Shingles, band_keys, is_near_duplicate, shingles, signature
from crosscheck.ledger.schema import MIGRATIONS
from crosscheck.records import Analysis, Document

__all__ = ["AddResult", "Ledger"]

SCHEMA_NAMES = [name for name, _ in MIGRATIONS]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What adding one document did: `added`, `exists` (same text already stored)."""

    status: str
    doc: str
    duplicate_of: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Ledger:
    """An open ledger file."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Ledger:
        """Open (creating if needed) the ledger at `path` and apply pending migrations."""
        target = Path(path)
        if str(path) != ":memory:":
            if not target.parent.exists():
                raise LedgerError(f"{path}: directory {target.parent} does not exist")
            if target.is_dir():
                raise LedgerError(f"{path}: is a directory, not a ledger file")
        try:
            if readonly:
                conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=30, check_same_thread=False)
            else:
                conn = sqlite3.connect(str(target), timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"{path}: not a crosscheck ledger ({exc})") from None
        ledger = cls(conn, str(path))
        ledger._migrate(readonly)
        return ledger

    def _migrate(self, readonly: bool) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "_migrations" not in tables:
            raise LedgerError(f"{self.path}: an SQLite file, but not a crosscheck ledger")
        if not readonly:
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        applied = (
            [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]
            if tables or not readonly
            else []
        )
        unknown = [name for name in applied if name not in SCHEMA_NAMES]
        if unknown:
            raise SchemaError(
                f"{self.path}: written by a newer crosscheck (unknown migration {unknown[0]}); upgrade crosscheck to open it"
            )
        if readonly:
            return
        for name, sql in MIGRATIONS:
            if name in applied:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO _migrations VALUES (?, ?)", (name, _now()))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> _Transaction:
        """A context manager for one atomic write."""
        return _Transaction(self.conn)

    # -- documents -----------------------------------------------------------------------

    def has_sha(self, sha256: str) -> str | None:
        row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def add(self, document: Document, analysis: Analysis | None = None) -> AddResult:
        """Store a document with its analysis, and resolve it against the ledger, in one
        transaction. The same text twice is one document; a near copy is linked with
        `duplicate_of`."""
        existing = self.has_sha(document.sha256)
        if existing:
            return AddResult("exists", existing)
        own = shingles(document.text)
        keys = band_keys(signature(own))
        duplicate_of = self._near_duplicate(own, keys)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO documents (id, sha256, text, origin, outlet, title, url, published, language,"
                " author, duplicate_of, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    document.id,
                    document.sha256,
                    document.text,
                    document.origin,
                    document.outlet,
                    document.title,
                    document.url,
                    document.published,
                    document.language,
                    document.author,
                    duplicate_of,
                    _now(),
                ),
            )
            self.conn.executemany(
                "INSERT OR IGNORE INTO document_bands VALUES (?, ?)", [(_signed(k), document.id) for k in keys]
            )
            if analysis is not None:
                self._store_analysis(analysis)
        return AddResult("added", document.id, duplicate_of)

    def _store_analysis(self, analysis: Analysis) -> None:
        from crosscheck.ledger.analysis import store_analysis
        from crosscheck.ledger.resolution import recompute_cluster, resolve_document

        before = {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT m.cluster FROM memberships m JOIN claims c ON c.id = m.claim WHERE c.doc = ?",
                (analysis.doc,),
            )
        }
        store_analysis(self.conn, analysis)
        for cluster in before:
            recompute_cluster(self.conn, cluster, analysis.doc)
        resolve_document(self.conn, analysis.doc)

    def replace_analysis(self, analysis: Analysis) -> None:
        """Replace a stored document's analysis (re-analysis), in one transaction."""
        with self.transaction():
            self._store_analysis(analysis)

    def documents_to_analyse(self, version: str | None = None) -> list[Document]:
        """Stored documents lacking an analysis (or, given `version`, one of another version)."""
        rows = self.conn.execute(
            "SELECT d.* FROM documents d LEFT JOIN analyses a ON a.doc = d.id "
            "WHERE ? IS NULL OR a.doc IS NULL OR a.version != ? ORDER BY d.rowid",
            (version, version),
        ).fetchall()
        return [
            Document(
                id=r["id"],
                sha256=r["sha256"],
                text=r["text"],
                origin=r["origin"],
                outlet=r["outlet"],
                title=r["title"],
                url=r["url"],
                published=r["published"],
                language=r["language"],
                author=r["author"],
                duplicate_of=r["duplicate_of"],
            )
            for r in rows
        ]

    def _near_duplicate(self, own: Shingles, keys: list[int]) -> str | None:
        marks = ",".join("?" * len(keys))
        rows = self.conn.execute(
            f"SELECT d.id, d.text, d.duplicate_of FROM documents d WHERE d.id IN "
            f"(SELECT doc FROM document_bands WHERE band_key IN ({marks})) ORDER BY d.rowid",
            [_signed(k) for k in keys],
        ).fetchall()
        for row in rows:
            if is_near_duplicate(own, shingles(row["text"])):
                return str(row["duplicate_of"] or row["id"])
        return None

    def document(self, ref: str) -> sqlite3.Row | None:
        """A document by id, unique id prefix, or origin (or origin suffix)."""
        row: sqlite3.Row | None = self.conn.execute("SELECT * FROM documents WHERE id = ?", (ref,)).fetchone()
        if row:
            return row
        rows = self.conn.execute(
            "SELECT * FROM documents WHERE id LIKE ? ESCAPE '\\' OR origin = ? OR origin LIKE ? ESCAPE '\\' LIMIT 2",
            (_like_prefix(ref), ref, "%" + _like_escape(ref)),
        ).fetchall()
        return rows[0] if len(rows) == 1 else None

    def documents(self) -> Iterator[sqlite3.Row]:
        yield from self.conn.execute("SELECT * FROM documents ORDER BY rowid")

    def search(self, query: str, limit: int = 20) -> list[sqlite3.Row]:
        """Full-text search over documents, best first, with a snippet around the hits."""
        try:
            return self.conn.execute(
                "SELECT d.id, d.outlet, d.published, d.title, "
                "snippet(documents_fts, 1, '[', ']', ' … ', 16) AS snippet "
                "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
                (_fts_query(query), limit),
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise LedgerError(f"search {query!r}: {exc}") from None

    def count(self, table: str) -> int:
        if not table.isidentifier():
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")


def _signed(key: int) -> int:
    """Band keys as SQLite integers (signed 64-bit)."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _statements(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buf = [], ""
    for part in sql.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf.strip())
            buf = ""
    return out


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(text: str) -> str:
    return _like_escape(text) + "%"


def _fts_query(query: str) -> str:
    """Quote each word so user text is never read as FTS5 syntax."""
    words = [w.replace('"', '""') for w in query.split()]
    return " ".join(f'"{w}"' for w in words if w) or '""'
