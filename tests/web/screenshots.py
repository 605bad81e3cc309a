"""Screenshots of the web app for the docs, taken in headless Chromium.

    PYTHONPATH=src python tests/web/screenshots.py --ledger /tmp/w.db --out docs/

Writes web-overview.png, web-cluster.png (the cluster with most origins) and
web-document.png (the document with most claims).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from web_helpers import LiveServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--out", default="docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from crosscheck.web.app import create_app

    copy = Path(tempfile.mkdtemp()) / "ledger.db"
    shutil.copy(args.ledger, copy)
    out = Path(args.out)
    app = create_app(copy, analyse=False)
    with LiveServer(app) as server, sync_playwright() as pw:
        import httpx

        clusters = httpx.get(f"{server.url}/api/clusters").json()
        docs = httpx.get(f"{server.url}/api/documents").json()
        best = max(docs, key=lambda d: len(httpx.get(f"{server.url}/api/claims", params={"doc": d["id"]}).json()))
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, path in (
            ("overview", "/"),
            ("cluster", f"/clusters/{clusters[0]['id']}"),
            ("document", f"/documents/{best['id']}"),
        ):
            page.goto(server.url + path)
            page.screenshot(path=str(out / f"web-{name}.png"), full_page=False)
        browser.close()
    app.state.jobs.shutdown()


if __name__ == "__main__":
    main()
