"""Charts for the web pages, drawn by the brief's chart module (`report.charts`, `report.map`):
Vega-Lite specs rendered offline to SVG (cached, as rendering costs tens of milliseconds) and
the actor graph. A chart that cannot be drawn is left out; the table beside it holds the data."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from crosscheck.report.charts import actor_graph_svg, prefix_ids, render_svg, series_spec
from crosscheck.report.map import add_titles, places_map_spec

__all__ = ["places_map", "relation_chart", "series_chart"]

log = logging.getLogger(__name__)
_CACHE: OrderedDict[str, str] = OrderedDict()
_LOCK = threading.Lock()
_SIZE = 256


def _render(spec: dict[str, Any], prefix: str) -> str:
    key = hashlib.sha256(json.dumps([spec, prefix], sort_keys=True, default=str).encode()).hexdigest()
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    svg = prefix_ids(render_svg(spec), prefix)
    with _LOCK:
        _CACHE[key] = svg
        while len(_CACHE) > _SIZE:
            _CACHE.popitem(last=False)
    return svg


def _safely(what: str, draw: Any) -> Markup:
    """`draw()` as Markup (SVG from our own specs, labels escaped by Vega or by
    `actor_graph_svg`); nothing, and one log line, when it fails."""
    try:
        return Markup(draw())  # noqa: S704 - SVG from our own spec
    except Exception as exc:  # a chart is never worth a failed page
        log.warning("cannot draw the %s: %s", what, exc)
        return Markup("")


def series_chart(series: dict[str, Any], index: int) -> Markup:
    """A series as the brief's line chart; each point links to its row (`#s{index}-{n}`)."""
    points = [
        {
            "as_of": p.get("as_of"),
            "value": p["value"],
            "origin": series.get("source") or "?",
            "qualifier": p.get("qualifier") or "exactly",
            "note": f"s{index}-{n}",
        }
        for n, p in enumerate(series["points"])
    ]

    def draw() -> str:
        spec = series_spec({**series, "points": points})
        for row in spec["data"]["values"]:  # our anchors are `#s1-0`, not the brief's `#n12`
            row["href"] = row["href"].replace("#n", "#")
        return _render(spec, f"s{index}-")

    return _safely("series chart", draw)


def places_map(places: list[dict[str, Any]]) -> Markup:
    """The places on the vendored world map, fitted like the brief's (`report.map`); each dot
    links to the place's row (`#p-N`) and names the place on hover."""
    spec = places_map_spec([p | {"href": f"#p-{i}"} for i, p in enumerate(places)], width=900, height=440)
    if spec is None:
        return Markup("")
    return _safely("places map", lambda: add_titles(_render(spec, "map-")))


def relation_chart(center: str, center_name: str, center_type: str, relations: Sequence[dict[str, str]]) -> Markup:
    """An actor's relations as the brief's actor graph: the actor and each related actor
    (sized by how many relations they share), arrows labelled with the predicate, every node
    linking to its entity page."""
    names = {center: center_name}
    shared: dict[str, int] = {center: 0}
    edges: dict[tuple[str, str, str], int] = {}
    for r in relations:
        if r["subject_id"] == r["object_id"]:
            continue
        names.setdefault(r["subject_id"], r["subject"])
        names.setdefault(r["object_id"], r["object"])
        key = (r["subject_id"], r["predicate"], r["object_id"])
        edges[key] = edges.get(key, 0) + 1
        for end in (r["subject_id"], r["object_id"]):
            shared[end] = shared.get(end, 0) + 1
    keep = [center, *sorted((n for n in shared if n != center), key=lambda n: (-shared[n], names[n]))[:12]]
    nodes = [
        {
            "id": n,
            "name": names[n],
            "type": center_type if n == center else "OTHER",
            "mentions": max(shared[n], 1),
            "href": f"/entities/{quote(n, safe='')}",
        }
        for n in keep
    ]
    graph = {
        "nodes": nodes,
        "edges": [
            {"source": s, "predicate": p, "target": o, "count": c}
            for (s, p, o), c in edges.items()
            if s in keep and o in keep
        ],
    }
    return _safely("relation graph", lambda: prefix_ids(actor_graph_svg(graph, width=520, height=360), "graph-"))
