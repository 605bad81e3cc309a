"""The places map: fitted to the story, labels that do not collide, drawn offline.

`fit_frame` is the one projection logic of crosscheck's maps: a Mercator view fitted to the
story's core places with a margin (the places holding most mentions, within one region), with
an explicit scale and translation so Python knows where every dot lands. The brief's Vega-Lite
spec (`places_map_spec`) and the web app's fallback SVG (`web.render.map_svg`) both use it.
Places far outside the core (another continent) are shown on a small world inset instead of
shrinking the story to a thumbnail. `place_labels` labels the most mentioned places whose
label fits without touching another label or dot; the rest are named on hover and in lists.

The basemap is `data/countries-110m.json` (TopoJSON from the npm package world-atlas; see its
README); countries far outside the view are left out of the spec so the SVG stays small.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from crosscheck.report.charts import SCHEMA

__all__ = ["Frame", "add_titles", "fit_frame", "place_labels", "places_map_spec", "split_core", "world_topology"]

BASEMAP = "countries-110m.json"
MIN_SPAN = 8.0  # degrees: the smallest view, so one city still shows its region
MARGIN = 0.15  # of the places' extent, on each side
CORE = (28.0, 20.0)  # half-width and half-height (degrees) of the region the main view may hold
MAX_LAT = 80.0
SIZE_RANGE = (40.0, 900.0)  # circle areas in px², fewest to most mentions
LABEL_FONT = 10
CHAR_WIDTH = 6.0  # px per character at LABEL_FONT, a little wider than Arial's average
INSET = (220, 120)


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


def _merc_y(lat: float) -> float:
    phi = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    return math.log(math.tan(math.pi / 4 + phi / 2))


@dataclass(frozen=True, slots=True)
class Frame:
    """A Mercator view of `box` (west, south, east, north) on a `width` × `height` canvas."""

    box: tuple[float, float, float, float]
    width: int
    height: int
    scale: float
    translate: tuple[float, float]

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """Canvas pixels of a point (as d3's geoMercator with this scale and translate)."""
        return (
            self.translate[0] + self.scale * math.radians(lon),
            self.translate[1] - self.scale * _merc_y(lat),
        )

    def invert(self, x: float, y: float) -> tuple[float, float]:
        """The longitude and latitude drawn at canvas pixel (x, y)."""
        lon = math.degrees((x - self.translate[0]) / self.scale)
        lat = math.degrees(2 * math.atan(math.exp((self.translate[1] - y) / self.scale)) - math.pi / 2)
        return lon, lat

    def projection(self) -> dict[str, Any]:
        """The Vega-Lite projection drawing exactly this frame."""
        return {"type": "mercator", "scale": self.scale, "translate": list(self.translate)}


def fit_frame(places: list[dict[str, Any]], width: int, height: int) -> Frame:
    """The view of `places` (dicts with lat, lon): their extent plus a margin, at least
    MIN_SPAN degrees, centred, with the scale that fits both sides of the canvas."""
    lons, lats = [float(p["lon"]) for p in places], [float(p["lat"]) for p in places]
    w, e, s, n = min(lons), max(lons), min(lats), max(lats)
    half_x = max((e - w) * (0.5 + MARGIN), MIN_SPAN / 2)
    half_y = max((n - s) * (0.5 + MARGIN), MIN_SPAN / 3)
    cx, cy = (w + e) / 2, (s + n) / 2
    box = (
        max(cx - half_x, -180.0),
        max(cy - half_y, -MAX_LAT),
        min(cx + half_x, 180.0),
        min(cy + half_y, MAX_LAT),
    )
    span_x = math.radians(box[2] - box[0])
    span_y = _merc_y(box[3]) - _merc_y(box[1])
    scale = min(width / span_x, height / span_y)
    mid_x = math.radians((box[0] + box[2]) / 2)
    mid_y = (_merc_y(box[3]) + _merc_y(box[1])) / 2
    return Frame(
        box=box,
        width=width,
        height=height,
        scale=scale,
        translate=(width / 2 - scale * mid_x, height / 2 + scale * mid_y),
    )


def split_core(places: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The story's region and the rest: the places within CORE degrees of the place whose
    surroundings hold most mentions, and the places outside it (other continents)."""
    if not places:
        return [], []

    def near(a: dict[str, Any], b: dict[str, Any]) -> bool:
        dlon = abs(float(a["lon"]) - float(b["lon"]))
        return min(dlon, 360 - dlon) <= CORE[0] and abs(float(a["lat"]) - float(b["lat"])) <= CORE[1]

    def weight(p: dict[str, Any]) -> int:
        return int(p.get("mentions") or 1)

    centre = max(places, key=lambda c: (sum(weight(p) for p in places if near(c, p)), weight(c)))
    core = [p for p in places if near(centre, p)]
    return core, [p for p in places if not near(centre, p)]


def _radius(mentions: int, most: int) -> float:
    lo, hi = SIZE_RANGE
    return math.sqrt((lo + (hi - lo) * mentions / max(most, 1)) / math.pi)


Box = tuple[float, float, float, float]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: list[dict[str, Any]], frame: Frame, most: int, limit: int = 14) -> list[dict[str, Any]]:
    """Labels for the most mentioned points that fit: each tries the right, left, top and
    bottom of its dot and is kept only where it touches no other label, no other dot's
    centre and stays on the canvas. Returns the labels with the lon/lat of their centre."""
    dots = []
    for p in points:
        x, y = frame.project(p["lon"], p["lat"])
        r = _radius(p["mentions"], most)
        dots.append((p, x, y, r))
    cores: list[Box] = [(x - r / 2, y - r / 2, x + r / 2, y + r / 2) for _, x, y, r in dots]
    placed: list[Box] = []
    out: list[dict[str, Any]] = []
    for i, (p, x, y, r) in sorted(enumerate(dots), key=lambda d: -d[1][0]["mentions"]):
        if len(out) >= limit:
            break
        w, h = CHAR_WIDTH * len(p["name"]) + 4, LABEL_FONT + 4
        for cx, cy in ((x + r + 2 + w / 2, y), (x - r - 2 - w / 2, y), (x, y - r - h / 2), (x, y + r + h / 2)):
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if box[0] < 0 or box[1] < 0 or box[2] > frame.width or box[3] > frame.height:
                continue
            if any(_overlaps(box, b) for b in placed):
                continue
            if any(_overlaps(box, c) for j, c in enumerate(cores) if j != i):
                continue
            placed.append(box)
            lon, lat = frame.invert(cx, cy)
            out.append({"name": p["name"], "lon": lon, "lat": lat, "x": cx, "y": cy})
            break
    return out


def _topology_within(box: Box | None) -> dict[str, Any]:
    topo = world_topology()
    keep = []
    for g in topo["objects"]["countries"]["geometries"]:
        b = _geometry_box(g)
        if box is None or (b and b[0] <= box[2] and b[2] >= box[0] and b[1] <= box[3] and b[3] >= box[1]):
            keep.append(g)
    objects = {"countries": {"type": "GeometryCollection", "geometries": keep}}
    return {"type": "Topology", "transform": topo["transform"], "arcs": topo["arcs"], "objects": objects}


def _basemap(box: Box | None) -> dict[str, Any]:
    return {
        "data": {"values": _topology_within(box), "format": {"type": "topojson", "feature": "countries"}},
        "mark": {"type": "geoshape", "fill": "#eef0f2", "stroke": "#a9b0b8", "strokeWidth": 0.6, "clip": True},
    }


POINT = {"longitude": {"field": "lon", "type": "quantitative"}, "latitude": {"field": "lat", "type": "quantitative"}}


def _polygon(ring: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring]}


def _inset(points: list[dict[str, Any]], box: Box) -> dict[str, Any]:
    """A small world map with every place and the main view's box."""
    w, s, e, n = box
    ring = [[w, s], [w, n], [e, n], [e, s], [w, s]]  # clockwise: d3's inside of a spherical polygon
    return {
        "width": INSET[0],
        "height": INSET[1],
        "title": {"text": "all places", "fontSize": 11, "fontWeight": "normal", "color": "#5f6b76"},
        "projection": {"type": "equalEarth"},
        "layer": [
            _basemap(None) | {"mark": {"type": "geoshape", "fill": "#eef0f2", "stroke": "#c5cad0", "strokeWidth": 0.3}},
            {
                "data": {"values": [{"type": "Feature", "properties": {}, "geometry": _polygon(ring)}]},
                "mark": {"type": "geoshape", "fill": "none", "stroke": "#c45100", "strokeWidth": 1.2},
            },
            {
                "data": {"values": points},
                "mark": {"type": "circle", "size": 18, "color": "#1f5fa8", "opacity": 0.9},
                "encoding": {**POINT, "tooltip": [{"field": "name"}, {"field": "mentions"}]},
            },
        ],
    }


def places_map_spec(places: list[dict[str, Any]], *, width: int = 680, height: int = 400) -> dict[str, Any] | None:
    """Points for `places` (dicts with name, country, lat, lon, mentions, optional href) over
    the basemap, fitted to the story's region (see the module docstring), sized by mentions
    and coloured by country, the labels placed by `place_labels`; None when no place has
    coordinates. The spec's `usermeta` lists which places are labelled and which are inset."""
    points = [
        {
            "name": str(p["name"]),
            "country": p.get("country") or "?",
            "lat": float(p["lat"]),
            "lon": float(p["lon"]),
            "mentions": int(p.get("mentions") or 1),
            **({"href": p["href"]} if p.get("href") else {}),
        }
        for p in places
        if p.get("lat") is not None and p.get("lon") is not None
    ]
    if not points:
        return None
    for p in points:
        p["label"] = f"{p['name']} ({p['country']}): {p['mentions']} mentions"
    core, far = split_core(points)
    frame = fit_frame(core, width, height)
    most = max(p["mentions"] for p in points)
    labels = place_labels(core, frame, most)
    dots: dict[str, Any] = {
        "data": {"values": core},
        "mark": {"type": "circle", "opacity": 0.8, "stroke": "white", "strokeWidth": 0.8, "clip": True},
        "encoding": {
            **POINT,
            "size": {
                "field": "mentions",
                "type": "quantitative",
                "title": "mentions",
                "scale": {"domain": [0, most], "range": list(SIZE_RANGE)},
                "legend": {"values": sorted({1, max(1, most // 2), most})},
            },
            "color": {"field": "country", "type": "nominal", "title": "country", "scale": {"scheme": "tableau10"}},
            "tooltip": [{"field": "name"}, {"field": "country"}, {"field": "mentions"}],
            "description": {"field": "label"},
            **({"href": {"field": "href"}} if any("href" in p for p in core) else {}),
        },
    }
    main: dict[str, Any] = {
        "width": width,
        "height": height,
        "projection": frame.projection(),
        "layer": [
            _basemap(frame.box),
            dots,
            {
                "data": {"values": [{"name": x["name"], "lon": x["lon"], "lat": x["lat"]} for x in labels]},
                "mark": {
                    "type": "text",
                    "fontSize": LABEL_FONT,
                    "color": "#222",
                    "align": "center",
                    "baseline": "middle",
                    "clip": True,
                },
                "encoding": {**POINT, "text": {"field": "name"}},
            },
        ],
    }
    meta = {"labelled": [x["name"] for x in labels], "inset": [p["name"] for p in far], "box": list(frame.box)}
    if not far:
        return {"$schema": SCHEMA, **main, "usermeta": meta}
    return {"$schema": SCHEMA, "hconcat": [main, _inset(points, frame.box)], "usermeta": meta}


_CIRCLE = re.compile(r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="circle"([^>]*?)/>')


def add_titles(svg: str) -> str:
    """Give each circle of a rendered map a `<title>` (its aria label), so a browser names
    the place on hover without any script."""

    def sub(m: re.Match[str]) -> str:
        label = html.escape(html.unescape(m.group(1)), quote=False)
        return f'<path aria-label="{m.group(1)}" role="graphics-symbol" aria-roledescription="circle"{m.group(2)}><title>{label}</title></path>'

    return _CIRCLE.sub(sub, svg)
