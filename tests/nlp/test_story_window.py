"""The story's window: background dates lie outside the reports' span with its margins."""

from __future__ import annotations

from crosscheck.nlp.timex import is_background, story_window


def test_window_spans_publication_dates_with_margins() -> None:
    assert story_window(["2026-01-20", None, "2026-01-10T08:00:00", ""]) == ("2025-12-11", "2026-01-27")
    assert story_window([None, "not a date"]) is None


def test_background_dates_are_outside_the_window() -> None:
    window = story_window(["2026-01-10", "2026-01-20"])
    assert is_background("1979-01-01", window)  # "since 1979"
    assert is_background("2015-01-01", window)  # "in 2015"
    assert not is_background("2026-01-08", window)  # two days before the first report
    assert not is_background("2026-01-24", window)
    assert not is_background(None, window)
    assert not is_background("1979-01-01", None)  # no dated report: nothing can be called background
