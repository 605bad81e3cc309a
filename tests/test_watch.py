"""`crosscheck watch` end to end on loopback: a feed whose items change between polls, a
failing feed beside it, `--notify`, and Ctrl-C followed by a resume that adds nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crosscheck.errors import InputError
from crosscheck.watch import parse_every, run_notify
from helpers import CliResult, LoopbackServer, ledger_rows

SRC = Path(__file__).resolve().parents[1] / "src"
RSS = "application/rss+xml"


def _item(n: int, date: str, text: str) -> str:
    return (
        f"<item><title>Report {n}</title><link>https://news.example/{n}</link><guid>n{n}</guid>"
        f"<pubDate>{date}</pubDate><description>{text}</description></item>"
    )


ITEMS = [
    _item(
        1,
        "Mon, 02 Mar 2031 08:00:00 GMT",
        "Floodwaters swept through Eastmere. At least 40 people have been killed, the Norvanian Red Cross said "
        "on Monday. Residents said the dam at Eastmere failed before dawn.",
    ),
    _item(
        2,
        "Wed, 04 Mar 2031 08:00:00 GMT",
        "At least 55 people have been killed in the floods, the Interior Ministry said on Wednesday. Engineers "
        "said the dam at Eastmere failed before dawn.",
    ),
    _item(3, "Thu, 05 Mar 2031 08:00:00 GMT", "The Interior Ministry denied that the dam at Eastmere failed."),
]


def _feed(count: int) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Norvania Wire</title><language>en</language>'
        + "".join(ITEMS[:count])
        + "</channel></rss>"
    )


def _changes(result: CliResult) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.out.splitlines() if line.startswith("{")]


def test_watch_adds_new_items_and_prints_changes(
    cli: Callable[..., CliResult], server: LoopbackServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    url = server.route("/feed.xml", _feed(1), Content_Type=RSS)
    sink = tmp_path / "notified.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(f"import sys\nopen({str(sink)!r}, 'a').write(sys.stdin.read() + '\\n')\n", encoding="utf-8")
    notify = f"{sys.executable} {hook}"
    args = ("--ledger", db, "watch", url, "--once", "--allow-private", "--json", "--notify", notify)

    first = cli(*args)
    assert first.code == 0, first.err
    assert "added 1" in first.err and ledger_rows(db, "SELECT count(*) FROM documents") == [1]

    server.route("/feed.xml", _feed(2), Content_Type=RSS)  # a new item: a second source for the dam, a toll
    second = _changes(cli(*args))
    assert {"kind": "status", "before": "single_source", "after": "corroborated"}.items() <= next(
        c for c in second if c["kind"] == "status"
    ).items()
    figure = next(c for c in second if c["kind"] == "figure")
    assert figure["value"] == 55 and figure["origin"] == "Interior Ministry"
    assert figure["others"] == {"Norvanian Red Cross": [40.0]}
    assert any(c["kind"] == "origin" and "Engineers" in str(c["origin"]) for c in second)

    server.route("/feed.xml", _feed(3), Content_Type=RSS)  # a denial
    third = _changes(cli(*args))
    assert [(c["before"], c["after"]) for c in third if c["kind"] == "status"] == [("corroborated", "contested")]

    notified = [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines() if line]
    assert len(notified) == len(second) + len(third) and notified[-1]["after"] == "contested"
    assert ledger_rows(db, "SELECT count(*) FROM documents") == [3]
    assert ledger_rows(db, "SELECT added FROM watch_feeds") == [3]


def test_watch_failing_feeds_leave_the_others_working(
    cli: Callable[..., CliResult], server: LoopbackServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    good = server.route("/feed.xml", _feed(2), Content_Type=RSS)
    broken = server.route("/broken.xml", "server error", status=500)
    refused = "http://127.0.0.1:1/feed.xml"  # nothing listens on port 1
    result = cli("--ledger", db, "watch", broken, refused, good, "--once", "--allow-private")
    assert result.code == 0, result.err
    assert "HTTP 500" in result.err and "Connection refused" in result.err and "added 2" in result.err
    assert ledger_rows(db, "SELECT count(*) FROM documents") == [2]
    state = dict(
        zip(
            ledger_rows(db, "SELECT source FROM watch_feeds ORDER BY source"),
            ledger_rows(db, "SELECT failures FROM watch_feeds ORDER BY source"),
            strict=True,
        )
    )
    assert state == {broken: 1, refused: 1, good: 0}
    retry = ledger_rows(db, f"SELECT next_at FROM watch_feeds WHERE source = '{broken}'")[0]
    assert retry and retry > ledger_rows(db, "SELECT max(added_at) FROM documents")[0]  # backed off
    # the next round skips the failing feeds until their retry time, and still reads the good one
    server.route("/feed.xml", _feed(3), Content_Type=RSS)
    again = cli("--ledger", db, "watch", broken, refused, good, "--once", "--allow-private")
    assert again.code == 0 and "added 1" in again.err and server.hits.count("/broken.xml") == 1


def test_watch_refuses_loopback_without_allow_private(
    cli: Callable[..., CliResult], server: LoopbackServer, tmp_path: Path
) -> None:
    url = server.route("/feed.xml", _feed(1), Content_Type=RSS)
    result = cli("--ledger", tmp_path / "w.db", "watch", url, "--once")
    assert result.code == 0 and "loopback" in result.err and not server.hits  # the same guard as `add`


@pytest.mark.slow
def test_watch_ctrl_c_then_resume_adds_nothing_twice(
    cli: Callable[..., CliResult], server: LoopbackServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.db"
    url = server.route("/feed.xml", _feed(2), Content_Type=RSS)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    cmd = [sys.executable, "-m", "crosscheck", "--ledger", str(db), "watch", url, "--every", "1s", "--allow-private"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while server.hits.count("/feed.xml") < 2 and time.monotonic() < deadline:  # two polls done
            time.sleep(0.2)
        assert server.hits.count("/feed.xml") >= 2
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopping" in err and "Traceback" not in err
    assert ledger_rows(db, "SELECT count(*) FROM documents") == [2]
    resumed = cli("--ledger", db, "watch", url, "--once", "--allow-private")
    assert resumed.code == 0 and "added 0, duplicates 2" in resumed.err
    assert ledger_rows(db, "SELECT count(*) FROM documents") == [2]


def test_watch_every_and_notify_guards(tmp_path: Path) -> None:
    assert parse_every("15m") == 900 and parse_every("30s") == 30 and parse_every("2h") == 7200
    for bad in ("soon", "0s", "-5m", "99d"):
        with pytest.raises(InputError):
            parse_every(bad)
    marker = tmp_path / "pwned"
    # argv is split, never given to a shell: `;` and `>` are plain arguments to echo
    assert run_notify(f"echo hi ; touch {marker} > {marker}", {"kind": "status"}) is None
    assert not marker.exists()
    assert "exit code 1" in (run_notify("false", {}) or "")
    assert run_notify("/no/such/notifier", {}) is not None
    assert run_notify("'unbalanced", {}) is not None


def test_cli_watch_bad_interval(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("--ledger", tmp_path / "w.db", "watch", "http://127.0.0.1:1/x", "--every", "soon")
    assert result.code == 2 and "not an interval" in result.err
