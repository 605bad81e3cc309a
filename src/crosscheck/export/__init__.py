"""Exports: the ledger in formats other tools read (docs/exports.md describes each).

- json: the whole ledger as ../shared/contract/ledger.schema.json defines it;
- csv: one file per table in a folder, with fixed headers;
- geojson: the resolved places as RFC 7946 points, with mention counts and linked claims;
- ftm: FollowTheMoney entities as JSON lines, for Aleph;
- acled: an ACLED-style event table (CSV).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from crosscheck.errors import CrosscheckError
from crosscheck.ledger import Ledger

__all__ = ["FORMATS", "write_export"]

FORMATS = ("json", "csv", "geojson", "ftm", "acled")


def _stream_writer(fmt: str) -> Callable[[Ledger, TextIO], str | None]:
    if fmt == "json":
        from crosscheck.export.json import write_json

        def json_writer(ledger: Ledger, out: TextIO) -> None:
            write_json(ledger, out)

        return json_writer
    if fmt == "geojson":
        from crosscheck.export.geojson import write_geojson

        return write_geojson
    if fmt == "ftm":
        from crosscheck.export.ftm import write_ftm

        return write_ftm
    if fmt == "acled":
        from crosscheck.export.acled import write_acled

        return write_acled
    raise CrosscheckError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")


def write_export(ledger: Ledger, fmt: str, output: str | None) -> str | None:
    """Write the ledger in `fmt` to `output` (a file, or a folder for csv; stdout when None).
    Returns a message for the user, if any."""
    if fmt == "csv":
        from crosscheck.export.csv import write_csv

        if not output:
            raise CrosscheckError("export --format csv needs -o FOLDER")
        written = write_csv(ledger, Path(output))
        return f"wrote {len(written)} files to {output}"
    writer = _stream_writer(fmt)
    if not output:
        return writer(ledger, sys.stdout)
    newline = "" if fmt == "acled" else None  # the csv module writes its own line ends
    with open(output, "w", encoding="utf-8", newline=newline) as fh:
        message = writer(ledger, fh)
    return f"{message} to {output}" if message and message.startswith("wrote") else message
