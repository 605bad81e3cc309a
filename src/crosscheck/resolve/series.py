"""Figure series: one category, counted thing, place and origin, ordered by `as_of`, flagged
where a cumulative count falls or two origins are far apart on the same day. Undated figures
(a report with no publication date and no date in the sentence) come last and are flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["CUMULATIVE", "Point", "counted_key", "falls", "series_points", "undated_flag"]

CUMULATIVE = {"killed", "injured", "arrested", "missing", "displaced", "executed", "under_investigation"}


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    data = yaml.safe_load(resources.files("crosscheck.data").joinpath("series.yaml").read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data.get("generic", []))


def counted_key(what: str) -> str:
    """What a figure counts, reduced to its head word ('' when it only restates the category):
    'confirmed deaths' and 'people' -> '', 'soldiers' -> 'soldier'."""
    words = what.lower().replace("-", " ").split()
    head = words[-1].strip(".,;:'\"") if words else ""
    if head in _generic() or not head.isalpha():
        return ""
    return head[:-1] if head.endswith("s") and not head.endswith("ss") else head


@dataclass(frozen=True, slots=True)
class Point:
    figure: str
    value: float
    as_of: str | None


def series_points(points: Sequence[Point]) -> list[Point]:
    """Points ordered by date, undated ones last, one per (date, value): a syndicated copy adds
    no point."""
    seen: set[tuple[str | None, float]] = set()
    out = []
    for p in sorted(points, key=lambda p: (p.as_of is None, p.as_of or "", p.value)):
        if (p.as_of, p.value) in seen:
            continue
        seen.add((p.as_of, p.value))
        out.append(p)
    return out


def undated_flag(points: Sequence[Point]) -> list[str]:
    """A flag naming the undated points, which are placed last and compared with nothing."""
    n = sum(p.as_of is None for p in points)
    if not n:
        return []
    values = ", ".join(f"{p.value:g}" for p in points if p.as_of is None)
    return [f"undated: {values} ({n} figure{'s' if n > 1 else ''} with no date, placed last)"]


def falls(category: str, points: Sequence[Point]) -> list[str]:
    """Flags for a cumulative count that drops between two dates, and for undated points."""
    flags = undated_flag(points)
    if category not in CUMULATIVE:
        return flags
    best: Point | None = None
    for p in points:
        if p.as_of is None:
            continue
        if best is not None and p.as_of != best.as_of and p.value < best.value:
            flags.append(f"falls from {best.value:g} ({best.as_of}) to {p.value:g} ({p.as_of})")
        if best is None or p.value >= best.value:
            best = p
    return flags
