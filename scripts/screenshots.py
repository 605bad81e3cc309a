#!/usr/bin/env python3
"""The screenshots in docs/, taken in headless Chromium (the one the browser tests use).

    PYTHONPATH=src python scripts/screenshots.py --ledger /tmp/story.db [--out docs]

Writes, from the ledger given (use a story of 25 reports or more):
  brief.png          the brief's first screen (summary, what changed, competing figures)
  brief-map.png      the brief's places map, fitted to the story's region
  web-overview.png   the web app's overview
  web-cluster.png    the statement with most origins
  web-document.png   the report with most claims
  web-places.png     the web app's places page and its map (the same projection as the brief's)

The ledger is copied first, so it is never changed. Needs playwright (Python) and Debian's
chromium at /usr/bin/chromium (or `chromium` on PATH).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from crosscheck.ledger import Ledger
from crosscheck.report import write_brief
from crosscheck.web.app import create_app

WIDTH = 1280
HEIGHT = 900
BRIEF_SIZE = {"width": 1100, "height": 1500}


class Server:
    """uvicorn serving `app` on 127.0.0.1 in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        end = time.monotonic() + 20
        while not self.server.started and time.monotonic() < end:
            time.sleep(0.05)
        if not self.server.started:
            raise SystemExit("screenshots: the web app did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _brief(browser: Any, ledger: Path, out: Path, scratch: Path) -> None:
    with Ledger.open(ledger, readonly=True) as led:
        html = write_brief(led, scratch / "brief.html")
    page = browser.new_page(viewport=BRIEF_SIZE)
    page.goto(html.as_uri())
    page.screenshot(path=str(out / "brief.png"))
    page.locator("#map").screenshot(path=str(out / "brief-map.png"))
    page.close()


def _web(browser: Any, ledger: Path, out: Path) -> None:
    app = create_app(ledger, analyse=False)
    try:
        with Server(app) as server:
            clusters = httpx.get(f"{server.url}/api/clusters").json()
            docs = httpx.get(f"{server.url}/api/documents").json()
            best = max(docs, key=lambda d: len(httpx.get(f"{server.url}/api/claims", params={"doc": d["id"]}).json()))
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            for name, path in (
                ("overview", "/"),
                ("cluster", f"/clusters/{clusters[0]['id']}"),
                ("document", f"/documents/{best['id']}"),
                ("places", "/places"),
            ):
                page.goto(server.url + path)
                page.screenshot(path=str(out / f"web-{name}.png"))
            page.close()
    finally:
        app.state.jobs.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ledger", required=True, type=Path)
    parser.add_argument("--out", default=Path("docs"), type=Path)
    args = parser.parse_args()
    if not args.ledger.exists():
        raise SystemExit(f"screenshots: {args.ledger}: no such ledger")
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        copy = scratch / "ledger.db"
        with Ledger.open(args.ledger, readonly=True) as led:  # a consistent copy, WAL included
            led.conn.execute("VACUUM INTO ?", (str(copy),))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                _brief(browser, copy, args.out, scratch)
                _web(browser, copy, args.out)
            finally:
                browser.close()
    for png in sorted(args.out.glob("*.png")):
        print(f"{png}: {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
