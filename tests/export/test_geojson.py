"""The GeoJSON export: RFC 7946 points in longitude, latitude order, unresolved places left out."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from crosscheck.export import write_export
from crosscheck.export.geojson import export_geojson, write_geojson
from crosscheck.ledger import Ledger


def assert_rfc7946(collection: dict[str, Any]) -> None:
    """The parts of RFC 7946 a FeatureCollection of Points must meet."""
    assert collection["type"] == "FeatureCollection" and isinstance(collection["features"], list)
    assert "crs" not in collection  # removed from the format (RFC 7946 4)
    ids = set()
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) >= {"type", "geometry", "properties"}
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature.get("id", ""), (str, int, float))
        ids.add(feature["id"])
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert len(ids) == len(collection["features"])
    json.dumps(collection, allow_nan=False)


PLACES = {
    "places": [
        {
            "id": "geonames:3936456",
            "name": "Lima",
            "country": "PE",
            "admin1": "Lima",
            "lat": -12.04318,
            "lon": -77.02824,
            "feature": "city",
            "gazetteer_id": "geonames:3936456",
            "mentions": [
                {"doc": "d1", "start": 0, "end": 4, "text": "Lima"},
                {"doc": "d2", "start": 9, "end": 13, "text": "Lima"},
            ],
        },
        {
            "id": "unresolved:puerto nadie",
            "name": "Puerto Nadie",
            "country": None,
            "admin1": None,
            "lat": None,
            "lon": None,
            "feature": "unknown",
            "gazetteer_id": None,
            "mentions": [{"doc": "d1", "start": 20, "end": 32, "text": "Puerto Nadie"}],
        },
        {
            "id": "bad:1",
            "name": "Nowhere",
            "country": None,
            "admin1": None,
            "lat": 95.0,
            "lon": 10.0,
            "feature": "city",
            "gazetteer_id": None,
            "mentions": [],
        },
    ],
    "claims": [
        {
            "id": "c1",
            "doc": "d1",
            "span": {"text": "dockworkers marched in Lima"},
            "places": ["geonames:3936456"],
            "source": {"text": "the union", "kind": "anonymous"},
            "cluster": "k1",
        },
        {
            "id": "c2",
            "doc": "d1",
            "span": {"text": "the strike ended"},
            "places": [],
            "source": {"text": "Port News", "kind": "outlet"},
            "cluster": None,
        },
    ],
    "clusters": [{"id": "k1", "status": "single_source"}],
    "figures": [{"id": "f1", "place": "geonames:3936456"}],
}


def test_geojson_points_are_lon_lat_with_counts_and_claims() -> None:
    collection = export_geojson(PLACES)
    assert_rfc7946(collection)
    [lima] = collection["features"]
    assert lima["geometry"]["coordinates"] == [-77.02824, -12.04318]
    props = lima["properties"]
    assert (
        props["name"],
        props["country"],
        props["feature"],
        props["mentions"],
        props["documents"],
    ) == ("Lima", "PE", "city", 2, 2)
    assert props["gazetteer_id"] == "geonames:3936456" and props["figure_count"] == 1
    assert props["claims"] == [
        {
            "id": "c1",
            "text": "dockworkers marched in Lima",
            "doc": "d1",
            "source": "the union",
            "status": "single_source",
        }
    ]


def test_geojson_leaves_out_unresolved_and_out_of_range_places() -> None:
    collection = export_geojson(PLACES)
    assert [f["id"] for f in collection["features"]] == ["geonames:3936456"]
    assert collection["unresolved"] == 2
    assert collection["unresolved_names"] == ["Nowhere", "Puerto Nadie"]
    assert export_geojson({})["features"] == []


def test_geojson_ledger_export_validates(export_ledger_path: Path, export_data: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "places.geojson"
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        message = write_export(ledger, "geojson", str(out))
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert_rfc7946(collection)
    resolved = [p for p in export_data["places"] if p["lat"] is not None]
    assert len(collection["features"]) == len(resolved) > 0
    assert len(collection["features"]) + collection["unresolved"] == len(export_data["places"])
    if collection["unresolved"]:
        assert message and "unresolved" in message
    linked = {c["id"] for f in collection["features"] for c in f["properties"]["claims"]}
    assert linked <= {c["id"] for c in export_data["claims"]} and linked
    geojson = pytest.importorskip("geojson")
    assert geojson.loads(out.read_text(encoding="utf-8")).is_valid


def test_geojson_stdout_is_the_same(export_ledger_path: Path, tmp_path: Path) -> None:
    buffer = io.StringIO()
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        write_geojson(ledger, buffer)
        write_export(ledger, "geojson", str(tmp_path / "p.geojson"))
    assert json.loads(buffer.getvalue()) == json.loads((tmp_path / "p.geojson").read_text(encoding="utf-8"))
