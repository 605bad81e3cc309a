"""Figure series: undated figures come last and are flagged; a fall is read between dated points."""

from __future__ import annotations

from crosscheck.resolve.series import Point, falls, series_points


def test_series_undated_points_come_last() -> None:
    pts = [Point("a", 40, None), Point("b", 12, "2026-01-03"), Point("c", 30, "2026-01-05")]
    assert [p.figure for p in series_points(pts)] == ["b", "c", "a"]


def test_series_undated_points_are_flagged_and_never_a_fall() -> None:
    pts = series_points([Point("a", 5, None), Point("b", 12, "2026-01-03"), Point("c", 30, "2026-01-05")])
    flags = falls("killed", pts)
    assert len(flags) == 1 and flags[0].startswith("undated: 5 ")
    assert not any("falls" in f for f in flags)


def test_series_dated_fall_still_flagged() -> None:
    pts = series_points([Point("b", 30, "2026-01-03"), Point("c", 12, "2026-01-05")])
    assert falls("killed", pts) == ["falls from 30 (2026-01-03) to 12 (2026-01-05)"]
