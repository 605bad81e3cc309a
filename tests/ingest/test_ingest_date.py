"""Reports with no publication date stay undated unless the user asks for the time of adding."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crosscheck.ingest import Draft, IngestOptions, iter_drafts


def _draft(path: Path, options: IngestOptions) -> Draft:
    items = list(iter_drafts(str(path), options))
    assert len(items) == 1 and isinstance(items[0], Draft), items
    return items[0]


def test_undated_report_stays_undated_by_default(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("Police detained 40 people near the port.\n", encoding="utf-8")
    assert not _draft(path, IngestOptions()).meta.get("published")


def test_date_from_ingest_dates_only_undated_reports(tmp_path: Path) -> None:
    undated = tmp_path / "a.txt"
    undated.write_text("Police detained 40 people near the port.\n", encoding="utf-8")
    dated = tmp_path / "b.md"
    dated.write_text("---\npublished: 2031-04-20\n---\nThe port reopened.\n", encoding="utf-8")
    options = IngestOptions(date_from_ingest=True)
    d = _draft(undated, options)
    assert d.meta["published"] == datetime.now(UTC).date().isoformat()
    assert any("--date-from-ingest" in n for n in d.notes)
    assert _draft(dated, options).meta["published"].startswith("2031-04-20")


def test_cli_add_date_from_ingest(tmp_path: Path, cli: Any) -> None:
    report = tmp_path / "undated.txt"
    report.write_text("Police detained 40 people near the port.\n", encoding="utf-8")
    ledger = tmp_path / "ledger.db"
    assert cli("--ledger", ledger, "add", "--no-analyse", "--date-from-ingest", report).code == 0
    rows = sqlite3.connect(ledger).execute("SELECT published FROM documents").fetchall()
    assert [r[0][:10] for r in rows] == [datetime.now(UTC).date().isoformat()]
