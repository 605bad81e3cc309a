"""Chart specs render offline to SVG with marks; labels from reports stay escaped."""

from __future__ import annotations

import re

from crosscheck.report import charts
from crosscheck.report.map import places_map_spec, world_topology

HOSTILE = "<script>alert(1)</script>"


def _series() -> dict[str, object]:
    points = [
        {
            "as_of": "2030-05-01",
            "value": 10.0,
            "origin": "Health Office",
            "qualifier": "at_least",
            "note": 1,
        },
        {
            "as_of": "2030-05-03",
            "value": 25.0,
            "origin": "Health Office",
            "qualifier": "exactly",
            "note": 2,
        },
        {"as_of": "2030-05-02", "value": 18.0, "origin": HOSTILE, "qualifier": "about", "note": 3},
    ]
    return {"category": "injured", "what": "people", "points": points}


def test_charts_series_renders_lines_points_and_links() -> None:
    svg = charts.render_svg(charts.series_spec(_series()))
    assert svg.startswith("<svg") and 'aria-roledescription="line mark"' in svg
    assert svg.count('aria-roledescription="point"') >= 3
    assert re.findall(r'xlink:href="(#n\d+)"', svg)[:1] == ["#n1"] or "#n1" in svg
    assert "vega.github.io" not in svg and "<script" not in svg
    assert "&lt;script&gt;" in svg


def test_charts_competing_and_timeline_render() -> None:
    group = {
        "category": "killed",
        "rows": [
            {
                "origin": "Ministry",
                "what": "dead",
                "value": 12.0,
                "low": 12.0,
                "high": 12.0,
                "qualifier": "exactly",
                "as_of": "2030-01-02",
                "note": 4,
            },
            {
                "origin": "Monitor",
                "what": "dead",
                "value": 30.0,
                "low": 20.0,
                "high": 40.0,
                "qualifier": "between",
                "as_of": "2030-01-02",
                "note": 5,
            },
        ],
    }
    bars = charts.render_svg(charts.competing_spec(group))
    assert bars.count('aria-roledescription="bar"') == 2
    line = charts.render_svg(
        charts.timeline_spec(
            [
                {
                    "start": "2030-01-01",
                    "end": "2030-01-03",
                    "event_type": "PROTEST",
                    "note": 1,
                    "text": "march",
                },
                {
                    "start": "2030-01-05",
                    "end": None,
                    "event_type": None,
                    "note": 2,
                    "text": "talks",
                },
            ]
        )
    )
    assert line.count('aria-roledescription="point"') == 2


def test_charts_prefix_ids_keeps_references_consistent() -> None:
    svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/><use href="#clip1"/></svg>'
    out = charts.prefix_ids(svg, "m")
    assert 'id="mclip1"' in out and "url(#mclip1)" in out and 'href="#mclip1"' in out
    assert 'id="clip1"' not in out


def test_charts_actor_graph_escapes_and_draws() -> None:
    graph = {
        "nodes": [
            {"id": "a", "name": HOSTILE, "type": "PERSON", "mentions": 3},
            {"id": "b", "name": "Harbour Guild", "type": "ORG", "mentions": 9},
            {"id": "c", "name": "Lone Party", "type": "ORG", "mentions": 1},
        ],
        "edges": [{"source": "a", "predicate": "leader_of", "target": "b", "count": 1}],
    }
    svg = charts.actor_graph_svg(graph)
    assert svg.count("<circle") >= 3 and svg.count("<line") == 1 and "leader of" in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)[:3]]
    assert all(0 <= x <= 720 for x in xs)
    assert charts.actor_graph_svg({"nodes": [], "edges": []}) == ""


def test_map_spec_fits_places_and_drops_far_countries() -> None:
    places = [
        {"name": "Valparaíso", "country": "CL", "lat": -33.05, "lon": -71.62, "mentions": 4},
        {"name": "Mendoza", "country": "AR", "lat": -32.89, "lon": -68.83, "mentions": 1},
    ]
    spec = places_map_spec(places)
    assert spec is not None
    kept = spec["layer"][0]["data"]["values"]["objects"]["countries"]["geometries"]
    names = {g["properties"]["name"] for g in kept}
    assert {"Chile", "Argentina"} <= names and "China" not in names
    assert len(kept) < len(world_topology()["objects"]["countries"]["geometries"]) / 4
    svg = charts.render_svg(spec)
    assert svg.count('aria-roledescription="circle"') == 2
    assert 'aria-roledescription="shape mark container"><path' in svg  # the basemap is drawn
    assert places_map_spec([{"name": "Nowhere", "country": None, "lat": None, "lon": None}]) is None
