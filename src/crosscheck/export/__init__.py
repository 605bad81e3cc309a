"""Exports: the ledger in formats other tools read."""

from __future__ import annotations

import sys
from pathlib import Path

from crosscheck.errors import CrosscheckError
from crosscheck.ledger import Ledger

__all__ = ["FORMATS", "write_export"]

FORMATS = ("json", "csv")


def write_export(ledger: Ledger, fmt: str, output: str | None) -> str | None:
    """Write the ledger in `fmt` to `output` (a file, or a folder for csv; stdout when None).
    Returns a message for the user, if any."""
    if fmt == "json":
        from crosscheck.export.json import write_json

        if output:
            with open(output, "w", encoding="utf-8") as fh:
                write_json(ledger, fh)
        else:
            write_json(ledger, sys.stdout)
        return None
    if fmt == "csv":
        from crosscheck.export.csv import write_csv

        if not output:
            raise CrosscheckError("export --format csv needs -o FOLDER")
        written = write_csv(ledger, Path(output))
        return f"wrote {len(written)} files to {output}"
    raise CrosscheckError(f"unknown export format {fmt!r}")
