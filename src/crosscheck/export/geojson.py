"""The GeoJSON export: the places of the ledger as RFC 7946 Point features.

Each resolved place is one feature (coordinates in longitude, latitude order, WGS 84) with its
gazetteer entry, how often and in how many reports it is mentioned, and the claims that name it.
Places the gazetteer could not resolve have no coordinates: they are left out, and the
collection says how many (`unresolved`) and which (`unresolved_names`), as foreign members
that GeoJSON readers ignore.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, TextIO

from crosscheck.export.stream import export_parts_lazy
from crosscheck.ledger import Ledger

__all__ = ["export_geojson", "write_geojson"]

Row = dict[str, Any]


def _point(place: Row) -> list[float] | None:
    lat, lon = place.get("lat"), place.get("lon")
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return [round(float(lon), 6), round(float(lat), 6)]  # RFC 7946 3.1.1: longitude first


def export_geojson(data: Row) -> Row:
    """A FeatureCollection of the places in an export (`export_ledger`'s dict)."""
    status = {k["id"]: k["status"] for k in data.get("clusters", [])}
    claims_at: dict[str, list[Row]] = defaultdict(list)
    for c in data.get("claims", []):
        for place in c.get("places") or []:
            claims_at[place].append(
                {
                    "id": c["id"],
                    "text": c["span"]["text"],
                    "doc": c["doc"],
                    "source": (c.get("source") or {}).get("text"),
                    "status": status.get(c.get("cluster") or ""),
                }
            )
    figures_at: dict[str, int] = defaultdict(int)
    for f in data.get("figures", []):
        if f.get("place"):
            figures_at[f["place"]] += 1
    features, unresolved = [], []
    for place in data.get("places", []):
        point = _point(place)
        if point is None:
            unresolved.append(place["name"])
            continue
        mentions = place.get("mentions") or []
        claims = claims_at.get(place["id"], [])
        features.append(
            {
                "type": "Feature",
                "id": place["id"],
                "geometry": {"type": "Point", "coordinates": point},
                "properties": {
                    "name": place["name"],
                    "country": place.get("country"),
                    "admin1": place.get("admin1"),
                    "feature": place.get("feature"),
                    "gazetteer_id": place.get("gazetteer_id"),
                    "mentions": len(mentions),
                    "documents": len({m["doc"] for m in mentions}),
                    "claim_count": len(claims),
                    "claims": claims,
                    "figure_count": figures_at.get(place["id"], 0),
                },
            }
        )
    features.sort(key=lambda f: (-f["properties"]["mentions"], f["properties"]["name"]))
    return {
        "type": "FeatureCollection",
        "features": features,
        "unresolved": len(unresolved),
        "unresolved_names": sorted(unresolved),
    }


def write_geojson(ledger: Ledger, out: TextIO) -> str | None:
    """Write the places as GeoJSON to `out`; returns a note on unresolved places, if any."""
    collection = export_geojson(export_parts_lazy(ledger))
    json.dump(collection, out, ensure_ascii=False, indent=1)
    out.write("\n")
    if collection["unresolved"]:
        return (
            f"{len(collection['features'])} places written; {collection['unresolved']} unresolved "
            "places have no coordinates and were left out"
        )
    return None
