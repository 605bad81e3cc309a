"""The brief's and the web app's templates: one Jinja2 environment, autoescaping on every
path. Hostile text placed in every field of a brief, and in the pieces the web app shares
with it (status changes, charts, the relation graph), comes out as text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser

from crosscheck.report.model import (
    ActorItem,
    Brief,
    ClusterItem,
    FigureRow,
    Note,
    Section,
    SourceItem,
    TimelineItem,
)

H = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><b>"


class Tags(HTMLParser):
    """The tags, event-handler attributes and link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "xlink:href")]


def _check(html: str) -> None:
    tags = Tags()
    tags.feed(html)
    assert "script" not in tags.tags and "img" not in tags.tags, tags.tags
    assert tags.handlers == []
    assert not [h for h in tags.hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _hostile_brief() -> Brief:
    item = ClusterItem(
        id=H,
        proposition=H,
        status=H,
        reason=H,
        origins=[H],
        refuted_by=[H],
        size=2,
        supports=[1],
        refutes=[1],
        status_note=1,
    )
    row = FigureRow(value=H, qualifier=H, what=H, as_of=H, according_to=H, outlet=H, doc=H, note=1)
    event = TimelineItem(start=H, end=H + "x", when=H, text=H, event_type=H, source=H, note=1)
    return Brief(
        title=H,
        generated=H,
        topic=H,
        since=H,
        summary={
            "reports": 1,
            "outlets": 1,
            "origins": 1,
            "claims": 1,
            "figures": 1,
            "clusters": 1,
            "first": H,
            "last": H + "x",
            "statuses": {"corroborated": 1},
        },
        corroborated=Section(items=[item], more=1, rest=[item]),
        single_source=Section(items=[item]),
        unattributed=Section(items=[item]),
        contested=Section(items=[item]),
        no_comment=Section(items=[item]),
        figures={"killed": Section(items=[row], more=1, rest=[row])},
        series=[],
        competing=[],
        places=[],
        graph={"nodes": [], "edges": []},
        actors=[ActorItem(id=H, name=H, type=H, mentions=1, by=[(H, 1)], about=[(H, 1)], more_by=1)],
        timeline=Section(items=[event], rest=[event]),
        background=Section(items=[event]),
        sources=[
            SourceItem(
                id=H,
                outlet=H,
                title=H,
                published=H,
                url=None,
                claims=1,
                figures=1,
                clusters=1,
                statuses={H: 1},
                duplicate_of=H,
            )
        ],
        sources_shown=1,
        notes=[
            Note(
                number=1,
                doc=H,
                sentence=H + H,
                mark=(3, 20),
                outlet=H,
                published=H,
                url=None,
                link=None,
                stance=H,
                chain=H,
                origin=H + "o",
                certainty=H,
            )
        ],
        latest=[{"cluster": H, "proposition": H, "before": H, "after": H, "when": H}],
        headline=[{"category": H, "what": H, "rows": [{"note": 1, "value": H, "origin": H, "as_of": H}]}],
    )


def test_templates_brief_escapes_every_field() -> None:
    from crosscheck.report.html import render_html

    html = render_html(_hostile_brief())
    _check(html)
    assert html.startswith("<!doctype html>") and "default-src 'none'" in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") > 40  # every field went through the template


def test_templates_shared_macros_escape_in_the_web_environment() -> None:
    from crosscheck.web.app import _templates

    env = _templates().env
    page = env.from_string(
        '{% from "parts.html" import status_badge, status_change, chart_figure %}'
        "{{ status_badge(h) }}{{ status_change(h, '/clusters/' ~ h|q, h, h|status_word('new'), h) }}"
        "{{ chart_figure(h, h, h) }}"
    ).render(h=H)
    _check(page)
    assert 'href="/clusters/%3Cscript%3E' in page


def test_templates_web_relation_graph_escapes_names_and_links() -> None:
    from crosscheck.web.charts import relation_chart

    rel = {"subject_id": "e1", "subject": H, "predicate": "leader_of", "object_id": H, "object": H, "doc": "d"}
    svg = str(relation_chart("e1", H, "PERSON", [rel]))
    _check(svg)
    assert svg.count("<circle") >= 2 and "leader of" in svg
    assert 'href="/entities/e1"' in svg and 'href="/entities/%3Cscript%3E' in svg
