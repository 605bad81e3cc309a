"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): add a
report through the form, see its claims, open a cluster, merge two entities and undo, search,
and a hostile report that must not run anything."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import LiveServer

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

REPORT = """---
title: Dam inspectors return to the Ebro
outlet: River Ledger
published: 2025-03-06
---
Engineers said on Wednesday that the Mequinenza dam had held through the floods. The regional civil protection agency said that 19 people were killed in Zaragoza province, and the Red Cross said about 2,000 people were displaced.
"""

HOSTILE = """The harbour master said <script>window.__pwned = 1; alert('x')</script> four ferries were cancelled.
Witnesses said <img src=x onerror="window.__pwned = 2"> the quay was damaged. <a href="javascript:window.__pwned=3">Click</a>.
"""


@pytest.fixture
def browser_page(ledger_path: Path) -> Iterator[tuple[Any, str]]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from crosscheck.web.app import create_app

    app = create_app(ledger_path, analyse=True)
    with LiveServer(app) as server, playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        try:
            yield page, server.url
        finally:
            browser.close()
            app.state.jobs.shutdown()


def add_through_form(page: Any, url: str, text: str) -> None:
    page.goto(f"{url}/add")
    page.fill("textarea[name=text]", text)
    page.click("#add-form button[type=submit]")
    page.wait_for_selector("#job-state.done, #job-state.failed", timeout=60_000)
    assert page.inner_text("#job-state") == "done"


def test_web_e2e_add_browse_correct_search(browser_page: tuple[Any, str]) -> None:
    page, url = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    add_through_form(page, url, REPORT)
    page.click("#job-docs a")
    page.wait_for_selector("article.doctext")
    assert "Dam inspectors return to the Ebro" in page.inner_text("h1")
    assert page.locator("article.doctext .hl.claim").count() >= 2
    assert page.locator("article.doctext a.hl.entity").count() >= 1
    page.locator("article.doctext a.claim-link").first.click()
    page.wait_for_selector("blockquote.sentence")
    assert page.locator("blockquote.sentence mark.content").count() == 1

    page.goto(f"{url}/clusters")
    page.locator("table.board a").first.click()
    page.wait_for_selector("h1.proposition")
    assert page.locator("table.claims tr").count() >= 2
    assert page.locator("ol.origins > li").count() >= 1

    page.goto(f"{url}/entities")
    # two different actors (the reports name "Zaragoza" as a place everywhere: one actor)
    links = page.locator("table a[href*='/entities/']")
    actors = links.count()
    assert actors >= 2
    other = links.nth(1).get_attribute("href").rsplit("/", 1)[1]
    links.nth(0).click()
    page.fill("#merge-entity input[name=b]", other)
    page.click("#merge-entity button[type=submit]")
    page.wait_for_selector(".flash")
    assert "into one actor" in page.inner_text(".flash")
    page.goto(f"{url}/entities")
    assert page.locator("table a[href*='/entities/']").count() == actors - 1
    page.go_back()
    page.click("#undo-flash") if page.locator("#undo-flash").count() else page.goto(f"{url}/changes")
    if "/changes" in page.url:
        page.locator("#judgements button", has_text="Undo").first.click()
    page.wait_for_selector(".flash")
    assert "undid entity same" in page.inner_text(".flash")
    page.goto(f"{url}/entities")
    assert page.locator("table a[href*='/entities/']").count() == actors

    page.fill("header input[name=q]", "Mequinenza")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector("#doc-results")
    assert "Dam inspectors return to the Ebro" in page.inner_text("#doc-results")
    assert page.locator("#claim-results tr").count() >= 2
    assert dialogs == []


def test_web_e2e_hostile_report_is_inert(browser_page: tuple[Any, str]) -> None:
    page, url = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    add_through_form(page, url, HOSTILE)
    page.click("#job-docs a")
    page.wait_for_selector("article.doctext")
    text = page.inner_text("article.doctext").replace("¶", "")
    assert "<script>window.__pwned = 1; alert('x')</script>" in text
    assert '<img src=x onerror="window.__pwned = 2">' in text
    assert page.locator("article.doctext script, article.doctext img").count() == 0
    page.goto(f"{url}/search?q=harbour")
    page.wait_for_selector("#doc-results")
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
