"""Issue 12: a ledger connection remembers stored claims' row parts between reports, and
forgets them whenever those rows may have changed (another connection wrote, this one removed
an analysis, or a transaction rolled back)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crosscheck.ledger import Ledger
from crosscheck.ledger.analysis import clear_analysis
from crosscheck.ledger.claim_cache import CachingConnection
from crosscheck.ledger.features import features_by_id
from helpers import harbour_report


def _ledger(tmp_path: Path) -> tuple[Ledger, str]:
    ledger = Ledger.open(tmp_path / "l.db")
    ledger.add(*harbour_report(1, "Harbour Authority", "2031-03-05"))
    claim = ledger.conn.execute("SELECT id FROM claims ORDER BY start LIMIT 1").fetchone()[0]
    return ledger, str(claim)


def test_claims_read_once_are_remembered(tmp_path: Path) -> None:
    ledger, claim = _ledger(tmp_path)
    with ledger:
        assert isinstance(ledger.conn, CachingConnection)
        first = features_by_id(ledger.conn, [claim])[claim]
        assert claim in ledger.conn.claim_parts
        again = features_by_id(ledger.conn, [claim])[claim]
        assert again == first and again.terms == first.terms
        assert features_by_id(ledger.conn, ["no-such-claim"]) == {}


def test_a_write_by_another_connection_is_seen(tmp_path: Path) -> None:
    ledger, claim = _ledger(tmp_path)
    with ledger:
        before = features_by_id(ledger.conn, [claim])[claim]
        other = sqlite3.connect(tmp_path / "l.db")
        with other:
            other.execute("UPDATE claims SET terms=? WHERE id=?", (json.dumps(["ferry", "sank"]), claim))
        other.close()
        after = features_by_id(ledger.conn, [claim])[claim]
        assert after.terms == frozenset({"ferry", "sank"}) != before.terms


def test_a_removed_analysis_is_forgotten(tmp_path: Path) -> None:
    ledger, claim = _ledger(tmp_path)
    with ledger:
        features_by_id(ledger.conn, [claim])
        doc = ledger.conn.execute("SELECT doc FROM claims WHERE id=?", (claim,)).fetchone()[0]
        with ledger.transaction() as conn:
            clear_analysis(conn, doc)
            assert ledger.conn.claim_parts == {}


def test_a_rolled_back_transaction_is_forgotten(tmp_path: Path) -> None:
    ledger, claim = _ledger(tmp_path)
    with ledger:
        with pytest.raises(RuntimeError), ledger.transaction() as conn:
            features_by_id(conn, [claim])
            assert ledger.conn.claim_parts
            raise RuntimeError("fails inside the transaction")
        assert ledger.conn.claim_parts == {}
