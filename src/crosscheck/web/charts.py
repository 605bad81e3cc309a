"""Charts for the web pages: the brief's Vega-Lite specs rendered offline to SVG (cached, as
rendering costs tens of milliseconds), with the small SVGs of `web/render.py` as fallback."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from markupsafe import Markup

from crosscheck.web.render import line_chart, map_svg

__all__ = ["places_map", "series_chart"]

_CACHE: OrderedDict[str, str] = OrderedDict()
_LOCK = threading.Lock()
_SIZE = 256


def _render(spec: dict[str, Any], prefix: str) -> str:
    from crosscheck.report.charts import prefix_ids, render_svg

    key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
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


def series_chart(series: dict[str, Any], index: int) -> Markup:
    """A series as a Vega-Lite line chart; each point links to its row (`#s{index}-{n}`)."""
    try:
        from crosscheck.report.charts import series_spec

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
        spec = series_spec({**series, "points": points})
        for row in spec["data"]["values"]:  # our anchors are `#s1-0`, not the brief's `#n12`
            row["href"] = row["href"].replace("#n", "#")
        return Markup(_render(spec, f"s{index}-"))  # noqa: S704 - SVG from our own spec, labels escaped by Vega
    except Exception:
        return line_chart([(p.get("as_of") or "", float(p["value"])) for p in series["points"]])


def places_map(places: list[dict[str, Any]]) -> Markup:
    """The places on the vendored world map, fitted like the brief's (`report.map`); each dot
    links to the place's row (`#p-N`) and names the place on hover."""
    try:
        from crosscheck.report.map import add_titles, places_map_spec

        spec = places_map_spec([p | {"href": f"#p-{i}"} for i, p in enumerate(places)], width=900, height=440)
        if spec is None:
            return map_svg(places)
        return Markup(add_titles(_render(spec, "map-")))  # noqa: S704 - SVG from our own spec
    except Exception:
        return map_svg(places)
