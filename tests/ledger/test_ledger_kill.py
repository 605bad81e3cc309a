"""Kill -9 an ingest of 500 documents at 20 random moments: each time the ledger passes
`crosscheck check` and re-running the same `add` completes it.

The moments are drawn (fixed seed) from strata spread over the run's measured duration, so
the test follows `add` as it gets slower (analysis) instead of relying on fixed sleeps.
`add` runs as a subprocess (the thing killed); `check` and the re-run go through the CLI in
this process. Set CROSSCHECK_KILL_ANALYSE=1 to kill the full pipeline, analysis included
(much slower); by default the test kills `add --no-analyse`, which stores each document in
the same single transaction the analysis joins.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import ledger_rows

ROOT = Path(__file__).resolve().parents[2]
DOCS = 500
KILLS = 20
SEED = 20260
ANALYSE = os.environ.get("CROSSCHECK_KILL_ANALYSE") == "1"
ADD_OPTIONS = () if ANALYSE else ("--no-analyse",)


def _corpus(folder: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench import generate_corpus
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    generate_corpus(folder, DOCS, words=40, seed=SEED)


def _spawn(ledger: Path, folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "--ledger", str(ledger), "add", *ADD_OPTIONS, str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _count(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    return int(ledger_rows(ledger, "SELECT count(*) FROM documents")[0]) if ledger.stat().st_size else 0


@pytest.mark.slow
def test_ledger_kill_and_resume(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "reports"
    _corpus(folder)

    # Calibrate: one full run, timed, tells how long `add` takes on this machine today.
    start = time.monotonic()
    proc = _spawn(tmp_path / "calibration.db", folder)
    _, err = proc.communicate(timeout=600)
    duration = time.monotonic() - start
    assert proc.returncode == 0, err.decode()
    assert _count(tmp_path / "calibration.db") == DOCS

    rng = random.Random(SEED)
    moments = [duration * (i + rng.random()) / KILLS for i in range(KILLS)]
    rng.shuffle(moments)
    partial = 0
    for trial, moment in enumerate(moments):
        ledger = tmp_path / f"trial-{trial:02d}.db"
        proc = _spawn(ledger, folder)
        time.sleep(moment)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        stored = _count(ledger)
        partial += 0 < stored < DOCS
        if ledger.exists():
            checked = cli("--ledger", ledger, "check")
            assert checked.code == 0 and checked.out.strip() == "ok", (trial, moment, checked)
        rerun = cli("--ledger", ledger, "add", *ADD_OPTIONS, folder)
        assert rerun.code == 0, (trial, moment, rerun.err[-2000:])
        assert f"added {DOCS - stored}," in rerun.out, (trial, stored, rerun.out)
        assert _count(ledger) == DOCS
        assert cli("--ledger", ledger, "check").out.strip() == "ok"
        ledger.unlink()
        for extra in ("-wal", "-shm"):
            Path(f"{ledger}{extra}").unlink(missing_ok=True)
    # The moments must really fall inside the writing, not all before or after it.
    assert partial >= KILLS // 3, f"only {partial} kills landed mid-ingest (run took {duration:.1f} s)"
