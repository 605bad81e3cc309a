"""Shared fixtures: the CLI run in-process, a loopback HTTP server, the shared folder."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import CliResult, LoopbackServer

REPO = Path(__file__).resolve().parents[1]
# `add` analyses in this process unless a test asks for workers (tests/test_parallel.py):
# spawning a pool of model-loading workers for every small CLI call would slow the suite.
os.environ.setdefault("CROSSCHECK_WORKERS", "1")
SHARED = REPO.parent / "shared"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `crosscheck ARGS...` in this process (as `main()` does: errors to one line and an
    exit code); `stdin=` feeds bytes to `-`."""

    def run(*args: object, stdin: bytes | None = None) -> CliResult:
        from crosscheck.cli import main

        monkeypatch.setattr(sys, "argv", ["crosscheck", *map(str, args)])
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        code: int = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """An HTTP server on 127.0.0.1 serving the routes a test registers."""
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def shared() -> Path:
    """The project's shared folder (`<repo>/../shared`); tests that need it skip without it."""
    if not (SHARED / "contract").is_dir():
        pytest.skip("../shared is not present")
    return SHARED
