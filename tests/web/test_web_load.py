"""The app keeps answering while another process ingests 1,000 documents (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from load import run


@pytest.mark.slow
def test_web_load_readers_while_ingesting(built_ledger: Path) -> None:
    result = run(built_ledger, docs=1000, readers=20)
    assert result["ingest_exit"] == 0 and "added 1000" in result["ingest_line"]
    assert result["errors"] == []
    assert result["requests"] > 100
    assert result["p95"] < 300, result
