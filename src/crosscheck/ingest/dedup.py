"""Near-duplicate detection: MinHash over word shingles, banded for candidate lookup.

A syndicated copy (a new headline, an added paragraph) shares most of its five-word
shingles with the original. Candidates come from matching LSH bands stored in the ledger;
each is then confirmed on the texts themselves (Jaccard, or containment of the shorter).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

__all__ = ["BANDS", "band_keys", "is_near_duplicate", "shingles", "signature"]

SHINGLE = 5
PERMUTATIONS = 64
BANDS = 16
_ROWS = PERMUTATIONS // BANDS
_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
# Fixed coefficients so signatures are comparable across runs and machines.
_COEFFS = [
    (int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:8], "big") % _PRIME | 1,
     int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big") % _PRIME)
    for i in range(PERMUTATIONS)
]
_WORD = re.compile(r"\w+")
JACCARD = 0.5
CONTAINMENT = 0.8


def shingles(text: str) -> set[int]:
    """Hashes of the text's overlapping five-word windows (lower-cased words)."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        words = words + [""] * (SHINGLE - len(words))
    out = set()
    for i in range(len(words) - SHINGLE + 1):
        h = hashlib.blake2b(" ".join(words[i : i + SHINGLE]).encode(), digest_size=8).digest()
        out.add(int.from_bytes(h, "big"))
    return out


def signature(items: Iterable[int]) -> list[int]:
    """The MinHash signature of a set of shingle hashes."""
    values = list(items) or [0]
    return [min((a * x + b) % _PRIME for x in values) & _MASK for a, b in _COEFFS]


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
