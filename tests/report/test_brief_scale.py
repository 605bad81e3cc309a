"""The brief of a generated story of 200 reports: every section holds at most its limit,
the rest is in the appendix, and the page rendered in headless Chromium stays short."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from story import write_story  # tests/report/story.py

from crosscheck.ledger import Ledger
from crosscheck.report import Limits, gather_brief, write_brief
from crosscheck.report.html import render_html
from helpers import CliResult

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MAX_HEIGHT = 11_000  # px at 1,280 wide; the story measured 8,218 (the brief: over 32,000)

pytestmark = pytest.mark.slow  # building the ledger analyses 200 reports (about 25 s)


@pytest.fixture(scope="module")
def story_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from crosscheck.api import add_sources

    folder = write_story(tmp_path_factory.mktemp("story") / "reports", 200)
    path = folder.parent / "story.db"
    with Ledger.open(path) as ledger:
        assert add_sources(ledger, [str(folder)]).added == 200
    return path


def _counts(b: object) -> dict[str, int]:
    from crosscheck.report.model import Brief

    assert isinstance(b, Brief)
    return {
        "corroborated": len(b.corroborated.items),
        "single_source": len(b.single_source.items),
        "unattributed": len(b.unattributed.items),
        "contested": len(b.contested.items),
        "no_comment": len(b.no_comment.items),
        "figures": sum(len(s.items) for s in b.figures.values()),
        "actors": len(b.actors),
        "timeline": len(b.timeline.items),
        "background": len(b.background.items),
        "sources": b.sources_shown,
        "latest": len(b.latest),
    }


@pytest.mark.parametrize("limit", [8, 3])
def test_brief_scale_sections_hold_at_most_the_limit(story_ledger: Path, limit: int) -> None:
    with Ledger.open(story_ledger, readonly=True) as ledger:
        b = gather_brief(ledger, limits=Limits.per_section(limit))
    counts = _counts(b)
    assert max(counts.values()) <= limit and counts["latest"] <= 5
    assert counts["corroborated"] == limit and counts["figures"] == limit and counts["sources"] == limit
    for sec in (b.corroborated, b.contested, b.timeline, b.background):
        assert len(sec.rest) == sec.more  # what is cut goes to the appendix, counted
    assert b.summary["reports"] == 200 and len(b.sources) == 200
    # ranked: the most independent origins first
    origins = [len(i.origins) + len(i.refuted_by) for i in b.corroborated.items + b.corroborated.rest]
    assert origins == sorted(origins, reverse=True)
    # the timeline keeps to the reports' window; "since 1979" is background
    assert all("2031-03" <= t.start[:7] <= "2031-06" for t in b.timeline.items + b.timeline.rest)
    assert b.background.items and all(t.start < "2031" for t in b.background.items)
    html = render_html(b)
    body, appendix = html.split('<section id="appendix">', 1)
    for ul in re.findall(r'<ul class="clusters">(.*?)</ul>', body, re.S):
        assert ul.count("<li ") <= limit
    assert body.count('<tr id="doc-') == limit and appendix.count('<tr id="doc-') == 200 - limit
    for anchor in re.findall(r'<a href="#(all-[\w-]+)">and \d+ more', body):
        assert f'id="{anchor}"' in appendix  # every "and N more" leads to its full list


def test_brief_scale_cli_limit(cli: Callable[..., CliResult], story_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.md"
    assert cli("--ledger", story_ledger, "brief", "-o", out, "--limit", "4").code == 0
    text = out.read_text(encoding="utf-8")
    main, appendix = text.split("## Appendix: the full lists", 1)
    corroborated = main.split("## What is corroborated", 1)[1].split("## ", 1)[0]
    assert corroborated.count("\n- **corroborated**") == 4
    assert "(#everything-corroborated) in the appendix" in corroborated and "### Everything corroborated" in appendix
    assert "### What changed last" in main and "### Competing figures" in main and "### Background" in main


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_brief_scale_fits_a_bounded_height_in_chromium(story_ledger: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with Ledger.open(story_ledger, readonly=True) as ledger:
        page_file = write_brief(ledger, tmp_path / "brief.html")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_file.as_uri())
            height = page.evaluate("document.documentElement.scrollHeight")
            first = page.evaluate(
                "['what-changed', 'competing-figures'].map(i => document.getElementById(i).getBoundingClientRect().top)"
            )
            closed = page.evaluate("document.getElementById('appendix-lists').open")
            page.goto(page_file.as_uri() + "#all-corroborated")  # an "and N more" link
            opened = page.evaluate("document.getElementById('appendix-lists').open")
        finally:
            browser.close()
    print(f"brief of 200 reports: {height} px high at 1280 px wide")
    assert height <= MAX_HEIGHT, height
    assert all(top < 900 for top in first)  # the first screen holds what changed and the competing figures
    assert closed is False and opened is True  # the appendix is folded, and a link to it opens it
