"""Charts for the brief and the web app: Vega-Lite specs as plain dicts, rendered offline to SVG.

Spec builders take the plain dictionaries `report.brief` gathers and return Vega-Lite v5 specs;
`render_svg` turns a spec into an SVG string with vl-convert (no data is fetched: the data is
inline and every base URL is refused). Marks link to footnotes through `href` (`#n12`), so a
number in a chart leads to the sentence it came from. The actor graph is an SVG laid out here.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from crosscheck.errors import CrosscheckError

__all__ = [
    "actor_graph_svg",
    "competing_spec",
    "prefix_ids",
    "render_svg",
    "series_spec",
    "timeline_spec",
]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
WIDTH = 560
# Vega resolves relative hrefs against its default data URL; the links are ours (`#n12`).
_BASE = re.compile(r'(xlink:href|href)="https://vega\.github\.io/vega-datasets/(#[\w-]+)"')
_EXTERNAL_LINK = re.compile(r'<a [^>]*(?:xlink:)?href="(?!#)[^"]*"[^>]*>')
_ID = re.compile(r'\bid="([^"]+)"')
QUALIFIER_SHAPES = {
    "exactly": "circle",
    "at_least": "triangle-up",
    "more_than": "triangle-up",
    "at_most": "triangle-down",
    "less_than": "triangle-down",
    "about": "diamond",
    "between": "square",
}
TYPE_COLOURS = {
    "PERSON": "#4c78a8",
    "ORG": "#f58518",
    "NORP": "#54a24b",
    "GPE": "#b279a2",
    "LOC": "#9d755d",
    "FAC": "#9d755d",
    "EVENT": "#e45756",
    "OTHER": "#8c8c8c",
}
CONFIG: dict[str, Any] = {
    # a font whose metrics vl-convert and browsers share, so labels are not clipped
    "font": "Arial, Helvetica, 'Liberation Sans', sans-serif",
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 260},
    "legend": {
        "labelFontSize": 11,
        "titleFontSize": 11,
        "labelLimit": 320,
        "orient": "bottom",
        "direction": "vertical",
    },
    "padding": {"left": 8, "right": 24, "top": 6, "bottom": 6},
    "view": {"stroke": None},
}


def render_svg(spec: dict[str, Any]) -> str:
    """`spec` rendered to SVG offline (raises CrosscheckError when vl-convert is missing)."""
    try:
        import vl_convert
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CrosscheckError("charts need vl-convert-python: pip install vl-convert-python") from exc
    svg = vl_convert.vegalite_to_svg(spec, config=CONFIG, allowed_base_urls=[])
    svg = _BASE.sub(r'\1="\2"', svg)
    return _EXTERNAL_LINK.sub("<a>", svg)


def prefix_ids(svg: str, prefix: str) -> str:
    """`svg` with its element ids (and references to them) prefixed, so several SVGs can sit
    inline in one HTML page without clip paths or markers clashing."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    pattern = re.compile(
        r'(\bid="|url\(#|href="#)(' + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\b"
    )
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def _note(n: int) -> str:
    return f"#n{n}"


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def series_spec(series: dict[str, Any]) -> dict[str, Any]:
    """Value over time for one counted thing: one line per origin, points shaped by qualifier,
    each point linking to its footnote."""
    rows = [
        {
            "as_of": p["as_of"],
            "value": p["value"],
            "origin": _short(p["origin"]),
            "qualifier": p["qualifier"].replace("_", " "),
            "href": _note(p["note"]),
            "label": f"{p['value']:,.0f} ({p['qualifier'].replace('_', ' ')}) [{p['note']}]",
        }
        for p in series["points"]
        if p.get("as_of")
    ]
    shapes = sorted({r["qualifier"] for r in rows})
    x = {
        "field": "as_of",
        "type": "temporal",
        "title": "as of",
        "axis": {"format": "%d %b %Y", "labelAngle": 0, "tickMinStep": 86_400_000, "tickCount": 6},
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": series["what"],
        "scale": {"zero": False},
    }
    colour = {
        "field": "origin",
        "type": "nominal",
        "title": "according to",
        "scale": {"scheme": "tableau10"},
    }
    return {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": 220,
        "data": {"values": rows},
        "title": {
            "text": f"{series['category'].replace('_', ' ')}: {series['what']}",
            "anchor": "start",
            "fontSize": 13,
        },
        "layer": [
            {
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 80, "cursor": "pointer"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": colour,
                    "href": {"field": "href"},
                    "shape": {
                        "field": "qualifier",
                        "type": "nominal",
                        "title": "qualifier",
                        "scale": {
                            "domain": shapes,
                            "range": [QUALIFIER_SHAPES.get(q.replace(" ", "_"), "circle") for q in shapes],
                        },
                    },
                    "tooltip": {"field": "label"},
                },
            },
            {
                "mark": {"type": "text", "dy": -10, "fontSize": 10, "color": "#333"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "text": {"field": "value", "format": ",.0f"},
                    "href": {"field": "href"},
                },
            },
        ],
    }


