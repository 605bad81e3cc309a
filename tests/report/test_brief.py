"""The brief: what it gathers, and the HTML and Markdown it writes, on an invented story."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crosscheck.ledger import Ledger
from crosscheck.report import Limits, gather_brief, write_brief
from crosscheck.report.brief import safe_url
from crosscheck.report.html import SECTIONS, render_html
from crosscheck.report.markdown import md_escape

EXTERNAL = re.compile(r'\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["\']?\s*(?:https?:)?//', re.I)


@pytest.fixture(scope="module")
def flood_html(flood_ledger: Path) -> str:
    with Ledger.open(flood_ledger, readonly=True) as ledger:
        return render_html(gather_brief(ledger))


def test_brief_sections_present(flood_html: str) -> None:
    for anchor, title in SECTIONS:
        assert f'<section id="{anchor}"><h2>{title}</h2>' in flood_html


def test_brief_gathers_statuses_and_no_comment(flood_ledger: Path) -> None:
    with Ledger.open(flood_ledger, readonly=True) as ledger:
        b = gather_brief(ledger)
    assert b.summary["reports"] == 3 and b.summary["outlets"] == 3
    assert b.summary["first"] == "2031-03-02" and b.summary["last"] == "2031-03-05"
    contested = [i for i in b.contested.items if "dam" in i.proposition]
    assert contested and contested[0].refutes and contested[0].supports
    assert contested[0].status_note in contested[0].refutes  # the status links to the denial
    assert {"Delta Power Company" in i.proposition for i in b.no_comment.items} == {True}
    assert not any("Delta Power" in i.proposition for i in b.single_source.items)  # not a claim of fact
    killed = b.figures["killed"].items
    assert sorted(r.value for r in killed) == ["40", "55", "60"]
    assert [r.as_of for r in killed] == sorted((r.as_of for r in killed), reverse=True)  # the latest first


def test_brief_every_number_and_status_links_to_a_note(flood_html: str) -> None:
    notes = set(re.findall(r'<li id="n(\d+)" value="\d+">', flood_html))
    cells = re.findall(r'<td class="num"><a href="#n(\d+)">', flood_html)
    statuses = re.findall(r'<a href="#n(\d+)" title="the sentence behind this status">', flood_html)
    assert cells and statuses
    assert set(cells) <= notes and set(statuses) <= notes
    refs = set(re.findall(r'href="#n(\d+)"', flood_html))
    assert refs == notes  # every note is cited, every citation has its note
    assert "Norvanian Red Cross said on Monday" in flood_html  # the sentence itself is in the note


def test_brief_escapes_hostile_text(flood_html: str) -> None:
    assert "<script" not in flood_html.lower()
    assert "<img" not in flood_html.lower()
    assert "javascript:" not in flood_html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in flood_html
    assert "default-src 'none'" in flood_html  # the CSP forbids scripts and fetches too


def test_brief_has_no_external_resources(flood_html: str) -> None:
    assert not EXTERNAL.search(re.sub(r'<a href="https?://[^"]*" rel="noopener noreferrer nofollow">', "", flood_html))
    links = re.findall(r'<a href="(https?://[^"]*)"', flood_html)
    assert links and all(u.startswith("https://valleyherald.example/") for u in links)
    assert any("#:~:text=" in u for u in links)  # links point at the sentence in the report


def test_brief_safe_url_refuses_scripts() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<b>") is None
    assert safe_url('https://x.example/"onmouseover=') is None
    assert safe_url(" https://x.example/a?b=1 ") == "https://x.example/a?b=1"


def test_brief_topic_and_since_narrow(flood_ledger: Path) -> None:
    with Ledger.open(flood_ledger, readonly=True) as ledger:
        dam = gather_brief(ledger, topic="dam")
        late = gather_brief(ledger, since="2031-03-04")
        none = gather_brief(ledger, topic="volcano")
    assert dam.contested.items and not dam.single_source.items
    assert "killed" not in dam.figures
    assert late.summary["reports"] == 2 and all(s.published >= "2031-03-04" for s in late.sources if s.published)
    assert none.summary["claims"] == 0 and not none.notes and not none.figures


def test_brief_caps_sections(flood_ledger: Path) -> None:
    with Ledger.open(flood_ledger, readonly=True) as ledger:
        full = gather_brief(ledger)
        small = gather_brief(ledger, limits=Limits(clusters=1, figures=1))
    assert len(small.single_source.items) == 1
    assert small.single_source.more == len(full.single_source.items) + full.single_source.more - 1
    assert len(small.single_source.rest) == small.single_source.more  # the rest goes to the appendix
    assert sum(len(s.items) for s in small.figures.values()) == 1 and small.figures["killed"].more == 2
    # what is shown is numbered first: every note cited in the body comes before the appendix's
    shown = {n for i in small.single_source.items for n in i.supports + i.refutes}
    later = {n for i in small.single_source.rest for n in i.supports + i.refutes}
    assert shown and later and max(shown) < min(later - shown)


def test_brief_markdown_writes_images_and_footnotes(flood_ledger: Path, tmp_path: Path) -> None:
    with Ledger.open(flood_ledger, readonly=True) as ledger:
        path = write_brief(ledger, tmp_path / "brief.md")
    text = path.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((brief_files/[\w.]+\.svg)\)", text)
    assert images and all((tmp_path / i).stat().st_size > 500 for i in images)
    cited = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    defined = set(re.findall(r"^\[\^(\d+)\]:", text, re.M))
    assert cited and cited == defined
    assert "<script" not in text and "javascript:" not in text


def test_brief_md_escape_neutralises_markup() -> None:
    out = md_escape("[x](javascript:alert(1)) <b>*y*</b>")
    assert "<b>" not in out and "\\[x\\]" in out and "\\*y\\*" in out


def test_brief_cli_writes_html(cli, flood_ledger: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "b.html"
    result = cli("--ledger", flood_ledger, "brief", "-o", out, "--topic", "killed")
    assert result.code == 0, result.err
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert str(out) in result.err
