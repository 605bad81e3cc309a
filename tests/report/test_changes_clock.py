"""`changes --since` reads the story's time: reports added out of order (an old report added
last) do not make old news look recent; `--by added` still reads ingest time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crosscheck import queries
from crosscheck.ledger import Ledger
from helpers import CliResult

OLD = """---
outlet: Archive Gazette
title: Old floods
published: 2019-05-01
language: en
---

The Norvanian Army said the bridge at Eastmere collapsed. Engineers said the dam at Eastmere failed before dawn.
"""


@pytest.fixture(scope="module")
def late_ledger(tmp_path_factory: pytest.TempPathFactory, flood_reports: dict[str, str]) -> tuple[Path, str]:
    """The flood story with a report from 2019 added last; returns the ledger and its id."""
    from crosscheck.api import add_sources
    from crosscheck.ingest import IngestOptions

    folder = tmp_path_factory.mktemp("late")
    path = folder / "late.db"
    with Ledger.open(path) as ledger:
        for name, text in flood_reports.items():
            (folder / name).write_text(text, encoding="utf-8")
            add_sources(ledger, [str(folder / name)], IngestOptions())
        (folder / "old.md").write_text(OLD, encoding="utf-8")
        old = add_sources(ledger, [str(folder / "old.md")], IngestOptions()).docs[0]
    return path, old


def test_changes_by_publication_ignores_old_report_added_last(late_ledger: tuple[Path, str]) -> None:
    path, old = late_ledger
    with Ledger.open(path, readonly=True) as ledger:
        added = queries.changes_since(ledger, "1d", every=True, by="added")
        published = queries.changes_since(ledger, "2031-03-01", every=True)
        since_2019 = queries.changes_since(ledger, "2019-01-01", every=True)
    assert added["by"] == "added" and published["by"] == "published"
    # by ingest time the old report's statement is "recent"; by publication it is not
    assert any(s["doc"] == old for s in added["statuses"])
    assert published["statuses"] and not any(s["doc"] == old for s in published["statuses"])
    assert all(s["published"] >= "2031-03-01" for s in published["statuses"])
    assert any(s["doc"] == old for s in since_2019["statuses"])
    # figures that moved follow the same clock
    assert {f["doc"] for f in published["figures"]} <= {s["doc"] for s in since_2019["statuses"]} | {
        f["doc"] for f in added["figures"]
    }


def test_changes_rejects_unknown_clock(late_ledger: tuple[Path, str]) -> None:
    with Ledger.open(late_ledger[0], readonly=True) as ledger, pytest.raises(queries.NotFound):
        queries.changes_since(ledger, "1d", by="moon")


def test_cli_changes_by(cli: Callable[..., CliResult], late_ledger: tuple[Path, str]) -> None:
    path, old = late_ledger
    pub = cli("--ledger", path, "changes", "--since", "2031-03-01", "--all", "--json")
    assert pub.code == 0 and not any(s["doc"] == old for s in json.loads(pub.out)["statuses"])
    added = cli("--ledger", path, "changes", "--since", "1d", "--all", "--by", "added", "--json")
    assert added.code == 0 and any(s["doc"] == old for s in json.loads(added.out)["statuses"])
    assert "reports added since" in cli("--ledger", path, "changes", "--since", "1d", "--by", "added").err
    assert "reports published since" in cli("--ledger", path, "changes", "--since", "1d").err
    assert cli("--ledger", path, "changes", "--by", "moon").code == 4


def _app(late_ledger: tuple[Path, str], tmp_path: Path) -> Any:
    """The web app over a copy of the late ledger."""
    import shutil

    from crosscheck.web.app import create_app

    path = tmp_path / "copy.db"
    shutil.copy(late_ledger[0], path)
    for suffix in ("-wal", "-shm"):
        if Path(str(late_ledger[0]) + suffix).exists():
            shutil.copy(str(late_ledger[0]) + suffix, str(path) + suffix)
    return create_app(path)


def test_web_changes_page_says_its_clock(late_ledger: tuple[Path, str], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app = _app(late_ledger, tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        pub = client.get("/changes", params={"since": "2031-03-01"}).text
        added = client.get("/changes", params={"since": "1d", "by": "added"}).text
        app.state.jobs.shutdown()
    assert "were published" in pub and "Norvanian Army" not in pub
    assert "ingest time" in added and "Norvanian Army" in added


def test_web_api_changes_by_matches_the_cli(late_ledger: tuple[Path, str], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app = _app(late_ledger, tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        default = client.get("/api/changes", params={"since": "2031-03-01", "every": True}).json()
        pub = client.get("/api/changes", params={"since": "2031-03-01", "every": True, "by": "published"}).json()
        added = client.get("/api/changes", params={"since": "1d", "every": True, "by": "added"}).json()
        bad = client.get("/api/changes", params={"by": "moon"})
        app.state.jobs.shutdown()
    with Ledger.open(late_ledger[0], readonly=True) as ledger:
        cli_pub = queries.changes_since(ledger, "2031-03-01", every=True, by="published")
        cli_added = queries.changes_since(ledger, "1d", every=True, by="added")
    assert default == pub and pub["by"] == "published" and added["by"] == "added"
    assert [s["cluster"] for s in pub["statuses"]] == [s["cluster"] for s in cli_pub["statuses"]]
    assert [s["cluster"] for s in added["statuses"]] == [s["cluster"] for s in cli_added["statuses"]]
    # the old report added last is news only by ingest time
    assert not any("Norvanian Army" in (s["proposition"] or "") for s in pub["statuses"])
    assert any("Norvanian Army" in (s["proposition"] or "") for s in added["statuses"])
    assert bad.status_code == 422


def test_brief_what_changed_reads_publication_time(late_ledger: tuple[Path, str]) -> None:
    from crosscheck.report import gather_brief
    from crosscheck.report.html import render_html

    with Ledger.open(late_ledger[0], readonly=True) as ledger:
        b = gather_brief(ledger)
    assert b.latest and b.clock == "published"
    assert [x["when"] for x in b.latest] == sorted((x["when"] for x in b.latest), reverse=True)
    assert b.latest[0]["when"] == "2031-03-05"  # the newest report, not the old one added last
    assert not any("Norvanian Army" in x["proposition"] for x in b.latest[:3])
    html = render_html(b)
    assert "By the publication date of the report behind each change." in html
