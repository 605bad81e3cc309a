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
    limit: Annotated[
        int,
        typer.Option(
            min=1, max=1000, help="At most N items per section, the most important first; the rest in the appendix."
        ),
    ] = 8,
) -> None:
    """Write the brief: what is corroborated, single-sourced, contested; figures, places, actors, timeline, sources."""
    from crosscheck.report import Limits, write_brief

    with _open(readonly=True) as ledger:
        path = write_brief(ledger, output, topic=topic, since=since, limits=Limits.per_section(limit))
    err_console.print(f"brief: {escape(str(path))}")
