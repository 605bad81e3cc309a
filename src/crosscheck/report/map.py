"""The places map: a Vega-Lite spec over a shipped Natural Earth basemap, drawn offline.

The basemap is `data/countries-110m.json` (TopoJSON from the npm package world-atlas; see its
README). The view is fitted to the places with a margin, and countries far outside it are left
out of the spec so the SVG stays small. Nothing is fetched: no tiles, no web fonts.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from crosscheck.report.charts import SCHEMA

__all__ = ["places_map_spec", "world_topology"]

BASEMAP = "countries-110m.json"
MIN_SPAN = 12.0  # degrees: the smallest view, so one city still shows its region


@lru_cache(maxsize=1)
def world_topology() -> dict[str, Any]:
    """The shipped countries TopoJSON, parsed once."""
    text = resources.files("crosscheck.data").joinpath(BASEMAP).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def _arc_boxes() -> list[tuple[float, float, float, float]]:
    """Longitude/latitude bounds of every arc of the basemap (arcs are quantised and
    delta-encoded, as TopoJSON stores them)."""
    topo = world_topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    boxes = []
    for arc in topo["arcs"]:
        x = y = 0
        xs, ys = [], []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            xs.append(x * sx + tx)
            ys.append(y * sy + ty)
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _geometry_box(geometry: dict[str, Any]) -> tuple[float, float, float, float] | None:
    boxes = _arc_boxes()
    arcs: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, int):
            arcs.append(node if node >= 0 else ~node)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(geometry.get("arcs", []))
    if not arcs:
        return None
    parts = [boxes[a] for a in arcs]
    return (
        min(p[0] for p in parts),
        min(p[1] for p in parts),
        max(p[2] for p in parts),
        max(p[3] for p in parts),
    )


def _view(places: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    """The box (west, south, east, north) to show: the places plus a margin."""
    lons, lats = [p["lon"] for p in places], [p["lat"] for p in places]
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    cx, cy = (w + e) / 2, (s + n) / 2
    half_x = max((e - w) * 0.6, MIN_SPAN / 2)
    half_y = max((n - s) * 0.6, MIN_SPAN / 3)
    return (
        max(cx - half_x, -180.0),
        max(cy - half_y, -75.0),
        min(cx + half_x, 180.0),
        min(cy + half_y, 82.0),
    )


def _topology_within(box: tuple[float, float, float, float]) -> dict[str, Any]:
    topo = world_topology()
    w, s, e, n = box
    keep = []
    for g in topo["objects"]["countries"]["geometries"]:
        b = _geometry_box(g)
        if b and b[0] <= e and b[2] >= w and b[1] <= n and b[3] >= s:
            keep.append(g)
    objects = {"countries": {"type": "GeometryCollection", "geometries": keep}}
    return {
        "type": "Topology",
        "transform": topo["transform"],
        "arcs": topo["arcs"],
        "objects": objects,
    }


def places_map_spec(places: list[dict[str, Any]], *, width: int = 680, height: int = 400) -> dict[str, Any] | None:
    """Points for `places` (dicts with name, country, lat, lon, mentions) over the basemap,
    sized by mentions and coloured by country; None when no place has coordinates."""
    points = [
        {
            "name": p["name"],
            "country": p.get("country") or "?",
            "lat": float(p["lat"]),
            "lon": float(p["lon"]),
            "mentions": int(p.get("mentions") or 1),
        }
        for p in places
        if p.get("lat") is not None and p.get("lon") is not None
    ]
    if not points:
        return None
    box = _view(points)
    w, s, e, n = box
    fit = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "MultiPoint", "coordinates": [[w, s], [e, n], [w, n], [e, s]]},
    }
    labelled = sorted(points, key=lambda p: -p["mentions"])[:12]
    point_enc = {
        "longitude": {"field": "lon", "type": "quantitative"},
        "latitude": {"field": "lat", "type": "quantitative"},
    }
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "projection": {"type": "equalEarth" if e - w > 200 else "mercator", "fit": fit},
        "layer": [
            {
                "data": {
                    "values": _topology_within(box),
                    "format": {"type": "topojson", "feature": "countries"},
                },
                "mark": {
                    "type": "geoshape",
                    "fill": "#eef0f2",
                    "stroke": "#a9b0b8",
                    "strokeWidth": 0.6,
                    "clip": True,
                },
            },
            {
                "data": {"values": points},
                "mark": {
                    "type": "circle",
                    "opacity": 0.8,
                    "stroke": "white",
                    "strokeWidth": 0.8,
                    "clip": True,
                },
                "encoding": {
                    **point_enc,
                    "size": {
                        "field": "mentions",
                        "type": "quantitative",
                        "title": "mentions",
                        "scale": {"range": [40, 900]},
                    },
                    "color": {
                        "field": "country",
                        "type": "nominal",
                        "title": "country",
                        "scale": {"scheme": "tableau10"},
                    },
                    "tooltip": [{"field": "name"}, {"field": "country"}, {"field": "mentions"}],
                },
            },
            {
                "data": {"values": labelled},
                "mark": {"type": "text", "dy": -11, "fontSize": 10, "color": "#222", "clip": True},
                "encoding": {**point_enc, "text": {"field": "name"}},
            },
        ],
    }
