"""Issue 14: inputs that used to abort a run, hang it, or slip through unchecked. Each bad item
gives one line naming it (unprintable characters escaped), and the good items are stored."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import CliResult, ledger_rows

GOOD = (
    "Flood waters rose overnight in the river town of Velmora, forcing about 300 families "
    "from their homes, the regional emergency service said on Tuesday."
)
OTHER = (
    "A magnitude 5.8 earthquake shook the mountain province of Karsal early on Wednesday, "
    "damaging dozens of houses, according to the national seismology institute."
)


@pytest.fixture
def run(tmp_path: Path, cli: Any) -> Any:
    """`crosscheck add --no-analyse SOURCES...` on a fresh ledger in tmp_path."""

    def add(*sources: object, analyse: bool = False) -> CliResult:
        flag = () if analyse else ("--no-analyse",)
        return cli("--ledger", tmp_path / "l.db", "add", *flag, *sources)

    return add


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging the suite) if the test blocks for 20 s."""

    def timeout(*_: object) -> None:
        raise TimeoutError("blocked for 20 s")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def origins(tmp_path: Path) -> list[str]:
    return ledger_rows(tmp_path / "l.db")


def clean(tmp_path: Path, cli: Any) -> None:
    result = cli("--ledger", tmp_path / "l.db", "check")
    assert result.code == 0 and result.out.strip() == "ok", result


def lines(result: CliResult, prefix: str) -> list[str]:
    return [line for line in result.error_lines() if line.startswith(prefix)]


# -- lone surrogates and names that are not UTF-8 ---------------------------------------------


def test_issue14_jsonl_lone_surrogate_is_one_bad_item(tmp_path: Path, run: Any, cli: Any) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"text": GOOD, "id": "a"})
        + "\n"
        + '{"text": "bad \\ud800 text", "id": "b"}\n'
        + '{"text": "fine text", "title": "lone \\udfff in a title", "id": "c\\ud801"}\n'
        + json.dumps({"text": OTHER, "id": "d"})
        + "\n",
        encoding="utf-8",
    )
    result = run(batch)
    assert result.code == 1, result
    errors = lines(result, "error:")
    assert len(errors) == 1, result.err
    assert f"{batch}#b" in errors[0] and "\\ud800" in errors[0] and "lone surrogate" in errors[0]
    warnings = lines(result, "warning:")
    assert len(warnings) == 1 and "#c\\ud801" in warnings[0] and "'title'" in warnings[0], result.err
    assert "Traceback" not in result.err
    assert origins(tmp_path) == [f"{batch}#a", f"{batch}#c\\ud801", f"{batch}#d"]
    assert "added 3" in result.out and "failed 1" in result.out and "warnings 1" in result.out
    clean(tmp_path, cli)


def test_issue14_file_name_not_utf8_is_stored_under_an_escaped_name(tmp_path: Path, run: Any, cli: Any) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(OTHER.encode())
    with open(os.fsencode(folder) + b"/bin\xff.txt", "wb") as fh:
        fh.write(bytes(range(256)) * 4)
    result = run(folder)
    assert result.code == 1, result
    errors = lines(result, "error:")
    assert len(errors) == 1 and "inbox/bin\\xff.txt" in errors[0] and "binary" in errors[0], result.err
    assert sorted(origins(tmp_path)) == ["inbox/caf\\xe9.txt", "inbox/good.txt"]
    # Named on the command line (Python keeps the byte as a surrogate in argv).
    again = run(os.fsdecode(raw))
    assert again.code == 0 and "duplicates 1" in again.out, again
    clean(tmp_path, cli)


def test_issue14_control_characters_in_a_record_id_are_escaped(tmp_path: Path, run: Any) -> None:
    batch = tmp_path / "ids.jsonl"
    batch.write_text(json.dumps({"text": GOOD, "id": "x\x1b]0;owned\x07\u202ey"}) + "\n", encoding="utf-8")
    assert run(batch).code == 0
    assert origins(tmp_path) == [f"{batch}#x\\x1b]0;owned\\x07\\u202ey"]


def test_issue14_control_characters_are_not_stored_in_text(tmp_path: Path, run: Any, cli: Any) -> None:
    batch = tmp_path / "nul.jsonl"
    batch.write_text(json.dumps({"text": "\x00\x01" + GOOD + "\x7f\x9b"}) + "\n", encoding="utf-8")
    assert run(batch).code == 0
    assert ledger_rows(tmp_path / "l.db", "SELECT text FROM documents") == [GOOD]
    clean(tmp_path, cli)


# -- special files ------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_issue14_fifo_argument_refused_without_blocking(tmp_path: Path, run: Any, alarm: None) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    for name in ("pipe.txt", "pipe"):
        os.mkfifo(tmp_path / name)
    result = run(good, tmp_path / "pipe.txt", tmp_path / "pipe")
    assert result.code == 1, result
    errors = lines(result, "error:")
    assert len(errors) == 2, result.err
    assert all("not a regular file (a FIFO)" in line for line in errors), errors
    assert origins(tmp_path) == [str(good)]
    assert "failed 2" in result.out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_issue14_folder_counts_and_reports_what_it_cannot_read(
    tmp_path: Path, run: Any, alarm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inbox"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "hidden.txt").write_text(OTHER, encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(20))
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop").symlink_to(folder)
    # A folder that cannot be listed (chmod 000 does not stop root, so refuse it here).
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) == folder / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run(folder)
    assert result.code == 0, result
    skipped = lines(result, "skipped:")
    assert sorted(skipped) == [
        "skipped: inbox/gone.txt: dangling symbolic link",
        "skipped: inbox/locked: folder cannot be listed (Permission denied)",
        "skipped: inbox/loop: symbolic link to a folder, not followed",
        "skipped: inbox/pipe.txt: not a regular file (a FIFO)",
    ], result.err
    assert origins(tmp_path) == ["inbox/good.txt"]
    assert "skipped 5" in result.out  # the four above and the photo


