"""`crosscheck stats`: counts of what the ledger holds."""

from __future__ import annotations

import contextlib
import sqlite3

from crosscheck.ledger import Ledger

__all__ = ["ledger_stats"]


def ledger_stats(ledger: Ledger) -> dict[str, int | str]:
    """Documents, languages, duplicates, and the analysis records present."""
    conn = ledger.conn
    out: dict[str, int | str] = {"documents": ledger.count("documents")}
    out["near-duplicates"] = conn.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL").fetchone()[0]
    out["outlets"] = conn.execute("SELECT count(DISTINCT outlet) FROM documents").fetchone()[0]
    for row in conn.execute(
        "SELECT coalesce(language, '?') AS lang, count(*) AS n FROM documents GROUP BY lang ORDER BY n DESC"
    ):
        out[f"language {row['lang']}"] = row["n"]
    with contextlib.suppress(sqlite3.OperationalError):  # a ledger opened read-only before the analysis migrations
        out.update(_analysis_stats(conn))
    return out


def _analysis_stats(conn: sqlite3.Connection) -> dict[str, int | str]:
    """Analysis records, clusters by status, corrections, and languages left unanalysed."""
    out: dict[str, int | str] = {}
    for row in conn.execute(
        "SELECT substr(j.value, 23) AS lang, count(*) FROM analyses a, json_each(a.flags) j "
        "WHERE j.value LIKE 'language-not-analysed:%' GROUP BY lang ORDER BY lang"
    ):
        out[f"not analysed ({row[0] or '?'})"] = row[1]

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    out["analysed"] = one("SELECT count(*) FROM analyses WHERE flags NOT LIKE '%language-not-analysed%'")
    out["entities"] = one("SELECT count(*) FROM entities")
    try:  # one row per actor, kept by triggers on `actors` (migration 0007): no scan of every entity
        out["actors"] = one("SELECT count(*) FROM actor_board")
    except sqlite3.OperationalError:  # a ledger opened read-only before that migration
        out["actors"] = one("SELECT count(DISTINCT actor) FROM actors")
    out["places"] = one("SELECT count(*) FROM places")
    out["claims"] = one("SELECT count(*) FROM claims")
    out["figures"] = one("SELECT count(*) FROM figures")
    out["clusters"] = one("SELECT count(*) FROM clusters")
    for row in conn.execute("SELECT status, count(*) FROM clusters GROUP BY status ORDER BY status"):
        out[f"clusters {row[0]}"] = row[1]
    out["series"] = one("SELECT count(*) FROM series")
    out["corrections"] = one("SELECT count(*) FROM judgements WHERE author='user' AND undone=0")
    return out
