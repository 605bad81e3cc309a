"""`crosscheck stats`: counts of what the ledger holds."""

from __future__ import annotations

from crosscheck.ledger import Ledger

__all__ = ["ledger_stats"]


def ledger_stats(ledger: Ledger) -> dict[str, int | str]:
    """Documents, languages, duplicates, and the analysis records present."""
    conn = ledger.conn
    out: dict[str, int | str] = {"documents": ledger.count("documents")}
    out["near-duplicates"] = conn.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL").fetchone()[0]
    out["outlets"] = conn.execute("SELECT count(DISTINCT outlet) FROM documents").fetchone()[0]
    for row in conn.execute("SELECT coalesce(language, '?') AS lang, count(*) AS n FROM documents GROUP BY lang ORDER BY n DESC"):
        out[f"language {row['lang']}"] = row["n"]
    return out
