"""The `crosscheck` command: each command parses its options and calls one API function."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from crosscheck.errors import CrosscheckError, ReadOnlyLedger
from crosscheck.ledger import Ledger
from crosscheck.output import console, err_console, print_rows

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn news reports into an evidence ledger.")

State = dict[str, str]
_state: State = {}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of a table.")]


@app.callback()
def _main(
    ledger: Annotated[
        str | None,
        typer.Option("--ledger", "-l", help="Ledger file (default $CROSSCHECK_LEDGER, else ./crosscheck.db)."),
    ] = None,
) -> None:
    _state["ledger"] = ledger or os.environ.get("CROSSCHECK_LEDGER") or "crosscheck.db"


def _open(readonly: bool = False) -> Ledger:
    return Ledger.open(_state.get("ledger", "crosscheck.db"), readonly=readonly and Path(_state["ledger"]).exists())


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"crosscheck: {escape(message)}")
    return typer.Exit(code)


@app.command()
def add(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs, or - for stdin.")],
    outlet: Annotated[str | None, typer.Option(help="Publishing outlet (overrides the source).")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (ISO).")] = None,
    date_from_ingest: Annotated[
        bool,
        typer.Option(
            "--date-from-ingest",
            help="Date reports that give no publication date by today (else their figures stay undated).",
        ),
    ] = False,
    url: Annotated[str | None, typer.Option(help="URL of the report.")] = None,
    title: Annotated[str | None, typer.Option(help="Title of the report.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 language code.")] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow fetching loopback and private addresses.")
    ] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Size cap per file or download, in MB.")] = 10.0,
    analyse: Annotated[
        bool, typer.Option("--analyse/--no-analyse", help="Analyse while adding (else store the text only).")
    ] = True,
    watchlist: Annotated[
        str | None, typer.Option("--watchlist", help="YAML or CSV of known actors: name, aliases, kind, type.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Analysis processes (default $CROSSCHECK_WORKERS, else the cores)."),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", envvar="CROSSCHECK_DASK", help="Analyse on the Dask cluster at this scheduler address."),
    ] = None,
) -> None:
    """Add reports to the ledger."""
    from crosscheck.api import add_sources
    from crosscheck.cli_progress import add_progress
    from crosscheck.ingest import IngestOptions
    from crosscheck.parallel import make_analyser

    overrides = {
        k: v
        for k, v in {"outlet": outlet, "published": published, "url": url, "title": title, "language": language}.items()
        if v
    }
    options = IngestOptions(
        overrides=overrides, date_from_ingest=date_from_ingest, allow_private=allow_private, max_bytes=int(max_mb * 1e6)
    )
    analyser = make_analyser(workers, dask, watchlist) if analyse else None
    with _open() as ledger, add_progress(sources) as on_event:
        summary = add_sources(
            ledger, sources, options, analyse=analyse, watchlist=watchlist, on_event=on_event, analyser=analyser
        )
    console.print(summary.line())
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def docs(as_json: JsonOpt = False) -> None:
    """List documents: id, outlet, date, language, title, duplicate-of."""
    with _open(readonly=True) as ledger:
        rows = [
            {
                "id": r["id"],
                "outlet": r["outlet"],
                "published": r["published"],
                "language": r["language"],
                "title": r["title"],
                "duplicate_of": r["duplicate_of"],
                "origin": r["origin"],
            }
            for r in ledger.documents()
        ]
    print_rows(rows, ["id", "outlet", "published", "language", "title", "duplicate_of"], as_json=as_json)


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="Document id, id prefix, or origin.")], as_json: JsonOpt = False
) -> None:
    """Show a document's metadata and text."""
    with _open(readonly=True) as ledger:
        row = ledger.document(doc)
    if row is None:
        raise _fail(f"{doc}: no such document (or the prefix is ambiguous)")
    data = dict(row)
    if as_json:
        print_rows([data], [], as_json=True)
        return
    for key in ("id", "outlet", "title", "published", "language", "author", "url", "origin", "duplicate_of", "sha256"):
        console.print(f"[bold]{key}[/bold]: {escape(str(data.get(key) or ''))}")
    console.print()
    console.print(escape(data["text"]))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find.")], limit: int = 20, as_json: JsonOpt = False
) -> None:
    """Full-text search over documents, with snippets."""
    with _open(readonly=True) as ledger:
        rows = [dict(r) for r in ledger.search(query, limit)]
    print_rows(rows, ["id", "outlet", "published", "snippet"], as_json=as_json)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, csv, geojson, ftm or acled.")] = "json",
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="File (or folder for csv); default stdout.")
    ] = None,
) -> None:
    """Export the whole ledger."""
    from crosscheck.export import FORMATS, write_export

    if fmt not in FORMATS:
        raise _fail(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}", 2)
    with _open(readonly=True) as ledger:
        message = write_export(ledger, fmt, output)
    if message:
        err_console.print(escape(message))


@app.command()
def stats(as_json: JsonOpt = False) -> None:
    """Counts of what the ledger holds."""
    from crosscheck.ledger.stats import ledger_stats

    with _open(readonly=True) as ledger:
        data = ledger_stats(ledger)
    print_rows([{"what": k, "count": v} for k, v in data.items()], ["what", "count"], as_json=as_json)


@app.command()
def check() -> None:
    """Check the ledger: SQLite integrity and crosscheck's own invariants."""
    from crosscheck.ledger.check import check_ledger

    try:
        ledger = _open()
    except ReadOnlyLedger:
        ledger = _open(readonly=True)
    with ledger:
        problems = check_ledger(ledger)
    for problem in problems:
        err_console.print(escape(problem))
    if problems:
        raise _fail(f"{len(problems)} problems found", 3)
    console.print("ok (read-only ledger: the full-text index was not checked)" if ledger.readonly else "ok")


def main() -> None:
    """Entry point: run the app, turning crosscheck errors into one line and an exit code."""
    try:
        app()
    except CrosscheckError as exc:
        err_console.print(f"crosscheck: {escape(str(exc))}")
        sys.exit(exc.exit_code)


from crosscheck import cli_report as _report  # noqa: E402,F401  (registers `brief`)
from crosscheck import cli_views as _views  # noqa: E402,F401  (registers the analysis commands)
from crosscheck import cli_watch as _watch  # noqa: E402,F401  (registers `watch`)
from crosscheck import cli_web as _web  # noqa: E402,F401  (registers `serve`)
