"""Markup built from hostile text: highlighted documents and sentences, and small SVGs.

Nothing here inserts raw report text into HTML: text is cut at span offsets and each
segment is escaped on its own; attributes take only ids and escaped labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

__all__ = ["Mark", "highlight", "highlight_at", "line_chart", "map_svg", "relation_graph"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of a text to highlight: `kind` picks the style, `href` where a click goes."""

    start: int
    end: int
    kind: str
    href: str
    label: str = ""
    ident: str = ""


def _a(href: str, cls: str, title: str, body: Markup, ident: str = "") -> Markup:
    attr = f' id="{escape(ident)}"' if ident else ""
    return (
        Markup(f'<a class="{escape(cls)}" href="{escape(href)}" title="{escape(title)}"{attr}>') + body + Markup("</a>")
    )


def highlight(text: str, marks: Sequence[Mark]) -> Markup:
    """`text` escaped, with claims shown as highlighted runs (class `claim`, a click opens the
    claim) and entities, places and figures as links inside them. Overlaps are resolved by
    cutting the text at every span boundary; the innermost mark of a piece wins."""
    n = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    claims = [m for m in marks if m.kind == "claim"]
    inner = [m for m in marks if m.kind != "claim"]
    out: list[Markup] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        over = [m for m in inner if m.start <= a and b <= m.end]
        if over:
            m = min(over, key=lambda x: x.end - x.start)
            piece = _a(m.href, f"hl {m.kind}", m.label or m.kind, piece)
        claim = [m for m in claims if m.start <= a and b <= m.end]
        if claim:
            c = min(claim, key=lambda x: x.end - x.start)
            first = c.start == a
            lead = _a(c.href, "claim-link", c.label or "claim", Markup("¶"), c.ident) if first else Markup("")
            piece = lead + Markup(f'<span class="hl claim" data-href="{escape(c.href)}">') + piece + Markup("</span>")
        out.append(piece)
    return Markup("").join(out)


def highlight_at(text: str, spans: Sequence[tuple[int, int, str]]) -> Markup:
    """`text` escaped with `<mark class=KIND>` around each (start, end, kind), no links."""
    n = len(text)
    spans = sorted((s for s in spans if 0 <= s[0] < s[1] <= n), key=lambda s: s[0])
    out: list[Markup] = []
    at = 0
    for start, end, kind in spans:
        if start < at:
            continue
        out.append(escape(text[at:start]))
        out.append(Markup(f'<mark class="{escape(kind)}">') + escape(text[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def relation_graph(center: str, center_name: str, edges: Sequence[dict[str, str]], *, size: int = 360) -> Markup:
    """A small radial SVG: the entity in the middle, each related actor around it, edges
    labelled with their predicate; every node links to its entity page."""
    others: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for e in edges:
        out = e["subject_id"] == center
        other, name = (e["object_id"], e["object"]) if out else (e["subject_id"], e["subject"])
        if other == center:
            continue
        others.setdefault(other, name)
        labels.setdefault(other, [])
        if e["predicate"] not in labels[other]:
            labels[other].append(e["predicate"])
    others = dict(list(others.items())[:12])
    c = size / 2
    r = size / 2 - 60
    parts = [
        Markup(
            f'<svg class="graph" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" aria-label="relations">'
        )
    ]
    for i, (other, name) in enumerate(others.items()):
        angle = 2 * math.pi * i / max(len(others), 1) - math.pi / 2
        x, y = c + r * math.cos(angle), c + r * math.sin(angle)
        mx, my = (c + x) / 2, (c + y) / 2
        parts.append(Markup(f'<line x1="{c:.1f}" y1="{c:.1f}" x2="{x:.1f}" y2="{y:.1f}" class="edge"/>'))
        parts.append(
            Markup(f'<text x="{mx:.1f}" y="{my:.1f}" class="pred">')
            + escape(", ".join(labels[other])[:30])
            + Markup("</text>")
        )
        parts.append(
            Markup(
                f'<a href="/entities/{escape(quote(other, safe=""))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="7" class="node"/>'
            )
        )
        parts.append(
            Markup(f'<text x="{x:.1f}" y="{y + 20:.1f}" class="name">') + escape(name[:28]) + Markup("</text></a>")
        )
    parts.append(Markup(f'<circle cx="{c}" cy="{c}" r="10" class="node center"/>'))
    parts.append(
        Markup(f'<text x="{c}" y="{c + 24}" class="name center">') + escape(center_name[:32]) + Markup("</text>")
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def line_chart(points: Sequence[tuple[str, float]], *, width: int = 320, height: int = 120) -> Markup:
    """A tiny SVG line chart of (date, value) points in order, each point titled."""
    if not points:
        return Markup("")
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    pad = 24
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    xy = [(pad + i * step, height - pad - (v - lo) / span * (height - 2 * pad)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    parts = [Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">')]
    parts.append(Markup(f'<polyline points="{path}" class="line"/>'))
    for (x, y), (when, v) in zip(xy, points, strict=True):
        parts.append(
            Markup(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" class="dot"><title>')
            + escape(f"{v:g} ({when or '?'})")
            + Markup("</title></circle>")
        )
    parts.append(
        Markup(
            f'<text x="2" y="{pad - 8}" class="axis">{hi:g}</text><text x="2" y="{height - 4}" class="axis">{lo:g}</text>'
        )
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def map_svg(places: Sequence[dict[str, object]], *, width: int = 720, height: int = 360) -> Markup:
    """Places as dots in the frame `report.map.fit_frame` fits to them (the brief's projection),
    the fallback when the basemap cannot be drawn; each dot links to the claims that mention
    the place and names it on hover, and the labels that fit without colliding are drawn."""
    from crosscheck.report.map import fit_frame, place_labels

    located: list[dict[str, Any]] = [
        {
            "p": p,
            "name": str(p.get("name")),
            "lat": float(lat),
            "lon": float(lon),
            "mentions": _count(p.get("mentions")),
        }
        for p in places
        if isinstance(lat := p.get("lat"), int | float) and isinstance(lon := p.get("lon"), int | float)
    ]
    parts = [Markup(f'<svg class="map" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="map">')]
    parts.append(Markup(f'<rect width="{width}" height="{height}" class="sea"/>'))
    if not located:
        return Markup("").join([*parts, Markup("</svg>")])
    frame = fit_frame(located, width, height)
    most = max(p["mentions"] for p in located)
    for q in located:
        x, y = frame.project(q["lon"], q["lat"])
        radius = 2 + min(math.sqrt(q["mentions"]), 8)
        href = f"/places/{quote(str(_place_id(q)), safe='')}"
        parts.append(
            Markup(f'<a href="{escape(href)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" class="place"><title>')
        )
        parts.append(escape(f"{q['name']} ({q['mentions']} mentions)") + Markup("</title></circle></a>"))
    for label in place_labels(located, frame, most):
        parts.append(
            Markup(f'<text x="{label["x"]:.1f}" y="{label["y"]:.1f}" class="label" text-anchor="middle" dy="0.35em">')
            + escape(label["name"])
            + Markup("</text>")
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _place_id(q: dict[str, Any]) -> object:
    place: dict[str, object] = q["p"]
    return place.get("id")


def _count(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 1
