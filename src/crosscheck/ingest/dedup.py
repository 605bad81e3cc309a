"""Near-duplicate detection: MinHash over word shingles, banded for candidate lookup.

A syndicated copy (a new headline, an added paragraph) shares most of its five-word
shingles with the original. Candidates come from matching LSH bands stored in the ledger;
each is then confirmed on the texts themselves (Jaccard, or containment of the shorter).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

__all__ = ["BANDS", "band_keys", "is_near_duplicate", "shingles", "signature"]

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
_ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
# Fixed coefficients so signatures are comparable across runs and machines. With `a` below
# 2**31 and shingle hashes cut to 32 bits, a*x + b stays inside 64 bits, so numpy computes
# all permutations of all shingles at once without overflow.
_A = np.array(
    [int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:4], "big") >> 1 | 1 for i in range(PERMUTATIONS)],
    dtype=np.uint64,
)
_B = np.array(
    [int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big") % _PRIME for i in range(PERMUTATIONS)],
    dtype=np.uint64,
)
_WORD = re.compile(r"\w+")
JACCARD = 0.5
CONTAINMENT = 0.8


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping five-word windows (lower-cased words).

    Each distinct word is hashed once (blake2b, stable across runs and machines); a window's
    hash is a polynomial over its words' hashes, computed for all windows at once."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    hashes = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    span = len(words) - SHINGLE + 1
    window = hashes[:span].copy()
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        for offset in range(1, SHINGLE):
            window = window * _MULTIPLIER + hashes[offset : offset + span]
    return set(window.tolist())


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


@lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def signature(items: Iterable[int]) -> list[int]:
    """The MinHash signature of a set of shingle hashes."""
    values = np.fromiter((x & _MASK for x in items), dtype=np.uint64)
    if values.size == 0:
        values = np.zeros(1, dtype=np.uint64)
    hashed = (np.multiply.outer(_A, values) + _B[:, None]) % np.uint64(_PRIME)
    return [int(v) & _MASK for v in hashed.min(axis=1)]


def band_keys(sig: list[int]) -> list[int]:
    """One key per LSH band: documents sharing any key are near-duplicate candidates."""
    keys = []
    for band in range(BANDS):
        rows = sig[band * _ROWS : (band + 1) * _ROWS]
        h = hashlib.blake2b(repr((band, rows)).encode(), digest_size=7).digest()
        keys.append(int.from_bytes(h, "big"))
    return keys


def is_near_duplicate(a: set[int], b: set[int]) -> bool:
    """True when two shingle sets overlap enough to call one a copy of the other."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared / len(a | b) >= JACCARD or shared / min(len(a), len(b)) >= CONTAINMENT
