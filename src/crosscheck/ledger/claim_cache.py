"""What a ledger connection remembers of stored claims between reports (ledger/features.py).

A claim is a candidate of many later reports, and the parts of its features read from its own
rows (terms, entities, places, figures, dates, vector) do not change until its report is
analysed again. They are remembered per connection, and forgotten when this connection removes
an analysis or rolls back, or when another connection has written (PRAGMA data_version).
"""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["CachingConnection", "forget_claims", "remembered"]


class CachingConnection(sqlite3.Connection):
    """A ledger connection that remembers claims' row parts (see the module)."""

    MAX_CLAIMS = 100_000  # claims remembered at most, then all forgotten at once

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claim_parts: dict[str, Any] = {}
        self.parts_version: int | None = None


def forget_claims(conn: sqlite3.Connection) -> None:
    """Forget what `conn` remembers of claims (their rows were removed or rolled back)."""
    if isinstance(conn, CachingConnection):
        conn.claim_parts.clear()


def remembered(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The claims `conn` remembers, by id, still valid; None for a connection that does not remember."""
    if not isinstance(conn, CachingConnection):
        return None
    version = int(conn.execute("PRAGMA data_version").fetchone()[0])
    if version != conn.parts_version or len(conn.claim_parts) > conn.MAX_CLAIMS:
        conn.claim_parts.clear()
        conn.parts_version = version
    return conn.claim_parts
