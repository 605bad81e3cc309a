"""Memory is bounded by the input: `add --no-analyse` of a long text peaks (RSS of the whole
process, measured by the kernel) under the input's size plus a fixed 300 MB, instead of ~150
times the input (near-duplicate shingling used to build a set of every shingle, and the text
was split and copied whole several times on the way)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crosscheck.ingest.dedup import SAMPLE, Shingles, band_keys, is_near_duplicate, shingles, signature

ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000
FIXED_MB = 300
# SQLite itself holds about 3.4 times a row's text for a moment while inserting it with its
# FTS5 index (the bound value, the record, the index's pending terms); measured with sqlite3
# alone on the same 100 MB text. Only a change of how the ledger stores a text can lower it.
SQLITE_ROW_FACTOR = 3.5


def _write_words(path: Path, size: int, seed: int = 7) -> None:
    """`size` bytes of text of random words from a 20,000-word vocabulary (every five-word
    window distinct, as in the worst case for shingling)."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    vocab = [bytes(letters[rng.integers(0, 26, rng.integers(2, 10))]) for _ in range(20000)]
    with path.open("wb") as fh:
        written = 0
        while written < size:
            block = b" ".join([vocab[i] for i in rng.integers(0, len(vocab), 150_000).tolist()]) + b".\n"
            block = block[: size - written]
            fh.write(block)
            written += len(block)


# Run by a small fresh Python: on Linux a child's ru_maxrss starts from the RSS of the process
# it was forked from, so the CLI is started from this wrapper, not from the (large) test process.
_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL,"
    " stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


def _peak_mb(*args: object) -> tuple[float, int]:
    """Run `crosscheck ARGS` in a child process; its peak RSS in MB and its exit code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "crosscheck", *map(str, args)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]) * 1024 / MB, int(out[1])  # ru_maxrss is in KiB


@pytest.mark.slow
def test_memory_10_mb_text_under_input_plus_fixed(tmp_path: Path) -> None:
    text = tmp_path / "long.txt"
    _write_words(text, 9_900_000)
    peak, code = _peak_mb("--ledger", tmp_path / "l.db", "add", "--no-analyse", text)
    assert code == 0
    assert peak < 9.9 + FIXED_MB, f"peak RSS {peak:.0f} MB for a 9.9 MB text"


@pytest.mark.slow
def test_memory_100_mb_text_bounded(tmp_path: Path) -> None:
    text = tmp_path / "longer.txt"
    _write_words(text, 100 * MB)
    peak, code = _peak_mb("--ledger", tmp_path / "l.db", "add", "--max-mb", "200", "--no-analyse", text)
    assert code == 0
    assert peak < 100 + FIXED_MB + SQLITE_ROW_FACTOR * 100, f"peak RSS {peak:.0f} MB for a 100 MB text"


# -- the bounded shingle sample ------------------------------------------------------------------


def _words(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [f"w{i}" for i in rng.integers(0, 50_000, n).tolist()]


def test_shingles_complete_for_reports_and_sampled_for_long_texts() -> None:
    report = shingles(" ".join(_words(2000, 1)))
    assert report.complete and len(report) == len(report.sample) <= 1996
    long = shingles(" ".join(_words(200_000, 2)))
    assert not long.complete and len(long.sample) == SAMPLE
    assert abs(len(long) - 199_996) / 199_996 < 0.03  # the count is estimated from the sample


def test_shingles_read_in_chunks_give_the_same_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscheck.ingest import dedup

    text = " ".join(_words(40_000, 3))
    whole = shingles(text)
    monkeypatch.setattr(dedup, "_CHUNK", 7919)  # cuts fall inside runs of words
    chunked = shingles(text)
    assert np.array_equal(whole.sample, chunked.sample) and whole.count == chunked.count


def test_near_duplicates_of_long_texts_are_found_on_samples() -> None:
    words = _words(150_000, 4)
    original = shingles(" ".join(words))
    copy = shingles("Reprinted with permission. " + " ".join(words[:140_000]) + " Added paragraph.")
    other = shingles(" ".join(_words(150_000, 5)))
    assert not original.complete and not copy.complete
    assert is_near_duplicate(original, copy) and is_near_duplicate(copy, original)
    assert not is_near_duplicate(original, other)
    assert set(band_keys(signature(original))) & set(band_keys(signature(copy)))  # still candidates


def test_short_texts_compare_exactly() -> None:
    base = " ".join(_words(400, 6))
    a, b = shingles(base), shingles(base + " " + " ".join(_words(60, 7)))
    assert a.complete and b.complete and isinstance(a, Shingles)
    assert is_near_duplicate(a, b)  # a is wholly inside b
    assert not is_near_duplicate(a, shingles(" ".join(_words(400, 8))))
