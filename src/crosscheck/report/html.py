"""The brief as one self-contained HTML page: inline CSS and SVG, no script, no request.

Every piece of report text goes through `html.escape`; links to reports are written only for
plain http(s) URLs. A Content-Security-Policy forbids scripts and every fetch, so even a
mistake in escaping could not run code or leak a request.
"""

from __future__ import annotations

from html import escape
from typing import Any

from crosscheck.report import charts
from crosscheck.report.brief import Brief, ClusterItem, FigureRow, Note, Section, SourceItem, TimelineItem
from crosscheck.report.map import add_titles, places_map_spec

__all__ = ["render_html", "timeline_points", "undated_note"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
SECTIONS = (
    ("summary", "Summary"),
    ("corroborated", "What is corroborated"),
    ("single-source", "What rests on one source"),
    ("contested", "What is contested or denied"),
    ("no-comment", "Who has not commented"),
    ("figures", "Figures"),
    ("places", "Places"),
    ("actors", "Actors"),
    ("timeline", "Timeline"),
    ("sources", "Sources"),
    ("appendix", "Appendix: the full lists"),
    ("notes", "Notes"),
)
APPENDIX = {  # section -> (appendix anchor, title)
    "corroborated": ("all-corroborated", "Everything corroborated"),
    "single-source": ("all-single-source", "Everything resting on one source"),
    "unattributed": ("all-unattributed", "Everything stated without a source"),
    "contested": ("all-contested", "Everything contested or denied"),
    "no-comment": ("all-no-comment", "Everyone who has not commented"),
    "figures": ("all-figures", "Every figure"),
    "places": ("all-places", "Every place"),
    "timeline": ("all-timeline", "Every dated event in the reports' window"),
    "background": ("all-background", "All background dates"),
    "sources": ("all-sources", "Every report"),
}
STATUS_WORDS = {
    "corroborated": "corroborated",
    "single_source": "one source",
    "unattributed": "unattributed",
    "contested": "contested",
    "denied": "denied",
    "no_comment": "no comment",
}
CSS = """
:root{--ink:#1d232a;--muted:#5f6b76;--line:#d8dde2;--bg:#fff;--soft:#f5f7f9}
*{box-sizing:border-box}
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);
background:var(--bg);margin:0 auto;max-width:980px;padding:24px 28px 80px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px;padding-top:8px;border-top:2px solid var(--ink)}
h3{font-size:16px;margin:22px 0 6px}p.meta{color:var(--muted);margin:0 0 12px;font-size:13px}
nav.toc{font-size:13px;margin:10px 0 0}nav.toc a{margin-right:10px;color:var(--muted)}
a{color:#1f5fa8;text-decoration:none}a:hover{text-decoration:underline}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.tile{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.tile b{display:block;font-size:22px}.tile span{color:var(--muted);font-size:12px}
ul.clusters{list-style:none;padding:0;margin:0}ul.clusters li{padding:9px 0;border-bottom:1px solid var(--line)}
.status{display:inline-block;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;
border-radius:3px;padding:1px 6px;margin-right:6px;color:#fff;background:#777;vertical-align:1px}
.s-corroborated{background:#2e7d32}.s-single_source{background:#8d6e00}.s-unattributed{background:#6d6d6d}
.s-contested{background:#c45100}.s-denied{background:#b00020}.s-no_comment{background:#455a64}
.reason{display:block;color:var(--muted);font-size:13px;margin-top:2px}
sup.refs{font-size:11px;margin-left:2px}sup.refs a{margin-right:2px}sup.refs .ref-refutes{color:#b00020}
.more{color:var(--muted);font-size:13px;font-style:italic}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 12px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
figure{margin:12px 0 18px}figcaption{color:var(--muted);font-size:12px}
figure svg{max-width:100%;height:auto}
ol.notes{font-size:13px;padding-left:34px}ol.notes li{margin:5px 0}ol.notes mark{background:#fff3b0}
ol.notes .src{color:var(--muted)}ol.timeline{font-size:14px;padding-left:20px}
details>summary{cursor:pointer;color:#1f5fa8;font-size:14px;margin:6px 0}
.first{display:grid;grid-template-columns:1fr 1fr;gap:18px}.first h3{margin-top:8px}
.first ul{padding-left:18px;margin:4px 0;font-size:14px}.first li{margin:3px 0}
.vs{font-variant-numeric:tabular-nums;white-space:nowrap}
.actor{border-left:3px solid var(--line);padding-left:12px;margin:14px 0}.actor ul{margin:2px 0 6px;font-size:14px}
.kind{color:var(--muted);font-size:12px}code{font-size:12px}
@media print{nav.toc{display:none}a{color:inherit}}
"""


def _e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _refs(numbers: list[int], kind: str = "supports") -> str:
    return "".join(f'<a class="ref-{kind}" href="#n{n}">[{n}]</a>' for n in numbers)


def _status(item: ClusterItem) -> str:
    word = _e(STATUS_WORDS.get(item.status, item.status))
    badge = f'<span class="status s-{_e(item.status)}">{word}</span>'
    return (
        f'<a href="#n{item.status_note}" title="the sentence behind this status">{badge}</a>'
        if item.status_note
        else badge
    )


def reason_text(item: ClusterItem, cap: int = 320) -> str:
    """Why a statement has its status, with the origins the reason does not name; a long
    list of origins is cut at `cap` characters (the notes name them all)."""
    reason = item.reason
    missing = [o for o in item.origins if o not in reason]
    if missing:
        reason += (" " if reason else "") + "Origins: " + "; ".join(missing) + "."
    if len(reason) <= cap:
        return reason
    cut = reason.rfind("; ", 0, cap)
    return reason[: cut if cut > cap // 2 else cap].rstrip() + " …"


def _cluster(item: ClusterItem) -> str:
    refs = _refs(item.supports) + _refs(item.refutes, "refutes")
    reason = reason_text(item)
    return (
        f'<li id="k-{_e(item.id)}">{_status(item)}<span class="prop">{_e(item.proposition)}</span>'
        f'<sup class="refs">{refs}</sup><span class="reason">{_e(reason)}'
        + (f" Supporting: {len(item.supports)}, refuting: {len(item.refutes)} sentences." if item.refutes else "")
        + "</span></li>"
    )


def _more(section: Section, key: str, what: str = "") -> str:
    """'and N more', linking to the full list in the appendix."""
    if not section.more:
        return ""
    anchor = APPENDIX[key][0]
    label = f"and {section.more} more" + (f" {_e(what)}" if what else "")
    return f'<p class="more"><a href="#{anchor}">{label}</a> in the appendix.</p>'


def _clusters(section: Section, empty: str, key: str) -> str:
    if not section.items:
        return f'<p class="more">{_e(empty)}</p>'
    body = "".join(_cluster(i) for i in section.items)
    return f'<ul class="clusters">{body}</ul>{_more(section, key)}'


def _svg(spec: dict[str, Any] | None, prefix: str, caption: str, *, titles: bool = False) -> str:
    if not spec:
        return ""
    svg = charts.prefix_ids(charts.render_svg(spec), prefix)
    svg = add_titles(svg) if titles else svg
    return f'<figure class="chart" id="{_e(prefix)}">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _summary(b: Brief) -> str:
    s = b.summary
    span = f"{s['first']} to {s['last']}" if s["first"] and s["first"] != s["last"] else (s["first"] or "undated")
    tiles = [
        ("#sources", s["reports"], "reports"),
        ("#sources", s["outlets"], "outlets"),
        ("#notes", s["origins"], "independent origins"),
        ("#notes", s["claims"], "claims"),
        ("#figures", s["figures"], "figures"),
    ]
    html = (
        '<div class="tiles">'
        + "".join(f'<a class="tile" href="{h}"><b>{int(n):,}</b><span>{_e(w)}</span></a>' for h, n, w in tiles)
        + f'<div class="tile"><b>{_e(span)}</b><span>time span</span></div></div>'
    )
    st = s["statuses"]
    anchors = {
        "corroborated": "#corroborated",
        "single_source": "#single-source",
        "unattributed": "#single-source",
        "contested": "#contested",
        "denied": "#contested",
    }
    parts = [f'<a href="{anchors[k]}">{st[k]} {_e(STATUS_WORDS[k])}</a>' for k in anchors if st.get(k)]
    html += (
        f"<p>This brief draws on {s['reports']} reports from {s['outlets']} outlets, published {_e(span)}, "
        f"holding {s['claims']} attributed claims from {s['origins']} independent origins. They group into "
        f"{s['clusters']} statements: " + (", ".join(parts) if parts else "none") + ".</p>"
    )
    return html + '<div class="first">' + _latest(b) + _headline(b) + "</div>"


def _word(status: str | None, empty: str) -> str:
    return _e(STATUS_WORDS.get(status or "", status or empty))


def _latest(b: Brief) -> str:
    """The statements that changed most recently, by the story's time."""
    head = '<div id="what-changed"><h3>What changed last</h3>'
    if not b.latest:
        return head + '<p class="more">No status changes.</p></div>'
    lis = "".join(
        f'<li><time>{_e(x["when"])}</time> <a href="#k-{_e(x["cluster"])}">{_e(x["proposition"])}</a>: '
        f"{_word(x['before'], 'new')} → <b>{_word(x['after'], 'gone')}</b></li>"
        for x in b.latest
    )
    clock = "the publication date of the report behind each change" if b.clock == "published" else "ingest time"
    return head + f'<ul>{lis}</ul><p class="more">By {clock}.</p></div>'


def _headline(b: Brief) -> str:
    """Competing figures for the main counts: each source's latest value, side by side."""
    head = '<div id="competing-figures"><h3>Competing figures</h3>'
    if not b.headline:
        return head + '<p class="more">No count is given differently by two sources.</p></div>'
    lis = "".join(
        f"<li>{_e(g['category'].replace('_', ' '))}, {_e(g['what'])}: "
        + " · ".join(
            f'<span class="vs"><a href="#n{r["note"]}"><b>{_e(r["value"])}</b></a> {_e(r["origin"])}'
            f"{' (' + _e(r['as_of']) + ')' if r.get('as_of') else ''}</span>"
            for r in g["rows"]
        )
        + "</li>"
        for g in b.headline
    )
    return head + f"<ul>{lis}</ul></div>"


def undated_note(series: dict[str, Any]) -> str:
    """A caption's note on the series' figures that have no date and so are not drawn."""
    n = int(series.get("undated") or 0)
    return f" {n} undated figure{'s' if n != 1 else ''} (no publication date) not shown." if n else ""


def _figure_table(rows: list[FigureRow]) -> str:
    body = "".join(
        f'<tr><td class="num"><a href="#n{r.note}">{_e(r.value)}</a></td><td>{_e((r.qualifier or "").replace("_", " "))}</td>'
        f"<td>{_e(r.what)}</td><td>{_e(r.as_of or '')}</td><td>{_e(r.according_to)}</td>"
        f'<td><a href="#doc-{_e(r.doc)}">{_e(r.outlet or r.doc)}</a></td></tr>'
        for r in rows
    )
    return (
        "<table><thead><tr><th>value</th><th>qualifier</th><th>what</th><th>as of</th><th>according to</th>"
        f"<th>report</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _figures(b: Brief) -> str:
    out = []
    more = sum(sec.more for sec in b.figures.values())
    for cat, sec in b.figures.items():
        if sec.items:
            out.append(
                f'<h3 id="fig-{_e(cat)}">{_e(cat.replace("_", " ").capitalize())}</h3>{_figure_table(sec.items)}'
            )
    if more:
        out.append(_more(Section(items=[], more=more), "figures", "figures"))
    if not out:
        out.append('<p class="more">No figures in these reports.</p>')
    for i, s in enumerate(b.series):
        out.append(
            _svg(
                charts.series_spec(s),
                f"series{i}",
                "Value over time, one line per origin; point shape shows the qualifier. Points link to their sentence."
                + undated_note(s),
            )
        )
    for i, g in enumerate(b.competing):
        out.append(
            _svg(
                charts.competing_spec(g),
                f"competing{i}",
                "The latest figure each origin gives; bars link to their sentence, lines show ranges.",
            )
        )
    return "".join(out)


def _places(b: Brief) -> str:
    if not b.places:
        return '<p class="more">No place in these reports could be placed on the map.</p>'
    figure = _svg(
        places_map_spec(b.places),
        "map",
        "Places mentioned, sized by mentions and coloured by country; the view is fitted to the story's region, "
        "a world inset shows places on other continents. The most mentioned places are labelled where a label "
        "fits; hover a dot for its name. Basemap: Natural Earth (public domain), shipped with crosscheck.",
        titles=True,
    )
    n = b.places_listed
    rest = Section(items=[], more=max(0, len(b.places) - n))
    return figure + _place_table(b.places[:n]) + _more(rest, "places", "places")


def _place_table(places: list[dict[str, Any]]) -> str:
    rows = "".join(
        f'<tr><td>{_e(p["name"])}</td><td>{_e(p["country"])}</td><td class="num">{int(p["mentions"])}</td></tr>'
        for p in places
    )
    return (
        f"<table><thead><tr><th>place</th><th>country</th><th>mentions</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _actors(b: Brief) -> str:
    out = []
    svg = charts.actor_graph_svg(b.graph)
    if svg:
        out.append(
            f'<figure class="chart" id="graph">{charts.prefix_ids(svg, "graph")}<figcaption>Actors and their '
            f"relations (part of, member of, leader of, affiliated with), as the reports state them.</figcaption></figure>"
        )
    for a in b.actors:

        def items(claims: list[tuple[str, int]], more: int) -> str:
            lis = "".join(f'<li>{_e(t)}<sup class="refs">{_refs([n])}</sup></li>' for t, n in claims)
            return f"<ul>{lis}</ul>" + (f'<p class="more">and {more} more.</p>' if more else "")

        parts = [f'<h3>{_e(a.name)} <span class="kind">{_e(a.type)}, {a.mentions} mentions</span></h3>']
        if a.by:
            parts.append("<div>Claims by " + _e(a.name) + ":</div>" + items(a.by, a.more_by))
        if a.about:
            parts.append("<div>Claims about " + _e(a.name) + ":</div>" + items(a.about, a.more_about))
        out.append('<div class="actor">' + "".join(parts) + "</div>")
    return "".join(out) or '<p class="more">No actors found.</p>'


def _timeline_list(items: list[TimelineItem]) -> str:
    lis = "".join(
        f"<li><b>{_e(t.start)}{'–' + _e(t.end) if t.end and t.end != t.start else ''}</b> "
        f"{'<span class=kind>' + _e(t.event_type) + '</span> ' if t.event_type else ''}{_e(t.text)} "
        f'<span class="kind">({_e(t.when or "")}; {_e(t.source)})</span><sup class="refs">{_refs([t.note])}</sup></li>'
        for t in items
    )
    return f'<ol class="timeline">{lis}</ol>'


def _timeline(b: Brief) -> str:
    out = []
    if b.timeline.items:
        points = timeline_points(b)
        spec = charts.timeline_spec(points) if points else None
        out.append(
            _svg(spec, "timeline-chart", "Dated events and claims in the reports' window, by PLOVER event type.")
        )
        out.append(_timeline_list(b.timeline.items) + _more(b.timeline, "timeline", "dated events"))
    else:
        out.append('<p class="more">No dated events or claims in the reports\' window.</p>')
    if b.background.items:
        out.append(
            '<h3 id="background">Background</h3><p class="more">Dates the reports mention from outside their own '
            "window (history, earlier events).</p>"
            + _timeline_list(b.background.items)
            + _more(b.background, "background")
        )
    return "".join(out)


def timeline_points(b: Brief) -> list[dict[str, Any]]:
    """Every event of the reports' window for the chart (those listed and those in the
    appendix); background dates are not drawn."""
    return [
        {"start": t.start, "end": t.end, "event_type": t.event_type, "note": t.note, "text": t.text}
        for t in [*b.timeline.items, *b.timeline.rest]
    ]


def _source_table(sources: list[SourceItem]) -> str:
    rows = []
    for s in sources:
        url = f'<a href="{_e(s.url)}" rel="noopener noreferrer nofollow">{_e(s.url)}</a>' if s.url else ""
        statuses = ", ".join(f"{n} {_e(STATUS_WORDS.get(k, k))}" for k, n in sorted(s.statuses.items()))
        what = f"{s.claims} claims, {s.figures} figures" + (
            f"; in {s.clusters} statements ({statuses})" if s.clusters else ""
        )
        if s.duplicate_of:
            what += f'; copy of <a href="#doc-{_e(s.duplicate_of)}">{_e(s.duplicate_of)}</a>'
        rows.append(
            f'<tr id="doc-{_e(s.id)}"><td>{_e(s.outlet or "")}</td><td>{_e(s.published or "")}</td>'
            f'<td>{_e(s.title or "")}<br><span class="kind">{url or "<code>" + _e(s.id) + "</code>"}</span></td>'
            f"<td>{what}</td></tr>"
        )
    return (
        "<table><thead><tr><th>outlet</th><th>date</th><th>report</th><th>contributed</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _sources(b: Brief) -> str:
    rest = Section(items=[], more=len(b.sources) - b.sources_shown)
    return (
        '<p class="more">The reports that weigh most: statements they take part in, then figures.</p>'
        + _source_table(b.sources[: b.sources_shown])
        + _more(rest, "sources", "reports")
    )


def _appendix(b: Brief) -> str:
    """Every list in full, folded away (a link to an anchor inside opens it)."""
    parts = []

    def block(key: str, body: str) -> None:
        anchor, title = APPENDIX[key]
        parts.append(f'<h3 id="{anchor}">{_e(title)}</h3>{body}')

    for key, sec in b.statement_sections():
        if sec.rest:
            block(key, '<ul class="clusters">' + "".join(_cluster(i) for i in sec.rest) + "</ul>")
    rest_figures = [r for sec in b.figures.values() for r in sec.rest]
    if rest_figures:
        block("figures", _figure_table(rest_figures))
    if len(b.places) > b.places_listed:
        block("places", _place_table(b.places[b.places_listed :]))
    if b.timeline.rest:
        block("timeline", _timeline_list(b.timeline.rest))
    if b.background.rest:
        block("background", _timeline_list(b.background.rest))
    if len(b.sources) > b.sources_shown:
        block("sources", _source_table(b.sources[b.sources_shown :]))
    if not parts:
        return '<p class="more">Every list is shown in full above.</p>'
    return f'<details id="appendix-lists"><summary>Show the full lists</summary>{"".join(parts)}</details>'


def _note(n: Note) -> str:
    s = n.sentence
    body = (
        _e(s) if not n.mark else f"{_e(s[: n.mark[0]])}<mark>{_e(s[n.mark[0] : n.mark[1]])}</mark>{_e(s[n.mark[1] :])}"
    )
    who = "; ".join(
        _e(x)
        for x in (
            n.chain,
            f"origin: {n.origin}" if n.origin and n.origin != n.chain else None,
            n.stance,
            n.certainty if n.certainty not in (None, "certain") else None,
        )
        if x
    )
    link = f' · <a href="{_e(n.link)}" rel="noopener noreferrer nofollow">in the report</a>' if n.link else ""
    return (
        f'<li id="n{n.number}" value="{n.number}">“{body}” <span class="src">— {who + ", " if who else ""}'
        f'<a href="#doc-{_e(n.doc)}">{_e(n.outlet or n.doc)}{", " + _e(n.published) if n.published else ""}</a>'
        f"{link}</span></li>"
    )


def render_html(b: Brief) -> str:
    """The brief as one HTML document (a string)."""
    scope = " · ".join(x for x in (f"topic: {b.topic}" if b.topic else "", f"since {b.since}" if b.since else "") if x)
    toc = "".join(f'<a href="#{i}">{_e(t)}</a>' for i, t in SECTIONS)
    single = _clusters(b.single_source, "Nothing rests on a single named origin.", "single-source")
    if b.unattributed.items:
        single += "<h3>Stated by outlets without a source</h3>" + _clusters(b.unattributed, "", "unattributed")
    body = {
        "summary": _summary(b),
        "corroborated": _clusters(
            b.corroborated, "Nothing is supported by two or more independent origins yet.", "corroborated"
        ),
        "single-source": single,
        "contested": _clusters(b.contested, "Nothing is contested or denied.", "contested"),
        "no-comment": _clusters(b.no_comment, "No report says that someone declined to comment.", "no-comment"),
        "figures": _figures(b),
        "places": _places(b),
        "actors": _actors(b),
        "timeline": _timeline(b),
        "sources": _sources(b),
        "appendix": _appendix(b),
        "notes": f'<details id="notes-list"><summary>Show the {len(b.notes)} sentences behind every number and status</summary>'
        '<ol class="notes">' + "".join(_note(n) for n in b.notes) + "</ol></details>",
    }
    sections = "".join(f'<section id="{i}"><h2>{_e(t)}</h2>{body[i]}</section>' for i, t in SECTIONS)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(b.title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_e(b.title)}</h1><p class="meta">Written by crosscheck from its ledger on {_e(b.generated)}'
        f"{' · ' + _e(scope) if scope else ''}. Statuses are the ledger's; every number and status links to the "
        f'sentence it came from.</p><nav class="toc">{toc}</nav></header>{sections}</body></html>\n'
    )
