"""Near-duplicate detection: MinHash over word shingles, banded for candidate lookup.

A syndicated copy (a new headline, an added paragraph) shares most of its five-word
shingles with the original. Candidates come from matching LSH bands stored in the ledger;
each is then confirmed on the texts themselves (Jaccard, or containment of the shorter).

Memory is bounded whatever the text's size: the text is read in chunks of about a million
characters, and only the `SAMPLE` smallest distinct shingle hashes are kept (a bottom-k
sample). A report has far fewer shingles than that, so for reports the sample is the whole
set and every comparison is exact; for a larger text the comparisons are estimates from the
samples, with an error of about 1/sqrt(SAMPLE) (under 1%).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

__all__ = ["BANDS", "SAMPLE", "Shingles", "band_keys", "is_near_duplicate", "shingles", "signature"]

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
SAMPLE = 1 << 15
"""The most shingle hashes kept per text (256 KB); a text with fewer distinct shingles keeps all."""
_CHUNK = 1 << 20  # characters lowered and split into words at a time
_ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
# Fixed coefficients so signatures are comparable across runs and machines. With `a` below
# 2**31 and shingle hashes cut to 32 bits, a*x + b stays inside 64 bits, so numpy computes
# all permutations of a block of shingles at once without overflow.
_A = np.array(
    [int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:4], "big") >> 1 | 1 for i in range(PERMUTATIONS)],
    dtype=np.uint64,
)
_B = np.array(
    [int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big") % _PRIME for i in range(PERMUTATIONS)],
    dtype=np.uint64,
)
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"\W")
JACCARD = 0.5
CONTAINMENT = 0.8
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

Hashes = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class Shingles:
    """A text's five-word shingles: `sample` holds the smallest distinct shingle hashes (sorted,
    at most `SAMPLE`), all of them when `complete`; `count` is how many distinct shingles the
    text has (estimated from the sample when not complete)."""

    sample: Hashes
    count: float
    complete: bool

    def __len__(self) -> int:
        return round(self.count)

    def __iter__(self) -> Iterator[int]:
        return iter(self.sample.tolist())


def _blake(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


_cached_hash = lru_cache(maxsize=1 << 16)(_blake)


def _word_hash(word: str) -> int:
    """A stable 64-bit hash of a word; words of up to 64 characters are cached."""
    return _cached_hash(word) if len(word) <= 64 else _blake(word)


def _word_chunks(text: str) -> Iterator[list[str]]:
    """The lower-cased words of `text`, a list per chunk of about `_CHUNK` characters; a chunk
    ends at a non-word character, so no word is cut in two."""
    start = 0
    while start < len(text):
        end = start + _CHUNK
        if end < len(text):  # end between words (a "word" over _CHUNK characters is cut)
            cut = _NOT_WORD.search(text, end, end + _CHUNK)
            end = cut.start() if cut else min(end + _CHUNK, len(text))
        yield _WORD.findall(text[start:end].lower())
        start = end


def _windows(hashes: Hashes) -> Hashes:
    """The hash of each run of SHINGLE consecutive word hashes: a polynomial over them."""
    span = len(hashes) - SHINGLE + 1
    window = hashes[:span].copy()
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        for offset in range(1, SHINGLE):
            window = window * _MULTIPLIER + hashes[offset : offset + span]
    return window


def _keep_smallest(sample: Hashes, new: Hashes) -> tuple[Hashes, bool]:
    """The `SAMPLE` smallest distinct values of both, and whether any value was dropped."""
    if len(sample) == SAMPLE:
        new = new[new < sample[-1]]  # no larger value can enter a full sample
    merged = np.union1d(sample, new)
    if len(merged) > SAMPLE:
        return merged[:SAMPLE], True
    return merged, False


def shingles(text: str) -> Shingles:
    """The text's overlapping five-word windows (lower-cased words), hashed and sampled.

    Each distinct word is hashed once (blake2b, stable across runs and machines); a window's
    hash is a polynomial over its words' hashes. The text is read a chunk at a time, so memory
    stays a few megabytes whatever its length."""
    sample: Hashes = np.empty(0, dtype=np.uint64)
    dropped = False
    carry: Hashes = np.empty(0, dtype=np.uint64)  # the last SHINGLE - 1 word hashes so far
    for words in _word_chunks(text):
        hashes = np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))
        run = np.concatenate([carry, hashes])
        if len(run) >= SHINGLE:
            sample, cut = _keep_smallest(sample, _windows(run))
            dropped = dropped or cut
        carry = run[-(SHINGLE - 1) :]
    if len(sample) == 0:  # fewer than SHINGLE words: one window, padded with empty words
        pad = np.full(SHINGLE - len(carry), _word_hash(""), dtype=np.uint64)
        sample = _windows(np.concatenate([carry, pad]))
    if not dropped:
        return Shingles(sample, float(len(sample)), True)
    return Shingles(sample, _estimate(sample), False)


def _estimate(sample: Hashes) -> float:
    """How many distinct values a set has, from its `len(sample)` smallest (uniform 64-bit)."""
    return (len(sample) - 1) * 2.0**64 / (float(sample[-1]) + 1.0)


def signature(items: Shingles | Iterable[int]) -> list[int]:
    """The MinHash signature of a text's shingles (of its sample, for a very long text)."""
    if isinstance(items, Shingles):
        values = items.sample & np.uint64(_MASK)
    else:
        values = np.fromiter((x & _MASK for x in items), dtype=np.uint64)
    if values.size == 0:
        values = np.zeros(1, dtype=np.uint64)
    low = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    for start in range(0, values.size, 4096):
        block = values[start : start + 4096]
        hashed = (np.multiply.outer(_A, block) + _B[:, None]) % np.uint64(_PRIME)
        low = np.minimum(low, hashed.min(axis=1))
    return [int(v) & _MASK for v in low]


def band_keys(sig: list[int]) -> list[int]:
    """One key per LSH band: documents sharing any key are near-duplicate candidates."""
    keys = []
    for band in range(BANDS):
        rows = sig[band * _ROWS : (band + 1) * _ROWS]
        h = hashlib.blake2b(repr((band, rows)).encode(), digest_size=7).digest()
        keys.append(int.from_bytes(h, "big"))
    return keys


def is_near_duplicate(a: Shingles, b: Shingles) -> bool:
    """True when two texts' shingles overlap enough to call one a copy of the other: Jaccard
    at least JACCARD, or the shorter at least CONTAINMENT inside the longer. Exact when both
    samples are complete; else estimated on the smallest values of their union."""
    if not len(a.sample) or not len(b.sample):
        return False
    if a.complete and b.complete:
        shared = float(len(np.intersect1d(a.sample, b.sample, assume_unique=True)))
        union = a.count + b.count - shared
        jaccard = shared / union
    else:
        # The SAMPLE smallest values of the union are a sample of it, and each one's membership
        # in a and in b is known from their own samples (it is among their smallest too).
        union_sample = np.union1d(a.sample, b.sample)[:SAMPLE]
        both = np.isin(union_sample, a.sample, assume_unique=True) & np.isin(union_sample, b.sample, assume_unique=True)
        jaccard = float(both.sum()) / len(union_sample)
        shared = jaccard * _estimate(union_sample)  # one sample is full, so the union's is too
    return jaccard >= JACCARD or shared / min(a.count, b.count) >= CONTAINMENT
