"""The CSV export: one file per table, fixed documented headers, rows that load back."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from crosscheck.export import write_export
from crosscheck.export.csv import COLUMNS, TABLES, table_rows
from crosscheck.ledger import Ledger

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_csv_tables_load_back_with_json_row_counts(
    export_ledger_path: Path, export_data: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        message = write_export(ledger, "csv", str(folder))
    assert message == f"wrote {len(TABLES)} files to {folder}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    for table in TABLES:
        header, rows = _read(folder / f"{table}.csv")
        assert header == list(COLUMNS[table]), table
        assert len(rows) == len(export_data[table]), table
        assert [r["id"] for r in rows] == [r["id"] for r in export_data[table]], table


def test_csv_cells_round_trip(export_ledger_path: Path, export_data: dict[str, Any], tmp_path: Path) -> None:
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        write_export(ledger, "csv", str(tmp_path))
    docs = {r["id"]: r for r in _read(tmp_path / "documents.csv")[1]}
    for d in export_data["documents"]:
        assert docs[d["id"]]["text"] == d["text"]  # newlines and quotes survive
    claims = {r["id"]: r for r in _read(tmp_path / "claims.csv")[1]}
    for c in export_data["claims"]:
        row = claims[c["id"]]
        assert (row["text"], int(row["start"]), int(row["end"])) == (
            c["span"]["text"],
            c["span"]["start"],
            c["span"]["end"],
        )
        assert json.loads(row["places"]) == c["places"] and json.loads(row["via"]) == c["via"]
        assert row["source_kind"] == c["source"]["kind"]
    entities = {r["id"]: r for r in _read(tmp_path / "entities.csv")[1]}
    for e in export_data["entities"]:
        assert json.loads(entities[e["id"]]["aliases"]) == e["aliases"]
        assert int(entities[e["id"]]["mention_count"]) == len(e["mentions"])


def test_csv_flattens_spans_and_leaves_missing_cells_empty() -> None:
    data = {
        "claims": [
            {
                "id": "c1",
                "doc": "d1",
                "span": {"doc": "d1", "start": 3, "end": 9, "text": "quoted"},
                "source": {"text": "the union", "kind": "anonymous", "entity": None},
                "via": [],
                "when": {
                    "start": "2031-01-02",
                    "end": "2031-01-02",
                    "precision": "day",
                    "text": "on Monday",
                },
                "places": ["geonames:1"],
                "cluster": None,
                "unexpected": "dropped",
            }
        ]
    }
    [row] = table_rows(data, "claims")
    assert list(row) == list(COLUMNS["claims"])
    assert (row["start"], row["end"], row["text"]) == (3, 9, "quoted")
    assert (row["when_start"], row["when_text"], row["source_text"]) == (
        "2031-01-02",
        "on Monday",
        "the union",
    )
    assert row["places"] == '["geonames:1"]' and row["via"] == "[]"
    assert row["cluster"] == "" and row["event_type"] == "" and "unexpected" not in row
    assert table_rows({}, "figures") == []


def test_csv_every_column_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for table, columns in COLUMNS.items():
        section = re.search(rf"^### `{table}\.csv`\n(.*?)(?=^#)", text, re.S | re.M)
        assert section, f"docs/exports.md has no section for {table}.csv"
        documented = re.findall(r"^\| `([a-z0-9_]+)` \|", section.group(1), re.M)
        assert documented == list(columns), table