def competing_spec(group: dict[str, Any]) -> dict[str, Any]:
    """The latest figure each origin gives for a category, side by side with its range."""
    rows = [
        {
            "who": _short(f"{r['origin']}: {r['what']}", 56),
            "value": r["value"],
            "low": r["low"],
            "high": r["high"],
            "qualifier": r["qualifier"].replace("_", " "),
            "as_of": r["as_of"] or "?",
            "href": _note(r["note"]),
            "origin": _short(r["origin"]),
        }
        for r in group["rows"]
    ]
    y = {
        "field": "who",
        "type": "nominal",
        "sort": "-x",
        "title": None,
        "axis": {"labelLimit": 300},
    }
    colour = {
        "field": "origin",
        "type": "nominal",
        "legend": None,
        "scale": {"scheme": "tableau10"},
    }
    return {
        "$schema": SCHEMA,
        "width": 360,
        "height": {"step": 22},
        "data": {"values": rows},
        "title": {
            "text": f"Competing figures: {group['category'].replace('_', ' ')}",
            "anchor": "start",
            "fontSize": 13,
        },
        "layer": [
            {
                "mark": {"type": "bar", "opacity": 0.75, "cursor": "pointer"},
                "encoding": {
                    "y": y,
                    "x": {"field": "value", "type": "quantitative", "title": "latest figure"},
                    "color": colour,
                    "href": {"field": "href"},
                    "tooltip": [
                        {"field": "value", "format": ",.0f"},
                        {"field": "qualifier"},
                        {"field": "as_of"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "strokeWidth": 2, "color": "#333"},
                "encoding": {
                    "y": y,
                    "x": {"field": "low", "type": "quantitative"},
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10},
                "encoding": {
                    "y": y,
                    "x": {"field": "value", "type": "quantitative"},
                    "href": {"field": "href"},
                    "text": {"field": "value", "format": ",.0f"},
                },
            },
        ],
    }


def timeline_spec(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Dated claims on a time axis, one row per event type, ranges drawn as bars."""
    rows = [
        {
            "start": i["start"],
            "end": i.get("end") or i["start"],
            "type": i.get("event_type") or "other",
            "href": _note(i["note"]),
            "text": _short(i["text"], 90),
        }
        for i in items
    ]
    y = {"field": "type", "type": "nominal", "title": None}
    x = {"field": "start", "type": "temporal", "title": None}
    return {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": {"step": 24},
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.35, "strokeCap": "round"},
                "encoding": {
                    "y": y,
                    "x": x,
                    "x2": {"field": "end"},
                    "color": {"field": "type", "legend": None},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70, "cursor": "pointer"},
                "encoding": {
                    "y": y,
                    "x": x,
                    "color": {"field": "type", "legend": None},
                    "href": {"field": "href"},
                    "tooltip": {"field": "text"},
                },
            },
        ],
    }


def _force(n: int, edges: list[tuple[int, int]]) -> list[list[float]]:
    """A deterministic force layout (Fruchterman-Reingold from a circle) in about a unit box."""
    pos = [[math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i in range(n)]
    k = math.sqrt(4.0 / max(n, 1))
    temp = 0.2
    for _ in range(120 if n > 1 else 0):
        disp = [[0.0, 0.0] for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
                d = max(math.hypot(dx, dy), 1e-3)
                f = k * k / d / d
                disp[i][0] += dx * f
                disp[i][1] += dy * f
                disp[j][0] -= dx * f
                disp[j][1] -= dy * f
        for i, j in edges:
            dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
            d = max(math.hypot(dx, dy), 1e-3)
            f = d / k
            disp[i][0] -= dx * f
            disp[i][1] -= dy * f
            disp[j][0] += dx * f
            disp[j][1] += dy * f
        for i in range(n):
            d = max(math.hypot(*disp[i]), 1e-9)
            pos[i][0] += disp[i][0] / d * min(d, temp)
            pos[i][1] += disp[i][1] / d * min(d, temp)
        temp *= 0.97
    return pos


def _layout(n: int, edges: list[tuple[int, int]], width: float, height: float) -> list[tuple[float, float]]:
    """Each connected component laid out on its own, then the components set in a grid, so
    one dense group does not squash the others into a corner."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        parent[root(i)] = root(j)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(root(i), []).append(i)
    groups = sorted(comps.values(), key=lambda g: (-len(g), g))
    cols = max(1, math.ceil(math.sqrt(len(groups) * width / height / 1.5)))
    rows = math.ceil(len(groups) / cols)
    cell_w, cell_h = width / cols, (height - 30) / rows
    out: list[tuple[float, float]] = [(0.0, 0.0)] * n
    for g_index, members in enumerate(groups):
        local = {m: i for i, m in enumerate(members)}
        pos = _force(len(members), [(local[i], local[j]) for i, j in edges if i in local and j in local])
        xs, ys = [p[0] for p in pos], [p[1] for p in pos]
        span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        left, top = (g_index % cols) * cell_w, 30 + (g_index // cols) * cell_h
        pad_x, pad_y = min(70.0, cell_w / 3), min(30.0, cell_h / 3)
        for m, (x, y) in zip(members, pos, strict=True):
            fx = 0.5 if len(members) == 1 else (x - min(xs)) / span_x
            fy = 0.5 if len(members) == 1 else (y - min(ys)) / span_y
            out[m] = (
                left + pad_x + fx * (cell_w - 2 * pad_x),
                top + pad_y + fy * (cell_h - 2 * pad_y - 14),
            )
    return out


def actor_graph_svg(graph: dict[str, list[dict[str, Any]]], *, width: int = 720, height: int = 460) -> str:
    """An SVG of actors (circles sized by mentions, coloured by type) and their relations
    (arrows labelled with the predicate). Names are escaped; a node with an `href` links there."""
    nodes, edges = graph.get("nodes", []), graph.get("edges", [])
    if not nodes:
        return ""
    index = {n["id"]: i for i, n in enumerate(nodes)}
    pairs = [(index[e["source"]], index[e["target"]]) for e in edges if e["source"] in index and e["target"] in index]
    pos = _layout(len(nodes), pairs, width, height)
    most = max((n["mentions"] for n in nodes), default=1) or 1
    radius = [6 + 10 * math.sqrt(max(n["mentions"], 1) / most) for n in nodes]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="actor-graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Actors and their relations">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#777"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for e, (i, j) in zip(edges, pairs, strict=False):
        (x1, y1), (x2, y2) = pos[i], pos[j]
        d = max(math.hypot(x2 - x1, y2 - y1), 1e-3)
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        sx, sy, tx, ty = (
            x1 + ux * radius[i],
            y1 + uy * radius[i],
            x2 - ux * (radius[j] + 2),
            y2 - uy * (radius[j] + 2),
        )
        label = html.escape(e["predicate"].replace("_", " "))
        out.append(
            f'<g class="edge"><line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="#999" '
            f'stroke-width="1.4" marker-end="url(#arrow)"/><text x="{(sx + tx) / 2:.1f}" y="{(sy + ty) / 2 - 3:.1f}" '
            f'font-size="10" fill="#666" text-anchor="middle">{label}</text></g>'
        )
    for n, (x, y), r in zip(nodes, pos, radius, strict=True):
        name = html.escape(n["name"] if len(n["name"]) <= 32 else n["name"][:31] + "…")
        colour = TYPE_COLOURS.get(n["type"], "#8c8c8c")
        node = (
            f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.85" '
            f'stroke="white" stroke-width="1.5"><title>{html.escape(n["name"])} ({html.escape(n["type"])}, '
            f'{int(n["mentions"])} mentions)</title></circle><text x="{x:.1f}" y="{y + r + 12:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#222">{name}</text></g>'
        )
        out.append(f'<a href="{html.escape(n["href"], quote=True)}">{node}</a>' if n.get("href") else node)
    legend_x = 10
    for kind in sorted({n["type"] for n in nodes}):
        out.append(
            f'<circle cx="{legend_x + 6}" cy="14" r="5" fill="{TYPE_COLOURS.get(kind, "#8c8c8c")}"/>'
            f'<text x="{legend_x + 14}" y="18" font-size="11" fill="#444">{html.escape(kind)}</text>'
        )
        legend_x += 20 + 7 * len(kind)
    out.append("</svg>")
    return "".join(out)
