"""CLI command for the brief (`crosscheck brief`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from crosscheck.cli import _open, app
from crosscheck.output import err_console

__all__ = ["brief"]


@app.command()
def brief(
    output: Annotated[
        str,
        typer.Option(
            "-o",
            "--output",
            help="brief.html (one self-contained page) or brief.md (plus a folder of SVGs).",
        ),
    ] = "brief.html",
    topic: Annotated[
        str | None,
        typer.Option(help="Only claims whose sentence, source or statement has these words."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only reports published since DATE (2026-01-09, 3d, 2w, yesterday)."),
    ] = None,
) -> None:
    """Write the brief: what is corroborated, single-sourced, contested; figures, places, actors, timeline, sources."""
    from crosscheck.report import write_brief

    with _open(readonly=True) as ledger:
        path = write_brief(ledger, output, topic=topic, since=since)
    err_console.print(f"brief: {escape(str(path))}")
