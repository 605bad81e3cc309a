"""The JSON export: the whole ledger as `contract/ledger.schema.json` defines it."""

from __future__ import annotations

import json
from typing import Any, TextIO

from crosscheck.ledger import Ledger

__all__ = ["SCHEMA_ID", "export_ledger", "write_json"]

SCHEMA_ID = "crosscheck.ledger/1"


def _documents(ledger: Ledger) -> list[dict[str, Any]]:
    return [
        {
            "id": r["id"],
            "outlet": r["outlet"],
            "title": r["title"],
            "url": r["url"],
            "published": r["published"],
            "language": r["language"],
            "author": r["author"],
            "sha256": r["sha256"],
            "origin": r["origin"],
            "text": r["text"],
            "duplicate_of": r["duplicate_of"],
            "added_at": r["added_at"],
        }
        for r in ledger.documents()
    ]


def export_ledger(ledger: Ledger) -> dict[str, Any]:
    """Every record of the ledger, keyed as the contract says."""
    from crosscheck.ledger import records as stored

    data: dict[str, Any] = {"schema": SCHEMA_ID, "documents": _documents(ledger)}
    data.update(stored.export_parts(ledger))
    return data


def write_json(ledger: Ledger, out: TextIO) -> None:
    json.dump(export_ledger(ledger), out, ensure_ascii=False, indent=1, sort_keys=True)
    out.write("\n")
