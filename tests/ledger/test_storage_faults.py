"""Storage faults give one clear line and a non-zero exit, and leave the ledger intact: a
write-protected ledger file or folder, a full disk (a file size limit), a 0-byte ledger file;
`check` on a read-only ledger reports no false full-text index problem.

Tests run as root in CI, where permissions do not stop writes: crosscheck honours the write
bits itself, so the chmod tests hold (and mean the same) for root and for other users."""

from __future__ import annotations

import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import ledger_rows

ROOT = Path(__file__).resolve().parents[2]
TEXT = "The port authority in Esker Bay said on Friday that {n} ferry crossings had been cancelled.\n"


def _folder(path: Path, count: int, words: int = 0, seed: int = 1) -> Path:
    path.mkdir()
    rng = random.Random(seed)
    for i in range(count):
        filler = " ".join(f"w{rng.randint(0, 10**6)}" for _ in range(words))
        (path / f"r{i}.txt").write_text(TEXT.format(n=i + seed * 100) + filler)
    return path


@pytest.fixture
def stored(tmp_path: Path, cli: Any) -> Path:
    """A ledger with three reports, in a folder of its own."""
    (tmp_path / "ledger").mkdir()
    path = tmp_path / "ledger" / "l.db"
    assert cli("--ledger", path, "add", "--no-analyse", _folder(tmp_path / "in", 3)).code == 0
    return path


@pytest.fixture
def more(tmp_path: Path) -> Path:
    return _folder(tmp_path / "more", 2, seed=2)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(result: Any, *words: str) -> None:
    assert result.code != 0, result
    assert "Traceback" not in result.err and "Error:" not in result.err, result.err
    lines = result.error_lines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("crosscheck: ") and all(w in lines[0] for w in words), lines


@pytest.fixture
def restore_modes(tmp_path: Path) -> Iterator[None]:
    yield
    for p in tmp_path.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)


def test_read_only_ledger_file_is_refused_for_writing(stored: Path, more: Path, cli: Any, restore_modes: None) -> None:
    stored.chmod(0o444)
    before = _digest(stored)
    _one_line(cli("--ledger", stored, "add", "--no-analyse", more), str(stored), "read-only")
    assert _digest(stored) == before
    assert len(ledger_rows(stored)) == 3
    assert cli("--ledger", stored, "stats").code == 0  # reading still works


def test_ledger_in_read_only_folder(stored: Path, more: Path, cli: Any, restore_modes: None) -> None:
    stored.parent.chmod(0o555)
    before = _digest(stored)
    _one_line(cli("--ledger", stored, "add", "--no-analyse", more), "folder", "read-only")
    new = stored.parent / "new.db"
    _one_line(cli("--ledger", new, "add", "--no-analyse", more), "folder", "read-only")
    assert not new.exists()
    assert _digest(stored) == before
    assert cli("--ledger", stored, "docs").code == 0


def test_empty_ledger_file(tmp_path: Path, more: Path, cli: Any) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for args in (("stats",), ("docs",), ("check",), ("add", "--no-analyse", str(more))):
        _one_line(cli("--ledger", empty, *args), str(empty), "empty file")
    assert empty.stat().st_size == 0


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so a write past the limit is an OSError (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_full_disk_gives_one_line_and_keeps_the_ledger(stored: Path, tmp_path: Path, cli: Any) -> None:
    big = _folder(tmp_path / "big", 3, words=20_000, seed=3)  # ~200 KB each, past the 64 KB limit
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "crosscheck", "--ledger", str(stored), "add", "--no-analyse", str(big)],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
        timeout=120,
    )
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot write the ledger" in lines[0] and "disk full" in lines[0], lines
    assert len(ledger_rows(stored)) == 3
    check = cli("--ledger", stored, "check")
    assert check.code == 0 and check.out.strip() == "ok", check


def test_check_of_a_read_only_ledger_reports_no_false_problem(stored: Path, cli: Any, restore_modes: None) -> None:
    from crosscheck.ledger import Ledger
    from crosscheck.ledger.check import check_ledger

    with Ledger.open(stored, readonly=True) as ledger:
        assert check_ledger(ledger) == []
    stored.chmod(0o444)
    before = _digest(stored)
    result = cli("--ledger", stored, "check")
    assert result.code == 0, result
    assert "full-text index was not checked" in result.out and "problem" not in result.err
    assert _digest(stored) == before
