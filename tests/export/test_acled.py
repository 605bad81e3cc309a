"""The ACLED-style export: PLOVER types mapped to ACLED's, conservative fatalities, places."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from crosscheck.export import write_export
from crosscheck.export.acled import COLUMNS, acled_rows, acled_type
from crosscheck.ledger import Ledger


def test_acled_type_rules_and_defaults() -> None:
    protest = acled_type("PROTEST", "Hundreds of nurses rallied outside the health ministry")
    assert protest and (protest.event_type, protest.sub_event_type) == (
        "Protests",
        "Peaceful protest",
    )
    assert protest.disorder_type == "Demonstrations"
    force = acled_type("PROTEST", "Riot police fired tear gas at the marchers")
    assert force and force.sub_event_type == "Excessive force against protesters"
    riot = acled_type("PROTEST", "Youths torched two police cars during the demonstration")
    assert riot and riot.event_type == "Riots"
    strike = acled_type("ASSAULT", "A drone strike hit a market in the north")
    assert strike and (strike.event_type, strike.sub_event_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    clash = acled_type("FIGHT", "Rebels and soldiers fought for the bridge")
    assert clash and clash.event_type == "Battles"
    arrests = acled_type("COERCE", "Police detained 30 students")
    assert arrests and arrests.sub_event_type == "Arrests"
    moved = acled_type("MOBILIZE", "The army sent two brigades to the border")
    assert moved and moved.sub_event_type == "Change to group/activity"
    assert acled_type("CONSULT", "The ministers met in Geneva") is None
    assert acled_type(None, "Police detained 30 students") is None
    assert acled_type("UNKNOWN_TYPE", "anything") is None
    assert acled_type("ASSAULT", "The earthquake killed 40 people") is None  # not political violence


def _claim(id_: str, event_type: str | None, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "doc": extra.pop("doc", "d1"),
        "span": {"doc": "d1", "start": 0, "end": len(text), "text": text},
        "sentence": {"text": text},
        "source": {"text": "the monitor", "kind": "named"},
        "event_type": event_type,
        "polarity": "positive",
        "certainty": "certain",
        "stance": "supports",
        "cluster": None,
        "places": [],
        "entities": [],
        "figures": [],
        "when": None,
        **extra,
    }


def _figure(id_: str, claim: str, value: float, category: str = "killed", **extra: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "claim": claim,
        "value": value,
        "low": None,
        "category": category,
        "part_of": None,
        **extra,
    }


DATA: dict[str, Any] = {
    "documents": [
        {
            "id": "d1",
            "outlet": "Delta Monitor",
            "published": "2031-08-02",
            "url": "https://dm.example/1",
        },
        {"id": "d2", "outlet": "River Wire", "published": "2031-08-03T10:00:00", "url": None},
    ],
    "places": [
        {
            "id": "geonames:1",
            "name": "Port Amon",
            "country": "NG",
            "admin1": "Rivers",
            "lat": 4.8,
            "lon": 7.0,
            "feature": "city",
        },
        {
            "id": "iso3166-2:NG-RI",
            "name": "Rivers",
            "country": "NG",
            "admin1": "Rivers",
            "lat": 4.9,
            "lon": 6.9,
            "feature": "admin1",
        },
        {
            "id": "iso3166-1:NG",
            "name": "Nigeria",
            "country": "NG",
            "admin1": None,
            "lat": 9.0,
            "lon": 8.0,
            "feature": "country",
        },
        {
            "id": "unresolved:x",
            "name": "Xland",
            "country": None,
            "admin1": None,
            "lat": None,
            "lon": None,
            "feature": "unknown",
        },
    ],
    "entities": [
        {
            "id": "e1",
            "name": "Delta Brigade",
            "type": "ORG",
            "mentions": [{"doc": "d1", "start": 0, "text": "Delta Brigade"}],
        },
        {
            "id": "e2",
            "name": "Ijaw Youth Council",
            "type": "ORG",
            "mentions": [{"doc": "d1", "start": 30, "text": "Ijaw Youth Council"}],
        },
        {
            "id": "e3",
            "name": "Nigeria",
            "type": "GPE",
            "mentions": [{"doc": "d1", "start": 5, "text": "Nigeria"}],
        },
    ],
    "claims": [
        _claim(
            "c1",
            "ASSAULT",
            "Delta Brigade gunmen attacked the Ijaw Youth Council office, killing villagers",
            cluster="k1",
            places=["iso3166-1:NG", "geonames:1", "unresolved:x"],
            entities=["e3", "e2", "e1"],
            when={"start": "2031-08-01", "end": "2031-08-01", "precision": "day"},
        ),
        _claim(
            "c2",
            "ASSAULT",
            "at least 9 villagers were killed in the raid",
            cluster="k1",
            doc="d2",
            places=["iso3166-2:NG-RI"],
        ),
        _claim("c3", "ASSAULT", "the brigade killed 7 villagers", cluster="k1", stance="refutes"),
        _claim("c4", "ASSAULT", "no villagers were killed", cluster="k1", polarity="negative"),
        _claim("c5", "CONSULT", "elders met the governor"),
        _claim("c6", "PROTEST", "women marched through Port Amon", places=["geonames:1"]),
        _claim("c7", None, "the river rose"),
    ],
    "figures": [
        _figure("f1", "c1", 12),
        _figure("f1b", "c1", 3, part_of="f1"),
        _figure("f2", "c2", 9, low=9.0),
        _figure("f3", "c3", 7),
        _figure("f4", "c4", 0),
        _figure("f5", "c2", 400, category="displaced"),
    ],
    "clusters": [{"id": "k1", "status": "contested"}],
}


def test_acled_rows_one_per_event_claim() -> None:
    rows = {r["event_id_cnty"]: r for r in acled_rows(DATA)}
    assert sorted(rows) == ["c1", "c2", "c3", "c6"]  # no denial, no CONSULT, no untyped claim
    assert all(list(r) == list(COLUMNS) for r in rows.values())


def test_acled_row_fields() -> None:
    rows = {r["event_id_cnty"]: r for r in acled_rows(DATA)}
    c1 = rows["c1"]
    assert (c1["event_date"], c1["year"], c1["time_precision"]) == ("2031-08-01", "2031", 1)
    assert (c1["event_type"], c1["sub_event_type"]) == ("Violence against civilians", "Attack")
    assert (c1["actor1"], c1["actor2"]) == (
        "Delta Brigade",
        "Ijaw Youth Council",
    )  # GPEs are not actors
    assert (c1["location"], c1["admin1"], c1["country"], c1["iso"]) == (
        "Port Amon",
        "Rivers",
        "Nigeria",
        "566",
    )
    assert (c1["latitude"], c1["longitude"], c1["geo_precision"]) == (4.8, 7.0, 1)
    assert (c1["source"], c1["url"], c1["event_group"], c1["cluster_status"]) == (
        "Delta Monitor",
        "https://dm.example/1",
        "k1",
        "contested",
    )
    c2 = rows["c2"]
    assert (c2["event_date"], c2["time_precision"]) == ("2031-08-03", 2)  # publication date
    assert (c2["location"], c2["admin1"], c2["geo_precision"]) == ("Rivers", "Rivers", 2)
    assert c2["actor2"] == "Civilians (Nigeria)" and c2["actor1"] == ""
    c6 = rows["c6"]
    assert (c6["event_type"], c6["actor1"]) == ("Protests", "Protesters (Nigeria)")


def test_acled_fatalities_take_the_lowest_supporting_figure() -> None:
    rows = {r["event_id_cnty"]: r for r in acled_rows(DATA)}
    # 12 (c1) and 9 (c2) support; 7 refutes and 0 is a denial: the lowest supporting figure is 9;
    # the breakdown of 3 is not a total, and displaced people are not deaths.
    assert rows["c1"]["fatalities"] == 9 and rows["c2"]["fatalities"] == 9
    assert rows["c3"]["fatalities"] == 7  # its own figure counts for its own row
    assert rows["c6"]["fatalities"] == 0


def test_acled_ledger_csv_loads_back(export_ledger_path: Path, export_data: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        message = write_export(ledger, "acled", str(out))
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert list(reader.fieldnames or []) == list(COLUMNS)
    expected = acled_rows(export_data)
    assert len(rows) == len(expected) > 0 and message and f"wrote {len(rows)} events" in message
    claims = {c["id"]: c for c in export_data["claims"]}
    for row in rows:
        claim = claims[row["event_id_cnty"]]
        assert claim["event_type"] == row["plover_type"] and claim["polarity"] == "positive"
        assert row["notes"] == " ".join(claim["span"]["text"].split())
        assert int(row["fatalities"]) >= 0
        assert row["geo_precision"] in {"", "1", "2", "3"}
