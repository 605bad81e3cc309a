"""Safe first use (issue 12): two processes that open the same ledger at the same instant,
one written by an older crosscheck, both migrate it without error, and each migration is
applied once (the check that a migration is pending runs inside the write lock)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crosscheck.ledger import SCHEMA_NAMES, _statements
from crosscheck.ledger.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]
OPEN_AT = (
    "import sys, time; from crosscheck.ledger import Ledger; at = float(sys.argv[2]); "
    "time.sleep(max(at - time.time(), 0)); Ledger.open(sys.argv[1]).close()"
)


def _old_ledger(path: Path, upto: int) -> None:
    """A ledger as a crosscheck that knew only the first `upto` migrations left it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, sql in MIGRATIONS[:upto]:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO _migrations VALUES (?, '2026-01-01T00:00:00+00:00')", (name,))
    conn.close()


def _race(path: Path) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    at = str(time.time() + 2.0)  # both start importing now and open the ledger at the same instant
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AT, str(path), at],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    out = []
    for run in runs:
        stdout, stderr = run.communicate(timeout=60)
        out.append(subprocess.CompletedProcess(run.args, run.returncode, stdout, stderr))
    return out


def test_two_processes_migrate_an_old_ledger_at_once(tmp_path: Path) -> None:
    for upto in (3, 5):
        path = tmp_path / f"old{upto}.db"
        _old_ledger(path, upto)
        for run in _race(path):
            assert run.returncode == 0, run.stderr
            assert "already exists" not in run.stderr and "duplicate column" not in run.stderr
        conn = sqlite3.connect(path)
        names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]
        columns = {r[1] for r in conn.execute("PRAGMA table_info(clusters)")}
        conn.close()
        assert names == sorted(SCHEMA_NAMES)
        assert {"n_origins", "last_published"} <= columns


def test_two_processes_create_a_new_ledger_at_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    for run in _race(path):
        assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")] == sorted(SCHEMA_NAMES)
    conn.close()
