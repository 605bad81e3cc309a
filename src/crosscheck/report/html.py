"""The brief as one self-contained HTML page: inline CSS and SVG, no script, no request.

Every piece of report text goes through `html.escape`; links to reports are written only for
plain http(s) URLs. A Content-Security-Policy forbids scripts and every fetch, so even a
mistake in escaping could not run code or leak a request.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from typing import Any

from crosscheck.report import charts
from crosscheck.report.brief import Brief, ClusterItem, Note, Section
from crosscheck.report.map import places_map_spec

__all__ = ["render_html", "timeline_points"]

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
    ("notes", "Notes"),
)
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


def _cluster(item: ClusterItem) -> str:
    refs = _refs(item.supports) + _refs(item.refutes, "refutes")
    reason = item.reason
    missing = [o for o in item.origins if o not in reason]
    if missing:
        reason += (" " if reason else "") + "Origins: " + "; ".join(missing) + "."
    return (
        f'<li id="k-{_e(item.id)}">{_status(item)}<span class="prop">{_e(item.proposition)}</span>'
        f'<sup class="refs">{refs}</sup><span class="reason">{_e(reason)}'
        + (f" Supporting: {len(item.supports)}, refuting: {len(item.refutes)} sentences." if item.refutes else "")
        + "</span></li>"
    )


def _clusters(section: Section, empty: str) -> str:
    if not section.items:
        return f'<p class="more">{_e(empty)}</p>'
    body = "".join(_cluster(i) for i in section.items)
    more = f'<p class="more">and {section.more} more not shown.</p>' if section.more else ""
    return f'<ul class="clusters">{body}</ul>{more}'


def _svg(spec: dict[str, Any] | None, prefix: str, caption: str) -> str:
    if not spec:
        return ""
    svg = charts.prefix_ids(charts.render_svg(spec), prefix)
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
    return html


def _figures(b: Brief) -> str:
    out = []
    for cat, sec in b.figures.items():
        rows = "".join(
            f'<tr><td class="num"><a href="#n{r.note}">{_e(r.value)}</a></td><td>{_e((r.qualifier or "").replace("_", " "))}</td>'
            f"<td>{_e(r.what)}</td><td>{_e(r.as_of or '')}</td><td>{_e(r.according_to)}</td>"
            f'<td><a href="#doc-{_e(r.doc)}">{_e(r.outlet or r.doc)}</a></td></tr>'
            for r in sec.items
        )
        more = f'<p class="more">and {sec.more} more {_e(cat)} figures not shown.</p>' if sec.more else ""
        out.append(
            f'<h3 id="fig-{_e(cat)}">{_e(cat.replace("_", " ").capitalize())}</h3><table><thead><tr><th>value</th>'
            f"<th>qualifier</th><th>what</th><th>as of</th><th>according to</th><th>report</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>{more}"
        )
    if not out:
        out.append('<p class="more">No figures in these reports.</p>')
    for i, s in enumerate(b.series):
        out.append(
            _svg(
                charts.series_spec(s),
                f"series{i}",
                "Value over time, one line per origin; point shape shows the qualifier. Points link to their sentence.",
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
        "Places mentioned, sized by mentions and coloured by country. "
        "Basemap: Natural Earth (public domain), shipped with crosscheck.",
    )
    rows = "".join(
        f'<tr><td>{_e(p["name"])}</td><td>{_e(p["country"])}</td><td class="num">{int(p["mentions"])}</td></tr>'
        for p in b.places[:15]
    )
    return f"{figure}<table><thead><tr><th>place</th><th>country</th><th>mentions</th></tr></thead><tbody>{rows}</tbody></table>"


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


def _timeline(b: Brief) -> str:
    items = b.timeline.items
    if not items:
        return '<p class="more">No dated events or claims.</p>'
    points = timeline_points(b)
    spec = charts.timeline_spec(points) if points else None
    lis = "".join(
        f"<li><b>{_e(t.start)}{'–' + _e(t.end) if t.end and t.end != t.start else ''}</b> "
        f"{'<span class=kind>' + _e(t.event_type) + '</span> ' if t.event_type else ''}{_e(t.text)} "
        f'<span class="kind">({_e(t.when or "")}; {_e(t.source)})</span><sup class="refs">{_refs([t.note])}</sup></li>'
        for t in items
    )
    more = f'<p class="more">and {b.timeline.more} more dated claims.</p>' if b.timeline.more else ""
    return (
        _svg(spec, "timeline-chart", "Dated events and claims by PLOVER event type.")
        + f'<ol class="timeline">{lis}</ol>{more}'
    )


def timeline_points(b: Brief, days_before: int = 90) -> list[dict[str, Any]]:
    """Timeline items for the chart: background dated long before the first report (a war
    years ago) stays in the list but would squash the chart, so it is left out of it."""
    first = b.summary.get("first")
    cutoff = (date.fromisoformat(first) - timedelta(days=days_before)).isoformat() if first else ""
    return [
        {"start": t.start, "end": t.end, "event_type": t.event_type, "note": t.note, "text": t.text}
        for t in b.timeline.items
        if (t.end or t.start) >= cutoff
    ]


def _sources(b: Brief) -> str:
    rows = []
    for s in b.sources:
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
    single = _clusters(b.single_source, "Nothing rests on a single named origin.")
    if b.unattributed.items:
        single += "<h3>Stated by outlets without a source</h3>" + _clusters(b.unattributed, "")
    body = {
        "summary": _summary(b),
        "corroborated": _clusters(b.corroborated, "Nothing is supported by two or more independent origins yet."),
        "single-source": single,
        "contested": _clusters(b.contested, "Nothing is contested or denied."),
        "no-comment": _clusters(b.no_comment, "No report says that someone declined to comment."),
        "figures": _figures(b),
        "places": _places(b),
        "actors": _actors(b),
        "timeline": _timeline(b),
        "sources": _sources(b),
        "notes": '<ol class="notes">' + "".join(_note(n) for n in b.notes) + "</ol>",
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
