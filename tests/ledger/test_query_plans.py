"""Queries that run for every report added find their rows through an index, not a scan of a
table that grows with the ledger (issue 12: adding at a million claims)."""

from __future__ import annotations

from pathlib import Path

from crosscheck.ledger import Ledger
from crosscheck.ledger.analysis import clear_analysis
from crosscheck.ledger.clusters import _body_of


def test_body_of_finds_relations_by_subject_not_by_scanning_them(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        conn = ledger.conn
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        assert _body_of(conn, "actor:e1") == "actor:e1"
        conn.set_trace_callback(None)
        query = next(sql for sql in seen if "relations" in sql)
        plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + query))
    assert "SCAN r" not in plan, plan
    assert "relations_subject" in plan, plan


def test_clearing_a_reports_analysis_finds_its_rows_by_document(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        conn = ledger.conn
        seen: list[str] = []
        conn.set_trace_callback(seen.append)
        clear_analysis(conn, "d1")
        conn.set_trace_callback(None)
        deletes = [sql for sql in seen if sql.startswith("DELETE FROM")]
        assert len(deletes) >= 8
        for sql in deletes:  # the statement's own rows (the first step; later ones are foreign-key actions)
            first = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchone()[3]
            assert first.startswith("SEARCH"), (sql, first)


def test_name_keys_are_found_by_entity(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        conn = ledger.conn
        brought = "SELECT k.key FROM name_keys k JOIN entities e ON e.id = k.entity WHERE e.doc = 'd1'"
        for sql in (brought, "DELETE FROM entities WHERE doc = 'd1'"):
            plan = " | ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
            assert "SCAN" not in plan, (sql, plan)


def test_every_foreign_key_leads_an_index(tmp_path: Path) -> None:
    """Deleting a parent row looks its children up by the foreign key's column: with no index
    led by that column, each delete scans the whole child table."""
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        conn = ledger.conn
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        missing = []
        for table in tables:
            leads = set()
            for index in conn.execute(f"PRAGMA index_list('{table}')"):
                columns = [c[2] for c in conn.execute(f"PRAGMA index_info('{index[1]}')")]
                leads.add(columns[0] if columns else None)
            for key in conn.execute(f"PRAGMA foreign_key_list('{table}')"):
                if key[3] not in leads:
                    missing.append(f"{table}.{key[3]}")
    assert missing == []
