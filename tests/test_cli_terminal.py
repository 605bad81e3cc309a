"""Escape sequences in report text, metadata and file names never reach the terminal: every
printing path (tables, fields, `show`, errors) shows control characters instead of sending
them, and `--json` escapes them while reading back to the same text."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
CSI8 = "\x9b31m"  # an 8-bit CSI (C1)
RLO = "\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f", "\x00")
TEXT = (
    f"Police detained 30 students in Zarentsi on Monday, the interior ministry said.{CLEAR}{TITLE}\n\n"
    f"The students' union said{RLO} the police fired tear gas at {CSI8}the march\x7f on Monday."
)


def _clean(*outputs: str) -> None:
    for out in outputs:
        for raw in RAW:
            assert raw not in out, (raw, out)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "␛[2J"),
        ("\x1b]0;title\x07", "␛]0;title␇"),
        ("a\x00b\x08c\x7fd", "a␀b␈c␡d"),
        ("\r", "␍"),
        ("\x9b31m", "\\x9b31m"),
        ("\x85", "\\x85"),
        ("abc\u202egnp.exe", "abc\\u202egnp.exe"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("kept: tab\tnewline\n é ش 中 \u200f", "kept: tab\tnewline\n é ش 中 \u200f"),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    from crosscheck.output import visible

    assert visible(raw) == shown


def test_safe_console_keeps_its_own_styles_but_shows_hostile_codes() -> None:
    from crosscheck.output import SafeConsole

    out = io.StringIO()
    con = SafeConsole(file=out, force_terminal=True, color_system="standard", width=80)
    con.print(Text(f"bold{CLEAR}{TITLE}{RLO}", style="bold"))  # a Text built without `visible`
    con.print(f"markup [red]red[/red] {CLEAR}")
    printed = out.getvalue()
    assert "\x1b[1m" in printed and "\x1b[31m" in printed  # rich's own colours still work
    assert CLEAR not in printed and "\x1b]0;" not in printed and RLO not in printed
    assert "␛[2J" in printed and "\\u202e" in printed


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding one analysed report whose text, title, outlet and file name carry
    escape sequences."""
    from crosscheck.api import add_sources
    from crosscheck.ledger import Ledger

    root = tmp_path_factory.mktemp("terminal")
    name = root / f"evil{TITLE}{CLEAR}.txt"
    name.write_text(TEXT, encoding="utf-8")
    meta = {"outlet": f"Outlet{CLEAR}", "title": f"Title{TITLE}{RLO}", "published": "2031-06-01", "language": "en"}
    name.with_suffix(".meta.json").write_text(json.dumps(meta), encoding="utf-8")
    path = root / "l.db"
    with Ledger.open(path) as ledger:
        summary = add_sources(ledger, [str(name)])
        assert summary.added == 1, summary.line()
    return path


def test_cli_listings_and_show_print_no_escape_sequences(hostile: Path, cli: Any) -> None:
    rows = json.loads(cli("--ledger", hostile, "docs", "--json").out)
    doc = rows[0]["id"]
    claims = json.loads(cli("--ledger", hostile, "claims", "--json").out)
    assert claims, "the report should give claims"
    for args in (
        ["docs"],
        ["show", doc],
        ["search", "ministry"],
        ["search", "students"],
        ["claims"],
        ["claim", claims[0]["id"]],
        ["entities"],
        ["clusters"],
        ["show", "no-such-doc\x1b[2J"],  # an error line naming the hostile input
    ):
        result = cli("--ledger", hostile, *args)
        _clean(result.out, result.err)
    shown = cli("--ledger", hostile, "show", doc).out
    # metadata keeps its controls, shown visibly; ingest already removed them from the text and
    # escaped them in the file name (tests/ingest/test_ingest_hostile.py)
    assert "Outlet␛[2J" in shown and "Title␛]0;pwned␇" in shown and "\\u202e" in shown
    assert "evil\\x1b]0;pwned\\x07\\x1b[2J.txt" in shown


def test_cli_json_escapes_controls_and_reads_back(hostile: Path, cli: Any) -> None:
    docs = cli("--ledger", hostile, "docs", "--json")
    _clean(docs.out)
    doc = json.loads(docs.out)[0]
    assert doc["title"] == f"Title{TITLE}{RLO}" and doc["origin"].endswith("evil\\x1b]0;pwned\\x07\\x1b[2J.txt")
    show = cli("--ledger", hostile, "show", doc["id"], "--json")
    _clean(show.out)
    text = json.loads(show.out)[0]["text"]
    assert "the police fired tear gas" in text and "\x1b" not in text
    for args in (["claims", "--json"], ["search", "students", "--json"]):
        result = cli("--ledger", hostile, *args)
        _clean(result.out)
        json.loads(result.out)
    claims = json.loads(cli("--ledger", hostile, "claims", "--json").out)
    detail = cli("--ledger", hostile, "claim", claims[0]["id"], "--json")
    _clean(detail.out)
    assert json.loads(detail.out)["id"] == claims[0]["id"]
