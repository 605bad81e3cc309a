"""The export's parts and how a place is keyed across reports (the parts themselves are read
by `crosscheck.export.stream`)."""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["PARTS", "place_fields", "place_key"]

PARTS = ("entities", "relations", "places", "claims", "figures", "clusters", "series", "events")


def place_key(row: sqlite3.Row) -> str:
    """A place across reports: its gazetteer entry, or its name when unresolved."""
    return str(row["gazetteer_id"] or f"unresolved:{row['name'].lower()}")


def place_fields(row: sqlite3.Row) -> dict[str, Any]:
    """The contract's fields of a place, keyed by `place_key`."""
    keys = ("name", "country", "admin1", "lat", "lon", "feature", "gazetteer_id")
    return {"id": place_key(row), **{k: row[k] for k in keys}}
