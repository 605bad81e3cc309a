"""Reading the analysis records of the ledger back as contract-shaped dictionaries."""

from __future__ import annotations

from typing import Any

from crosscheck.ledger import Ledger

__all__ = ["PARTS", "export_parts"]

PARTS = ("entities", "relations", "places", "claims", "figures", "clusters", "series", "events")


def export_parts(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """The analysis parts of the export; empty until the ledger holds analysis tables."""
    return {part: [] for part in PARTS}