# -- metadata validation --------------------------------------------------------------------------


def test_issue14_sidecar_values_of_the_wrong_type_dropped_with_a_warning(tmp_path: Path, run: Any) -> None:
    report = tmp_path / "story.txt"
    report.write_text(GOOD, encoding="utf-8")
    sidecar = {"outlet": ["Wire", "Daily"], "title": 7, "author": {"name": "x"}, "url": "https://n.example/1"}
    (tmp_path / "story.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    result = run(report)
    assert result.code == 0, result
    warnings = lines(result, "warning:")
    assert warnings == [
        f"warning: {report}: sidecar story.meta.json: field 'outlet' is a list, not a string; stored without it",
        f"warning: {report}: sidecar story.meta.json: field 'title' is a number, not a string; stored without it",
        f"warning: {report}: sidecar story.meta.json: field 'author' is an object, not a string; stored without it",
    ], result.err
    row = ledger_rows(tmp_path / "l.db", "SELECT json_array(outlet, title, author, url) FROM documents")
    assert json.loads(row[0]) == [None, GOOD.split("\n")[0][:300], None, "https://n.example/1"]


@pytest.mark.parametrize("value", ["9999-99-99", "2026-02-31", "2026-04-31T10:00:00", "2026-01-01T25:00"])
def test_issue14_impossible_dates_dropped_with_a_warning(tmp_path: Path, run: Any, value: str) -> None:
    report = tmp_path / "story.txt"
    report.write_text(GOOD, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(json.dumps({"published": value, "outlet": "Wire"}), encoding="utf-8")
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"text": OTHER, "published": value}) + "\n", encoding="utf-8")
    result = run(report, batch)
    assert result.code == 0, result
    warnings = lines(result, "warning:")
    assert warnings == [
        f"warning: {report}: sidecar story.meta.json: field 'published' {value!r} is not a valid date; stored "
        "without it",
        f"warning: {batch}#line-1: field 'published' {value!r} is not a valid date; stored without it",
    ], result.err
    assert ledger_rows(tmp_path / "l.db", "SELECT json_array(outlet, published) FROM documents ORDER BY rowid") == [
        '["Wire",null]',
        "[null,null]",
    ]


def test_issue14_possible_dates_kept_and_the_command_line_date_checked(tmp_path: Path, run: Any) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        json.dumps({"text": GOOD, "published": "2024-02-29"}) + "\n" + json.dumps({"text": OTHER}) + "\n",
        encoding="utf-8",
    )
    result = run(batch)
    assert result.code == 0 and not lines(result, "warning:"), result
    assert ledger_rows(tmp_path / "l.db", "SELECT published FROM documents ORDER BY rowid") == ["2024-02-29", None]
    report = tmp_path / "story.txt"
    report.write_text("A third report, about the harbour strike.", encoding="utf-8")
    result = run(report, "--published", "2026-02-31")
    assert lines(result, "warning:") == [
        f"warning: {report}: field 'published' '2026-02-31' is not a valid date; stored without it"
    ], result.err


# -- feeds and deep pages -----------------------------------------------------------------------

ENTITY_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Caf&eacute; Wire</title>
<item><title>Pr&eacute;fet&nbsp;speaks &amp; leaves</title><link>https://w.example/1</link>
<description>The pr&eacute;fet of Velmora said 300 families had left &mdash; more may follow.</description></item>
</channel></rss>"""


def test_issue14_feed_with_named_html_entities_read(tmp_path: Path, run: Any) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text(ENTITY_FEED, encoding="utf-8")
    result = run(feed)
    assert result.code == 0, result
    rows = ledger_rows(tmp_path / "l.db", "SELECT json_array(outlet, title, text) FROM documents")
    outlet, title, text = json.loads(rows[0])
    assert outlet == "Café Wire"
    assert title == "Préfet\u00a0speaks & leaves"
    assert "The préfet of Velmora said 300 families had left — more may follow." in text


def test_issue14_feed_declaring_an_html_entity_name_still_refused(tmp_path: Path, run: Any) -> None:
    feed = tmp_path / "sneaky.rss"
    feed.write_text(
        ENTITY_FEED.replace(
            '<rss version="2.0">', '<!DOCTYPE rss [<!ENTITY eacute "&#233;&#233;">]><rss version="2.0">'
        ),
        encoding="utf-8",
    )
    result = run(feed)
    assert result.code == 1 and "entity bomb" in result.err, result
    assert origins(tmp_path) == []


def test_issue14_html_nested_past_the_parser_limit_yields_its_text(tmp_path: Path, run: Any) -> None:
    depth = 400
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><head><title>Deep page</title><script>var hidden = 1;</script></head><body>"
        + "<div>" * depth
        + f"<p>{GOOD}</p><p>{OTHER}</p>"
        + "</div>" * depth
        + "</body></html>",
        encoding="utf-8",
    )
    result = run(page)
    assert result.code == 0, result
    (text,) = ledger_rows(tmp_path / "l.db", "SELECT text FROM documents")
    assert text == f"Deep page\n{GOOD}\n{OTHER}"


def test_issue14_jsonl_of_blank_lines_is_one_error(tmp_path: Path, run: Any) -> None:
    batch = tmp_path / "blank.jsonl"
    batch.write_text("\u3000\n \u2003\n", encoding="utf-8")
    result = run(batch)
    assert result.code == 1 and lines(result, "error:") == [f"error: {batch}: no records: every line is blank"], result
