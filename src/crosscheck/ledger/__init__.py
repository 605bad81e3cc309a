"""The ledger: one SQLite file (WAL, foreign keys, named migrations, FTS5 over text).

Python API first; the CLI is a thin layer over it. Every write for one document happens in
one transaction, so a process killed at any moment leaves a ledger that opens, passes
`check`, and lets the same `add` resume.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from crosscheck.errors import LedgerError, ReadOnlyLedger, SchemaError
from crosscheck.ingest.dedup import Shingles, band_keys, is_near_duplicate, shingles, signature
from crosscheck.ledger.claim_cache import CachingConnection, forget_claims
from crosscheck.ledger.schema import MIGRATIONS
from crosscheck.records import Analysis, Document, StructureMark

__all__ = ["AddResult", "Ledger", "storage_error"]

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

    def __init__(self, conn: sqlite3.Connection, path: str, *, readonly: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Ledger:
        """Open (creating if needed) the ledger at `path` and apply pending migrations.
        A fault of the storage (read-only file or folder, full disk, empty or foreign file) is a
        `LedgerError` naming the file; a write-protected ledger is refused for writing."""
        target = Path(path)
        if str(path) != ":memory:":
            try:
                _check_file(target, readonly)
                if not readonly and not target.exists():
                    _create(target)
            except OSError as exc:
                raise LedgerError(f"{path}: {exc.strerror or exc}") from None
        try:
            conn = _connect(target, readonly)
        except sqlite3.DatabaseError as exc:
            raise storage_error(str(path), exc) from None
        ledger = cls(conn, str(path), readonly=readonly)
        try:
            ledger._migrate(readonly)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise storage_error(str(path), exc) from None
        except LedgerError:
            conn.close()
            raise
        return ledger

    def _migrate(self, readonly: bool) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if (tables or readonly) and "_migrations" not in tables:
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
                if self.conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                    continue  # another process applied it meanwhile
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
        return _Transaction(self.conn, self.path)

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
        with self.transaction():
            # The check and the insert are one step: a concurrent `add` of the same text waits
            # for this transaction, then finds the document here.
            existing = self.has_sha(document.sha256)
            if existing:
                return AddResult("exists", existing)
            duplicate_of = self._near_duplicate(own, keys)
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
            self.conn.executemany(
                "INSERT OR IGNORE INTO document_structure VALUES (?, ?, ?, ?)",
                [(document.id, m.start, m.end, m.kind) for m in document.structure],
            )
            if analysis is not None:
                self._store_analysis(analysis)
        return AddResult("added", document.id, duplicate_of)

    def _store_analysis(self, analysis: Analysis) -> None:
        from crosscheck.ledger.analysis import store_analysis
        from crosscheck.ledger.resolution import recluster, recompute_cluster, resolve_document

        old = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT m.cluster FROM memberships m JOIN claims c ON c.id = m.claim WHERE c.doc = ?",
                (analysis.doc,),
            )
        ]
        mates = [
            r[0]
            for r in self.conn.execute(
                "SELECT m2.claim FROM memberships m JOIN claims c ON c.id = m.claim "
                "JOIN memberships m2 ON m2.cluster = m.cluster JOIN claims c2 ON c2.id = m2.claim "
                "WHERE c.doc = ? AND c2.doc != ?",
                (analysis.doc, analysis.doc),
            )
        ]
        store_analysis(self.conn, analysis)
        touched = recluster(self.conn, mates)  # what the document's old claims held together is judged again
        resolve_document(self.conn, analysis.doc)
        for cluster in set(old) - touched:
            recompute_cluster(self.conn, cluster, analysis.doc)  # emptied: removed

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
        marks: dict[str, list[StructureMark]] = {}
        for doc, start, end, kind in self.conn.execute(
            'SELECT s.doc, s.start, s."end", s.kind FROM document_structure s LEFT JOIN analyses a ON a.doc = s.doc '
            "WHERE ? IS NULL OR a.doc IS NULL OR a.version != ? ORDER BY s.doc, s.start",
            (version, version),
        ):
            marks.setdefault(doc, []).append(StructureMark(start=start, end=end, kind=kind))
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
                structure=tuple(marks.get(r["id"], ())),
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
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error; storage faults become a LedgerError."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise storage_error(self.path, exc) from None
        return self.conn

    def __exit__(self, kind: object, error: object, *rest: object) -> None:
        if kind is None:
            try:
                self.conn.execute("COMMIT")
                return
            except sqlite3.DatabaseError as exc:
                error = exc
        forget_claims(self.conn)  # what was read of claims stored in this transaction is gone
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):  # SQLite may have rolled back already (a full disk can)
                self.conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.IntegrityError):
            raise storage_error(self.path, error) from None


def storage_error(path: str, exc: sqlite3.Error) -> LedgerError:
    """One readable line for an SQLite fault of the ledger file at `path`."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return ReadOnlyLedger(f"{path}: the ledger cannot be written (read-only file, folder or disk)")
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR")):
        return LedgerError(
            f"{path}: cannot write the ledger: {exc} (is the disk full, or a file size limit reached?); "
            "what was stored before is kept"
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return LedgerError(f"{path}: cannot open the ledger or create its journal beside it (check the folder)")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return LedgerError(f"{path}: the ledger is busy (another crosscheck is writing it); try again")
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in str(exc):
        return LedgerError(f"{path}: not a crosscheck ledger, or damaged ({exc})")
    return LedgerError(f"{path}: {exc}")


def _check_file(target: Path, readonly: bool) -> None:
    """Refuse what cannot be a ledger, and (for writing) a write-protected file or folder. Write
    bits are honoured even for root, who could write anyway."""
    folder = target.absolute().parent
    if not folder.is_dir():
        raise LedgerError(f"{target}: directory {target.parent} does not exist")
    if target.is_dir():
        raise LedgerError(f"{target}: is a directory, not a ledger file")
    exists = target.exists()
    if exists and target.stat().st_size == 0:
        raise LedgerError(f"{target}: an empty file (0 bytes), not a crosscheck ledger; remove it to start a new one")
    if readonly:
        if not exists:
            raise LedgerError(f"{target}: no such ledger file")
        return
    if exists and (not os.access(target, os.W_OK) or not target.stat().st_mode & 0o222):
        raise ReadOnlyLedger(f"{target}: the ledger file is read-only; only reading commands can use it")
    if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
        what = "the ledger's journal" if exists else "a new ledger"
        raise ReadOnlyLedger(f"{target}: folder {folder} is read-only, so crosscheck cannot write {what} there")


def _connect(target: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        uri = f"file:{quote(str(target.absolute()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            if os.access(target.absolute().parent, os.W_OK):
                raise
            # A read-only folder without the WAL's shared-memory file: nobody can be writing.
            conn = sqlite3.connect(uri + "&immutable=1", uri=True, timeout=30, check_same_thread=False)
    else:
        conn = sqlite3.connect(
            str(target), timeout=30, isolation_level=None, check_same_thread=False, factory=CachingConnection
        )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _create(target: Path) -> None:
    """Create a new ledger whole: build it under a temporary name beside `target`, then link it
    into place, so a concurrent opener finds no ledger or a complete one (never 0 bytes)."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.new")
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        try:
            conn = _connect(tmp, False)
            try:
                Ledger(conn, str(target))._migrate(False)
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise storage_error(str(target), exc) from None
        try:
            os.link(tmp, target)
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError:  # no hard links on this file system
            if not target.exists():
                os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


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
