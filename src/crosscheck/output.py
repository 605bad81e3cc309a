"""Shared output for listing commands: a rich table for people, `--json` for machines."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["console", "err_console", "print_rows"]

console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def print_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool, title: str | None = None
) -> None:
    """Print rows as JSON lines-free array (machines) or a table (people)."""
    if as_json:
        json.dump(list(rows), sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
        return
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col.replace("_", " "), overflow="fold", no_wrap=col == "id")
    for row in rows:
        table.add_row(*[Text("" if row.get(c) is None else str(row.get(c))) for c in columns])
    console.print(table)
