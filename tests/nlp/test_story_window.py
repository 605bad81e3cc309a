"""The story's window: background dates lie outside the reports' span with its margins."""

from __future__ import annotations

import io
import json
from pathlib import Path

from crosscheck.api import add_sources
from crosscheck.export.json import write_json
from crosscheck.ledger import Ledger
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


def test_json_export_marks_background_dates(tmp_path: Path) -> None:
    """The ledger export carries the mark: a claim about 1979 in a 2026 report is background,
    one about the day before the report is not."""
    report = tmp_path / "r.txt"
    report.write_text(
        "The ministry said on 2 March 2026 that 40 people were killed in the town.\n\n"
        "The group said in 1979 that the dam was built without consent.\n",
        encoding="utf-8",
    )
    report.with_name("r.meta.json").write_text(
        '{"outlet": "Example Wire", "published": "2026-03-03"}', encoding="utf-8"
    )
    with Ledger.open(tmp_path / "l.db") as ledger:
        add_sources(ledger, [str(report)])
        out = io.StringIO()
        write_json(ledger, out)
    whens = {c["when"]["start"][:4]: c["when"]["background"] for c in json.loads(out.getvalue())["claims"] if c["when"]}
    assert whens.get("1979") is True
    assert whens.get("2026") is False
