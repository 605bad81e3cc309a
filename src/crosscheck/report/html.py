"""The brief as one self-contained HTML page: inline CSS and SVG, no script, no request.

The page is the Jinja2 template `report/templates/brief.html` (autoescaped, sharing its
macros in `parts.html` with the web app); this module gathers what the template needs and
draws the charts. Links to reports are written only for plain http(s) URLs. A
Content-Security-Policy forbids scripts and every fetch, so even a mistake in escaping could
not run code or leak a request.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from crosscheck.report import charts
from crosscheck.report.brief import Brief, ClusterItem
from crosscheck.report.map import add_titles, places_map_spec
from crosscheck.report.templating import STATUS_WORDS, environment

__all__ = ["APPENDIX", "SECTIONS", "STATUS_WORDS", "reason_text", "render_html", "timeline_points", "undated_note"]

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
# the summary's status counts and the section each links to
STATUS_ANCHORS = (
    ("corroborated", "#corroborated"),
    ("single_source", "#single-source"),
    ("unattributed", "#single-source"),
    ("contested", "#contested"),
    ("denied", "#contested"),
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


def timeline_points(b: Brief) -> list[dict[str, Any]]:
    """Every event of the reports' window for the chart (those listed and those in the
    appendix); background dates are not drawn."""
    return [
        {"start": t.start, "end": t.end, "event_type": t.event_type, "note": t.note, "text": t.text}
        for t in [*b.timeline.items, *b.timeline.rest]
    ]


@cache
def _env() -> Environment:
    env = environment()
    env.filters["reason"] = reason_text
    return env


def undated_note(series: dict[str, Any]) -> str:
    """A caption's note on the series' figures that have no date and so are not drawn."""
    n = int(series.get("undated") or 0)
    return f" {n} undated figure{'s' if n != 1 else ''} (no publication date) not shown." if n else ""


def _svg(spec: dict[str, Any] | None, prefix: str, *, titles: bool = False) -> Markup | None:
    """`spec` drawn by vl-convert, its ids prefixed; Markup since Vega escapes every label."""
    if not spec:
        return None
    svg = charts.prefix_ids(charts.render_svg(spec), prefix)
    return Markup(add_titles(svg) if titles else svg)  # noqa: S704 - SVG from our own spec


def _charts(b: Brief) -> dict[str, Any]:
    points = timeline_points(b) if b.timeline.items else []
    graph = charts.actor_graph_svg(b.graph)
    return {
        "series_svgs": [_svg(charts.series_spec(s), f"series{i}") for i, s in enumerate(b.series)],
        "series_notes": [undated_note(s) for s in b.series],
        "competing_svgs": [_svg(charts.competing_spec(g), f"competing{i}") for i, g in enumerate(b.competing)],
        "map_svg": _svg(places_map_spec(b.places), "map", titles=True) if b.places else None,
        "timeline_svg": _svg(charts.timeline_spec(points), "timeline-chart") if points else None,
        # names escaped by actor_graph_svg
        "graph_svg": Markup(charts.prefix_ids(graph, "graph")) if graph else None,  # noqa: S704
    }


def render_html(b: Brief) -> str:
    """The brief as one HTML document (a string)."""
    s = b.summary
    span = f"{s['first']} to {s['last']}" if s["first"] and s["first"] != s["last"] else (s["first"] or "undated")
    rest_figures = [r for sec in b.figures.values() for r in sec.rest]
    appendix_empty = not (
        any(sec.rest for _, sec in b.statement_sections())
        or rest_figures
        or len(b.places) > b.places_listed
        or b.timeline.rest
        or b.background.rest
        or len(b.sources) > b.sources_shown
    )
    scope = " · ".join(x for x in (f"topic: {b.topic}" if b.topic else "", f"since {b.since}" if b.since else "") if x)
    return (
        _env()
        .get_template("brief.html")
        .render(
            b=b,
            sections=SECTIONS,
            appendix=APPENDIX,
            status_anchors=STATUS_ANCHORS,
            span=span,
            scope=scope,
            figures_shown=any(sec.items for sec in b.figures.values()),
            figures_more=sum(sec.more for sec in b.figures.values()),
            rest_figures=rest_figures,
            appendix_empty=appendix_empty,
            **_charts(b),
        )
        + "\n"
    )
