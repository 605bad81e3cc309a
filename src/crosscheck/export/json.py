"""The JSON export: the whole ledger as `contract/ledger.schema.json` defines it.

`write_json` streams: records are read and written one at a time (see `export.stream`), so
memory stays flat however large the ledger; the bytes are those of `json.dump(export_ledger(
ledger), indent=1, sort_keys=True, ensure_ascii=False)`.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from crosscheck.export.stream import ALL_PARTS, iter_part
from crosscheck.ledger import Ledger

__all__ = ["SCHEMA_ID", "export_ledger", "write_json"]

SCHEMA_ID = "crosscheck.ledger/1"


def export_ledger(ledger: Ledger) -> dict[str, Any]:
    """Every record of the ledger, keyed as the contract says (in memory: `write_json` streams)."""
    data: dict[str, Any] = {"schema": SCHEMA_ID}
    data.update({name: list(iter_part(ledger, name)) for name in ALL_PARTS})
    return data


def _dumps(value: Any, depth: int) -> str:
    """`value` as `json.dump(..., indent=1)` writes it `depth` levels down."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * depth)


def write_json(ledger: Ledger, out: TextIO) -> None:
    """Write the export to `out`, a record at a time."""
    keys = sorted([*ALL_PARTS, "schema"])
    out.write("{")
    for i, key in enumerate(keys):
        out.write(("," if i else "") + "\n " + json.dumps(key, ensure_ascii=False) + ": ")
        if key == "schema":
            out.write(_dumps(SCHEMA_ID, 1))
            continue
        empty = True
        for record in iter_part(ledger, key):
            out.write(("[\n  " if empty else ",\n  ") + _dumps(record, 2))
            empty = False
        out.write("[]" if empty else "\n ]")
    out.write("\n}\n")
