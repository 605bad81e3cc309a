"""The brief's series charts: undated figures cannot be drawn, so the caption counts them."""

from __future__ import annotations

from crosscheck.report.brief import _series
from crosscheck.report.html import undated_note


def test_brief_series_counts_undated_figures() -> None:
    series = [
        {
            "category": "killed",
            "what": "people",
            "source": "Health Ministry",
            "place": None,
            "points": [
                {"value": 12.0, "as_of": "2031-04-20", "figure": "f1"},
                {"value": 30.0, "as_of": "2031-04-22", "figure": "f2"},
                {"value": 25.0, "as_of": None, "figure": "f3"},
            ],
        }
    ]
    figs = {f: {"what": "people", "qualifier": None} for f in ("f1", "f2", "f3")}
    out = _series(series, figs, {"f1", "f2", "f3"}, lambda f: 1, cap=3)
    assert [p["value"] for p in out[0]["points"]] == [12.0, 30.0]
    assert out[0]["undated"] == 1
    assert undated_note(out[0]) == " 1 undated figure (no publication date) not shown."
    assert undated_note({"undated": 0}) == ""
