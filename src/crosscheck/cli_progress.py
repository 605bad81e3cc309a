"""Progress of `crosscheck add`: a bar with reports/s and an ETA on a terminal, else a plain
line every `plain_every()` reports ($CROSSCHECK_PROGRESS_EVERY, default 1,000).

The total behind the bar and the ETA is an estimate made before reading: one report per file
under each folder and per other source. A feed or JSONL file holds more; the total then grows
with what has been read.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from crosscheck.output import err_console
from crosscheck.records import Document

__all__ = ["add_progress", "estimate_reports", "plain_every"]

Event = Callable[[str, object], None]


def plain_every() -> int:
    """Reports between two plain progress lines (no terminal)."""
    value = os.environ.get("CROSSCHECK_PROGRESS_EVERY", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1000


def estimate_reports(sources: Iterable[str]) -> int:
    """How many reports the sources hold, guessed from their files (one a file)."""
    count = 0
    for source in sources:
        path = Path(source)
        if source != "-" and "://" not in source and path.is_dir():
            count += sum(len(files) for _, _, files in os.walk(path))
        else:
            count += 1
    return count


class _Rate(ProgressColumn):
    """Reports per second, over rich's recent samples."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} reports/s", style="progress.data.speed")


@contextmanager
def add_progress(sources: list[str], *, terminal: bool | None = None) -> Iterator[Event]:
    """The `on_event` of `add_sources`: errors, warnings and skipped files as lines, and progress
    as a bar (terminal) or a plain line now and then."""
    terminal = sys.stderr.isatty() if terminal is None else terminal
    every = plain_every()
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not terminal,
    )
    with progress:
        total = estimate_reports(sources) if terminal else 0
        task = progress.add_task("adding", total=total or None)
        done = [0]
        start = time.monotonic()

        def on_event(kind: str, payload: object) -> None:
            if kind == "error":
                progress.console.print(f"error: {escape(str(payload))}")
            elif kind == "warning":
                progress.console.print(f"warning: {escape(str(payload))}")
            elif kind == "skipped" and getattr(payload, "warn", False):
                progress.console.print(f"skipped: {escape(payload.path)}: {escape(payload.reason)}")  # type: ignore[attr-defined]
            elif kind == "part":
                document, part, parts = cast("tuple[Document, int, int]", payload)
                name = escape(document.origin)
                progress.update(task, description=f"analysing {name} (part {part}/{parts})")
                if not terminal:
                    err_console.print(f"crosscheck: analysing {name}: part {part} of {parts} done")
            elif kind == "document":
                done[0] += 1
                progress.update(task, completed=done[0], total=max(total, done[0]) or None, description="adding")
                if not terminal and done[0] % every == 0:
                    rate = done[0] / max(time.monotonic() - start, 1e-9)
                    err_console.print(f"crosscheck: {done[0]} reports done ({rate:.1f} reports/s)")
                if getattr(payload, "status", "") == "exists":
                    progress.console.print(f"{payload.doc}: already in the ledger")  # type: ignore[attr-defined]

        yield on_event
