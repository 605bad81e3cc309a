"""The brief as Markdown, with its charts and map as SVG files in a folder beside it.

Footnotes use the `[^n]` syntax GitHub, GitLab, Pandoc and most viewers read. Report text is
escaped: HTML characters become entities and Markdown punctuation is backslashed, so a report
cannot inject links, images or markup.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from crosscheck.report import charts
from crosscheck.report.brief import Brief, ClusterItem, FigureRow, Note, Section, SourceItem, TimelineItem
from crosscheck.report.html import APPENDIX, SECTIONS, STATUS_WORDS, reason_text, timeline_points, undated_note
from crosscheck.report.map import places_map_spec

__all__ = ["md_escape", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]{}|~!#])")


def md_escape(text: object) -> str:
    """`text` safe inside a Markdown paragraph or table cell."""
    out = escape("" if text is None else str(text), quote=False)
    return _SPECIAL.sub(r"\\\1", out).replace("\n", " ")


def _url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _refs(numbers: list[int]) -> str:
    return "".join(f"[^{n}]" for n in numbers)


def _cluster(item: ClusterItem) -> str:
    status = f"**{STATUS_WORDS.get(item.status, item.status)}**" + (
        f"[^{item.status_note}]" if item.status_note else ""
    )
    reason = reason_text(item)
    return f"- {status} {md_escape(item.proposition)}{_refs(item.supports + item.refutes)}  \n  _{md_escape(reason)}_"


def _slug(title: str) -> str:
    """The anchor GitHub, GitLab and Pandoc give a heading."""
    return re.sub(r"[^\w\- ]", "", title.lower()).strip().replace(" ", "-")


def _more(more: int, key: str, what: str = "") -> list[str]:
    """'and N more', linking to the full list in the appendix."""
    if not more:
        return []
    label = f"and {more} more" + (f" {what}" if what else "")
    return [f"_[{label}](#{_slug(APPENDIX[key][1])}) in the appendix._", ""]


def _clusters(section: Section, empty: str, key: str) -> list[str]:
    if not section.items:
        return [f"_{empty}_", ""]
    return [*(_cluster(i) for i in section.items), "", *_more(section.more, key)]


class _Images:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def add(self, spec: dict[str, Any] | None, name: str, caption: str, svg: str | None = None) -> list[str]:
        if not spec and not svg:
            return []
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{name}.svg").write_text(svg or charts.render_svg(spec or {}), encoding="utf-8")
        return [
            f"![{md_escape(caption)}]({_url(self.folder.name)}/{name}.svg)",
            "",
            f"_{md_escape(caption)}_",
            "",
        ]


def _note(n: Note) -> str:
    s = n.sentence
    body = (
        md_escape(s)
        if not n.mark
        else (f"{md_escape(s[: n.mark[0]])}**{md_escape(s[n.mark[0] : n.mark[1]])}**{md_escape(s[n.mark[1] :])}")
    )
    who = "; ".join(
        md_escape(x)
        for x in (
            n.chain,
            f"origin: {n.origin}" if n.origin and n.origin != n.chain else None,
            n.stance,
        )
        if x
    )
    where = md_escape(", ".join(x for x in (n.outlet or n.doc, n.published) if x))
    link = f" [in the report]({_url(n.link)})" if n.link else ""
    return f"[^{n.number}]: “{body}” — {who + ', ' if who else ''}{where}.{link}"


def render_markdown(b: Brief, folder: Path) -> str:
    """The brief as Markdown; chart and map SVGs are written into `folder`."""
    img = _Images(folder)
    titles = dict(SECTIONS)
    s = b.summary
    span = f"{s['first']} to {s['last']}" if s["first"] and s["first"] != s["last"] else (s["first"] or "undated")
    statuses = ", ".join(f"{n} {STATUS_WORDS.get(k, k)}" for k, n in sorted(s["statuses"].items()))
    out = [
        f"# {md_escape(b.title)}",
        "",
        f"_Written by crosscheck on {md_escape(b.generated)}"
        + (f"; topic: {md_escape(b.topic)}" if b.topic else "")
        + (f"; since {md_escape(b.since)}" if b.since else "")
        + ". Every number and status carries a footnote to the sentence it came from._",
        "",
        f"## {titles['summary']}",
        "",
        f"{s['reports']} reports from {s['outlets']} outlets, published {md_escape(span)}; {s['claims']} attributed "
        f"claims from {s['origins']} independent origins, in {s['clusters']} statements ({statuses or 'none'}).",
        "",
        "### What changed last",
        "",
    ]
    out += [
        f"- {md_escape(x['when'])} {md_escape(x['proposition'])}: {md_escape(STATUS_WORDS.get(x['before'] or '', x['before'] or 'new'))}"
        f" → **{md_escape(STATUS_WORDS.get(x['after'] or '', x['after'] or 'gone'))}**"
        for x in b.latest
    ] or ["_No status changes._"]
    clock = "the publication date of the report behind each change" if b.clock == "published" else "ingest time"
    out += ["", f"_By {clock}._", "", "### Competing figures", ""]
    out += [
        f"- {md_escape(g['category'].replace('_', ' '))}, {md_escape(g['what'])}: "
        + " · ".join(
            f"**{md_escape(r['value'])}**[^{r['note']}] {md_escape(r['origin'])}"
            + (f" ({md_escape(r['as_of'])})" if r.get("as_of") else "")
            for r in g["rows"]
        )
        for g in b.headline
    ] or ["_No count is given differently by two sources._"]
    out += [""]
    out += [
        f"## {titles['corroborated']}",
        "",
        *_clusters(b.corroborated, "Nothing is corroborated yet.", "corroborated"),
    ]
    out += [
        f"## {titles['single-source']}",
        "",
        *_clusters(b.single_source, "Nothing rests on one named origin.", "single-source"),
    ]
    if b.unattributed.items:
        out += ["### Stated by outlets without a source", "", *_clusters(b.unattributed, "", "unattributed")]
    out += [
        f"## {titles['contested']}",
        "",
        *_clusters(b.contested, "Nothing is contested or denied.", "contested"),
    ]
    out += [
        f"## {titles['no-comment']}",
        "",
        *_clusters(b.no_comment, "No one is reported as declining to comment.", "no-comment"),
    ]
    out += [f"## {titles['figures']}", ""]
    for cat, sec in b.figures.items():
        if sec.items:
            out += [f"### {md_escape(cat.replace('_', ' ').capitalize())}", "", *_figure_table(sec.items), ""]
    out += _more(sum(sec.more for sec in b.figures.values()), "figures", "figures")
    for i, ser in enumerate(b.series):
        out += img.add(
            charts.series_spec(ser),
            f"series{i}",
            f"{ser['category']}: {ser['what']}, one line per origin" + undated_note(ser),
        )
    for i, g in enumerate(b.competing):
        out += img.add(charts.competing_spec(g), f"competing{i}", f"Competing figures: {g['category']}")
    out += [f"## {titles['places']}", ""]
    out += img.add(
        places_map_spec(b.places),
        "map",
        "Places mentioned, sized by mentions, coloured by country, fitted to the story's region "
        "(basemap: Natural Earth, public domain)",
    ) or ["_No place could be put on the map._", ""]
    if b.places:
        out += [*_place_table(b.places[: b.places_listed]), ""]
        out += _more(max(0, len(b.places) - b.places_listed), "places", "places")
    out += [f"## {titles['actors']}", ""]
    out += img.add(None, "actors", "Actors and their relations", svg=charts.actor_graph_svg(b.graph) or None)
    for a in b.actors:
        out += [f"### {md_escape(a.name)} ({md_escape(a.type)}, {a.mentions} mentions)", ""]
        for label, claims, more in (
            ("Claims by", a.by, a.more_by),
            ("Claims about", a.about, a.more_about),
        ):
            if claims:
                out += [
                    f"{label} {md_escape(a.name)}:",
                    "",
                    *(f"- {md_escape(t)}[^{n}]" for t, n in claims),
                ]
                out += ([f"- _and {more} more._"] if more else []) + [""]
    out += [f"## {titles['timeline']}", ""]
    points = timeline_points(b)
    out += img.add(charts.timeline_spec(points) if points else None, "timeline", "Dated events and claims")
    out += (
        [*_timeline_list(b.timeline.items), ""]
        if b.timeline.items
        else ["_No dated events in the reports' window._", ""]
    )
    out += _more(b.timeline.more, "timeline", "dated events")
    if b.background.items:
        out += ["### Background", "", "_Dates the reports mention from outside their own window._", ""]
        out += [*_timeline_list(b.background.items), "", *_more(b.background.more, "background")]
    out += [f"## {titles['sources']}", "", *_source_table(b.sources[: b.sources_shown]), ""]
    out += _more(len(b.sources) - b.sources_shown, "sources", "reports")
    out += [f"## {titles['appendix']}", "", *_appendix(b)]
    out += [f"## {titles['notes']}", ""]
    out += [*(_note(n) for n in b.notes), ""]
    return "\n".join(out)


def _figure_table(rows: list[FigureRow]) -> list[str]:
    return [
        "| value | qualifier | what | as of | according to | report |",
        "|--:|---|---|---|---|---|",
        *(
            f"| {md_escape(r.value)}[^{r.note}] | {md_escape((r.qualifier or '').replace('_', ' '))} | {md_escape(r.what)} "
            f"| {md_escape(r.as_of or '')} | {md_escape(r.according_to)} | {md_escape(r.outlet or r.doc)} |"
            for r in rows
        ),
    ]


def _place_table(places: list[dict[str, Any]]) -> list[str]:
    return [
        "| place | country | mentions |",
        "|---|---|--:|",
        *(f"| {md_escape(p['name'])} | {md_escape(p['country'])} | {int(p['mentions'])} |" for p in places),
    ]


def _timeline_list(items: list[TimelineItem]) -> list[str]:
    return [
        f"- **{md_escape(t.start)}{'–' + md_escape(t.end) if t.end and t.end != t.start else ''}** "
        f"{'`' + md_escape(t.event_type) + '` ' if t.event_type else ''}{md_escape(t.text)} "
        f"({md_escape(t.when or '')}; {md_escape(t.source)})[^{t.note}]"
        for t in items
    ]


def _source_table(sources: list[SourceItem]) -> list[str]:
    out = ["| outlet | date | report | contributed |", "|---|---|---|---|"]
    for src in sources:
        title = md_escape(src.title or src.id)
        report = f"[{title}]({_url(src.url)})" if src.url else title
        what = f"{src.claims} claims, {src.figures} figures" + (
            f", in {src.clusters} statements" if src.clusters else ""
        )
        out.append(f"| {md_escape(src.outlet or '')} | {md_escape(src.published or '')} | {report} | {what} |")
    return out


def _appendix(b: Brief) -> list[str]:
    """Every list in full, under headings the "and N more" links point at."""
    out: list[str] = []
    for key, sec in b.statement_sections():
        if sec.rest:
            out += [f"### {APPENDIX[key][1]}", "", *(_cluster(i) for i in sec.rest), ""]
    rest_figures = [r for sec in b.figures.values() for r in sec.rest]
    if rest_figures:
        out += [f"### {APPENDIX['figures'][1]}", "", *_figure_table(rest_figures), ""]
    if len(b.places) > b.places_listed:
        out += [f"### {APPENDIX['places'][1]}", "", *_place_table(b.places[b.places_listed :]), ""]
    for key, items in (("timeline", b.timeline.rest), ("background", b.background.rest)):
        if items:
            out += [f"### {APPENDIX[key][1]}", "", *_timeline_list(items), ""]
    if len(b.sources) > b.sources_shown:
        out += [f"### {APPENDIX['sources'][1]}", "", *_source_table(b.sources[b.sources_shown :]), ""]
    return out or ["_Every list is shown in full above._", ""]
