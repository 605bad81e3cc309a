"""Two `add` runs over the same folder at once (issue 14): the duplicate check and the insert
are one step, so both runs exit 0, each report is stored once (the loser reports it as a
duplicate), and `check` stays clean, also when both create the ledger."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import ledger_rows

ROOT = Path(__file__).resolve().parents[2]
DOCS = 8
ROUNDS = 2


def _folder(path: Path) -> Path:
    """Reports long enough (shingling takes a while) to widen the window between check and insert."""
    path.mkdir()
    rng = random.Random(14)
    for i in range(DOCS):
        (path / f"r{i}.txt").write_text(" ".join(f"word{rng.randint(0, 10**6)}" for _ in range(5000)))
    return path


def _spawn(ledger: Path, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "--ledger", str(ledger), "add", "--no-analyse", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_adds_of_the_same_folder_at_once(tmp_path: Path, cli: Any) -> None:
    folder = _folder(tmp_path / "in")
    for round_ in range(ROUNDS):
        ledger = tmp_path / f"l{round_}.db"
        runs = [_spawn(ledger, folder) for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
        added = 0
        for run, (out, err) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, err
            assert "Traceback" not in err and "Error" not in err, err
            counts = re.search(r"added (\d+), duplicates (\d+)", out)
            assert counts, out
            assert int(counts[1]) + int(counts[2]) == DOCS, out
            added += int(counts[1])
        assert added == DOCS
        assert len(ledger_rows(ledger)) == DOCS
        check = cli("--ledger", ledger, "check")
        assert check.code == 0 and check.out.strip() == "ok", check
