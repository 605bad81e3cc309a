"""The places map: fitted to the story's region, a world inset only for far places, labels
that never collide, and one projection shared by the brief and the web app."""

from __future__ import annotations

import itertools
import re

from crosscheck.report import charts
from crosscheck.report.map import add_titles, fit_frame, place_labels, places_map_spec, split_core
from crosscheck.web.charts import places_map

IRAQ = [
    ("Baghdad", "IQ", 33.31, 44.36, 30),
    ("Basra", "IQ", 30.51, 47.78, 12),
    ("Karbala", "IQ", 32.62, 44.02, 8),
    ("Najaf", "IQ", 32.0, 44.33, 7),
    ("Hillah", "IQ", 32.48, 44.42, 3),
    ("Kut", "IQ", 32.5, 45.82, 3),
    ("Tehran", "IR", 35.69, 51.39, 20),
    ("Mosul", "IQ", 36.34, 43.13, 4),
]
WASHINGTON = ("Washington", "US", 38.9, -77.04, 9)


def _places(rows: list[tuple[str, str, float, float, int]]) -> list[dict[str, object]]:
    return [{"name": n, "country": c, "lat": lat, "lon": lon, "mentions": m} for n, c, lat, lon, m in rows]


def _boxes(labels: list[dict[str, float]]) -> list[tuple[float, float, float, float]]:
    return [
        (x["x"] - 3 * len(str(x["name"])), x["y"] - 6, x["x"] + 3 * len(str(x["name"])), x["y"] + 6) for x in labels
    ]


def test_map_fits_the_region_and_insets_far_places() -> None:
    spec = places_map_spec(_places([*IRAQ, WASHINGTON]))
    assert spec is not None and spec["usermeta"]["inset"] == ["Washington"]
    west, south, east, north = spec["usermeta"]["box"]
    assert 35 < west < 44 and 51 < east < 60 and 25 < south < 31 and 36 < north < 42  # not the world
    main, inset = spec["hconcat"]
    assert "Washington" not in {p["name"] for p in main["layer"][1]["data"]["values"]}
    assert "Washington" in {p["name"] for p in inset["layer"][2]["data"]["values"]}
    alone = places_map_spec(_places(IRAQ))
    assert alone is not None and "hconcat" not in alone and alone["usermeta"]["inset"] == []


def test_map_core_holds_most_mentions() -> None:
    core, far = split_core(_places([*IRAQ, WASHINGTON, ("Paris", "FR", 48.86, 2.35, 1)]))
    assert {p["name"] for p in far} == {"Washington", "Paris"} and len(core) == len(IRAQ)


def test_map_labels_never_collide_and_the_rest_are_named_on_hover() -> None:
    # a crowded patch: forty places within half a degree of each other
    crowd = [(f"Village number {i}", "IQ", 33 + (i % 7) * 0.07, 44 + (i // 7) * 0.08, 40 - i) for i in range(40)]
    places = _places(crowd)
    frame = fit_frame(places, 680, 400)
    labels = place_labels(places, frame, most=40)
    assert 0 < len(labels) < len(places) and labels[0]["name"] == "Village number 0"  # the largest first
    for a, b in itertools.combinations(_boxes(labels), 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert all(0 <= x["x"] <= 680 and 0 <= x["y"] <= 400 for x in labels)
    spec = places_map_spec(places)
    assert spec is not None and spec["usermeta"]["labelled"] == [x["name"] for x in labels]
    svg = add_titles(charts.render_svg(spec))
    assert svg.count("<title>") == svg.count('aria-roledescription="circle"') == 40
    assert "<title>Village number 39 (IQ): 1 mentions</title>" in svg


def test_map_one_projection_for_brief_and_web() -> None:
    places = _places(IRAQ)
    spec = places_map_spec(places)
    assert spec is not None
    frame = fit_frame(places, 680, 400)
    assert spec["projection"] == frame.projection()
    # Vega draws each dot where the shared frame says, so the labels placed in Python fit
    svg = charts.render_svg(spec)
    drawn = [
        tuple(map(float, m))
        for m in re.findall(r'aria-roledescription="circle" transform="translate\(([\d.]+),([\d.]+)\)', svg)
    ]
    expected = sorted(frame.project(float(p["lon"]), float(p["lat"])) for p in places)  # type: ignore[arg-type]
    assert len(drawn) == len(places)
    for (x, y), (ex, ey) in zip(sorted(drawn), expected, strict=True):
        assert abs(x - ex) < 0.5 and abs(y - ey) < 0.5
    # the web app draws its map with the same spec builder, hence the same fitting
    dots = re.findall(
        r'aria-roledescription="circle" transform="translate\(([\d.]+),([\d.]+)\)', str(places_map(places))
    )
    web = sorted(fit_frame(places, 900, 440).project(float(p["lon"]), float(p["lat"])) for p in places)  # type: ignore[arg-type]
    assert len(dots) == len(places)
    for (x, y), (ex, ey) in zip(sorted((float(a), float(b)) for a, b in dots), web, strict=True):
        assert abs(x - ex) < 0.5 and abs(y - ey) < 0.5


def test_web_places_map_links_and_names_each_dot() -> None:
    svg = str(places_map(_places([*IRAQ, WASHINGTON])))
    assert svg.count("<title>") >= len(IRAQ) + 1 and "#p-0" in svg and "all places" in svg
