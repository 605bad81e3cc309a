"""The JSON export: the contract, spans that point into the stored text, stable output."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck.export.json import write_json
from crosscheck.ledger import Ledger


def test_json_validates_against_contract(export_data: dict[str, Any], shared: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared / "contract" / "ledger.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(export_data, schema)
    assert export_data["schema"] == "crosscheck.ledger/1"
    assert len(export_data["documents"]) >= 4 and export_data["claims"] and export_data["places"]


def test_json_spans_are_slices_of_the_text(export_data: dict[str, Any]) -> None:
    texts = {d["id"]: d["text"] for d in export_data["documents"]}
    spans = [c["span"] for c in export_data["claims"]] + [f["span"] for f in export_data["figures"]]
    spans += [m for e in export_data["entities"] for m in e["mentions"]]
    assert spans
    for span in spans:
        assert texts[span["doc"]][span["start"] : span["end"]] == span["text"]


def test_json_references_resolve(export_data: dict[str, Any]) -> None:
    ids = {part: {r["id"] for r in export_data[part]} for part in ("entities", "places", "claims", "clusters")}
    for claim in export_data["claims"]:
        assert set(claim["places"]) <= ids["places"]
        assert claim["cluster"] is None or claim["cluster"] in ids["clusters"]
    for cluster in export_data["clusters"]:
        assert set(cluster["claims"]) <= ids["claims"]
    for relation in export_data["relations"]:
        assert {relation["subject"], relation["object"]} <= ids["entities"]


def test_json_same_ledger_same_bytes(export_ledger_path: Path) -> None:
    outputs = []
    for _ in range(2):
        buffer = io.StringIO()
        with Ledger.open(export_ledger_path, readonly=True) as ledger:
            write_json(ledger, buffer)
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]
    assert "Valley Courier" in outputs[0]
