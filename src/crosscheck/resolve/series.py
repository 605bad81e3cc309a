"""Figure series: one category, counted thing, place and origin, ordered by `as_of`, flagged
where a cumulative count falls or two origins are far apart on the same day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CUMULATIVE", "Point", "falls", "series_points"]

CUMULATIVE = {"killed", "injured", "arrested", "missing", "displaced", "executed", "under_investigation"}


@dataclass(frozen=True, slots=True)
class Point:
    figure: str
    value: float
    as_of: str | None


def series_points(points: Sequence[Point]) -> list[Point]:
    """Points ordered by date, one per (date, value): a syndicated copy adds no point."""
    seen: set[tuple[str | None, float]] = set()
    out = []
    for p in sorted(points, key=lambda p: (p.as_of or "", p.value)):
        if (p.as_of, p.value) in seen:
            continue
        seen.add((p.as_of, p.value))
        out.append(p)
    return out


def falls(category: str, points: Sequence[Point]) -> list[str]:
    """Flags for a cumulative count that drops between two dates."""
    if category not in CUMULATIVE:
        return []
    flags = []
    best: Point | None = None
    for p in points:
        if best is not None and p.as_of != best.as_of and p.value < best.value:
            flags.append(f"falls from {best.value:g} ({best.as_of}) to {p.value:g} ({p.as_of})")
        if best is None or p.value >= best.value:
            best = p
    return flags
