"""The CSV export: one file per table in a folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger

__all__ = ["write_csv"]


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(ledger: Ledger, folder: Path) -> list[Path]:
    """Write documents.csv, entities.csv, ... into `folder`; nested values as JSON cells."""
    folder.mkdir(parents=True, exist_ok=True)
    data = export_ledger(ledger)
    written = []
    for part in ("documents", "entities", "relations", "places", "claims", "figures", "clusters", "series"):
        rows = data.get(part, [])
        columns = sorted({key for row in rows for key in row}) or ["id"]
        path = folder / f"{part}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(v) for k, v in row.items()})
        written.append(path)
    return written
