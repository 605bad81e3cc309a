"""CLI command to watch feeds and pages (`crosscheck watch`); the work is in `crosscheck.watch`."""

from __future__ import annotations

import json
import signal
import sys
from types import FrameType
from typing import Annotated, Any

import typer
from rich.markup import escape

from crosscheck.cli import _fail, _open, app
from crosscheck.errors import CrosscheckError
from crosscheck.output import console, err_console

__all__ = ["watch"]


@app.command()
def watch(
    sources: Annotated[list[str], typer.Argument(help="Feed or page URLs (or files) to poll.")],
    every: Annotated[str, typer.Option(help="How often to poll: 30s, 15m, 2h.")] = "15m",
    notify: Annotated[
        str | None,
        typer.Option(help="A command run for each change, with the change as JSON on stdin (no shell)."),
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit.")] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow fetching loopback and private addresses.")
    ] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", help="Size cap per download, in MB.")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print each change as one JSON line.")] = False,
) -> None:
    """Poll feeds and pages, add what is new, and print each change as it happens: status
    changes, new origins for a statement, new competing figures. Ctrl-C stops; run it again
    to resume (nothing is added twice)."""
    from crosscheck.ingest import IngestOptions
    from crosscheck.watch import Watcher, describe, parse_every

    try:
        seconds = parse_every(every)
    except CrosscheckError as exc:
        raise _fail(str(exc), 2) from None

    def report(kind: str, payload: Any) -> None:
        if kind == "change":
            if as_json:
                sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                console.print(escape(f"{payload['at']} {describe(payload)}"), soft_wrap=True, highlight=False)
        elif kind == "polled":
            err_console.print(
                escape(f"watch: {payload['source']}: added {payload['added']}, duplicates {payload['duplicates']}")
            )
        elif kind == "failed":
            err_console.print(
                escape(
                    f"watch: {payload['source']}: failed ({payload['error']}); "
                    f"failure {payload['failures']}, retry after {payload['retry']}"
                )
            )
        elif kind == "waiting":
            err_console.print(
                escape(f"watch: {payload['source']}: {payload['failures']} failures, next try after {payload['until']}")
            )
        elif kind == "error":
            err_console.print(escape(f"watch: {payload}"))

    options = IngestOptions(allow_private=allow_private, max_bytes=int(max_mb * 1e6))
    with _open() as ledger:
        watcher = Watcher(ledger, sources, seconds, options=options, notify=notify, report=report)

        def on_sigint(signum: int, frame: FrameType | None) -> None:
            if watcher.stop.is_set():
                raise KeyboardInterrupt
            err_console.print("watch: stopping (Ctrl-C again to stop at once)")
            watcher.stop.set()

        try:
            previous: Any = signal.signal(signal.SIGINT, on_sigint)
        except ValueError:  # not the main thread: Ctrl-C stays Python's
            previous = None
        try:
            watcher.run(once=once)
        except KeyboardInterrupt:
            err_console.print("watch: stopped; the report being added was not stored")
            raise typer.Exit(130) from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
    err_console.print("watch: stopped" if not once else "watch: polled once")
