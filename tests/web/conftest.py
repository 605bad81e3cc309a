"""Fixtures for the web app: a small analysed ledger built once from invented reports, a fresh
copy per test, a TestClient as a loopback browser would be, and a live server on 127.0.0.1."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPORTS = Path(__file__).parent / "reports"


@pytest.fixture(scope="session")
def built_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the reports in tests/web/reports, analysed (built once)."""
    from crosscheck.api import add_sources
    from crosscheck.ledger import Ledger

    path = tmp_path_factory.mktemp("web") / "base.db"
    with Ledger.open(path) as ledger:
        summary = add_sources(ledger, [str(REPORTS)])
    assert summary.added == 3
    con = sqlite3.connect(path)  # fold the WAL in so a file copy holds everything
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture
def ledger_path(built_ledger: Path, tmp_path: Path) -> Path:
    """A private copy of the built ledger for one test."""
    target = tmp_path / "ledger.db"
    shutil.copy(built_ledger, target)
    return target


@pytest.fixture
def make_client(ledger_path: Path) -> Iterator[Callable[..., object]]:
    """`make_client(**create_app options)`: a TestClient talking to 127.0.0.1."""
    from fastapi.testclient import TestClient

    from crosscheck.web.app import create_app

    clients: list[TestClient] = []

    def make(base_url: str = "http://127.0.0.1", **options: object) -> TestClient:
        app = create_app(ledger_path, **options)  # type: ignore[arg-type]
        client = TestClient(app, base_url=base_url, raise_server_exceptions=False, follow_redirects=False)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.app.state.jobs.shutdown()  # type: ignore[attr-defined]
        client.close()
