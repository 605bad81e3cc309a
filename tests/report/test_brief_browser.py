"""The demo brief in headless Chromium: it loads offline, every section is there, charts and
the map are drawn, and no request leaves the machine. Skips when Debian's chromium is absent."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crosscheck.ledger import Ledger
from crosscheck.report import write_brief
from crosscheck.report.html import SECTIONS

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own services (updates, clock, accounts): it tries them whatever the page is, and
# the resolver rule and the closed proxy stop them. The page must add nothing to this list.
BROWSER_HOSTS = re.compile(r"(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com)$")
EXTERNAL = re.compile(r'\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["\']?\s*(?:https?:)?//', re.I)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",  # no way out
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def demo_brief(demo_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "brief.html"
    with Ledger.open(demo_ledger, readonly=True) as ledger:
        return write_brief(ledger, out)


def test_brief_browser_html_has_no_external_resources(demo_brief: Path) -> None:
    html = demo_brief.read_text(encoding="utf-8")
    # reports' own URLs appear only as plain links the reader may click
    plain_links = re.compile(r'<a href="https?://[^"]*" rel="noopener noreferrer nofollow">')
    assert not EXTERNAL.search(plain_links.sub("", html))
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html) and "@import" not in html
    assert "<script" not in html.lower() and "<iframe" not in html.lower()


def test_brief_browser_renders_offline(demo_brief: Path, tmp_path: Path) -> None:
    netlog = tmp_path / "net.json"
    run = _chromium(tmp_path, f"--log-net-log={netlog}", "--dump-dom", demo_brief.as_uri())
    dom = run.stdout
    assert run.returncode == 0 and "<body>" in dom and dom.rstrip().endswith("</html>"), run.stderr[-2000:]
    for anchor, title in SECTIONS:
        assert re.search(rf'<section id="{anchor}"><h2>{re.escape(title)}</h2>', dom), title

    def figure(fid: str) -> str:
        m = re.search(rf'<figure class="chart" id="{fid}">(.*?)</figure>', dom, re.S)
        assert m, f"figure {fid} missing"
        return m.group(1)

    assert figure("series0").count('aria-roledescription="line mark"') >= 1
    assert figure("series0").count('aria-roledescription="point"') >= 2
    assert figure("competing0").count('aria-roledescription="bar"') >= 2
    world = figure("map")
    assert 'aria-roledescription="shape mark container"><path' in world
    assert world.count('aria-roledescription="circle"') >= 3
    graph = figure("graph")
    assert graph.count("<circle") >= 3 and graph.count("<line") >= 2
    assert figure("timeline-chart").count('aria-roledescription="point"') >= 2

    urls = {e.get("params", {}).get("url", "") for e in json.loads(netlog.read_text())["events"]}
    hosts = {urlsplit(u).hostname or "" for u in urls if u.startswith(("http:", "https:", "ws:", "wss:"))}
    assert {h for h in hosts if not BROWSER_HOSTS.search(h)} == set()


def test_brief_browser_screenshot(demo_brief: Path, tmp_path: Path) -> None:
    shot = tmp_path / "brief.png"
    run = _chromium(tmp_path, "--window-size=1100,1600", f"--screenshot={shot}", demo_brief.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a drawn page, not a blank one
