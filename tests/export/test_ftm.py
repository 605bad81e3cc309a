"""The FollowTheMoney export: every line loads with the followthemoney model, strictly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck.export import write_export
from crosscheck.export.ftm import export_ftm
from crosscheck.ledger import Ledger


def _span(doc: str, text: str, start: int = 0) -> dict[str, Any]:
    return {"doc": doc, "start": start, "end": start + len(text), "text": text}


def _entity(
    id_: str,
    name: str,
    type_: str,
    kind: str | None = None,
    aliases: list[str] | None = None,
    doc: str = "d1",
) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "type": type_,
        "kind": kind,
        "aliases": aliases or [],
        "mentions": [_span(doc, name)],
        "docs": [doc],
    }


def _relation(subject: str, predicate: str, obj: str, text: str = "evidence", doc: str = "d1") -> dict[str, Any]:
    return {
        "id": f"r-{subject}-{obj}-{predicate}",
        "subject": subject,
        "predicate": predicate,
        "object": obj,
        "evidence": [_span(doc, text)],
    }


DATA: dict[str, Any] = {
    "documents": [
        {
            "id": "d1",
            "sha256": "a" * 64,
            "outlet": "Harbour Times",
            "title": "Dock strike spreads",
            "url": "https://harbour-times.example/strike",
            "published": "2031-02-03T08:15:00+00:00",
            "language": "en",
            "author": "Desk",
            "text": "Dock strike text",
            "origin": "a.html",
        },
        {
            "id": "d2",
            "sha256": "b" * 64,
            "outlet": None,
            "title": None,
            "url": None,
            "published": None,
            "language": None,
            "author": None,
            "text": "Second text",
            "origin": "notes/b.txt",
        },
    ],
    "entities": [
        _entity("p1", "Rosa Lind", "PERSON", "leader", ["R. Lind"]),
        _entity("p2", "Omar Haddad", "PERSON"),
        _entity("o1", "Northern Dockers Union", "ORG", "union", ["NDU"]),
        _entity("o2", "Port Police", "ORG", "police"),
        _entity("o3", "Coastal Labour Alliance", "ORG", None, doc="d2"),
        _entity("g1", "Freedonia", "GPE"),
        _entity("n1", "Freedonian", "NORP"),
    ],
    "places": [{"id": "iso3166-1:FR", "name": "Freedonia", "country": "FR", "feature": "country"}],
    "relations": [
        _relation("p2", "member_of", "o1"),
        _relation("p1", "leader_of", "o1"),
        _relation("p1", "leader_of", "o1", "again", "d2"),
        _relation("o1", "part_of", "o3"),
        _relation("p1", "member_of", "p2"),
        _relation("o2", "located_in", "g1"),
        _relation("o1", "affiliated_with", "g1"),
        _relation("p2", "spokesperson_of", "o2"),
    ],
}


def _by_schema(entities: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for e in entities:
        out.setdefault(e["schema"], []).append(e)
    return out


def _strict_load(entities: list[dict[str, Any]]) -> None:
    """Load each entity with followthemoney: known schema, known properties, values that survive
    the model's cleaning unchanged, and entity references that point to an entity of the range."""
    model = pytest.importorskip("followthemoney").model
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities), "ids are unique"
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data["schema"]
        for name in data["properties"]:
            assert schema.get(name) is not None, f"{data['schema']} has no property {name}"
        proxy = model.get_proxy(data, cleaned=False)
        loaded = {k: sorted(v) for k, v in proxy.to_dict()["properties"].items()}
        assert loaded == data["properties"], data["id"]
        for prop in proxy.iterprops():
            if prop.type.name == "entity":
                for ref in proxy.get(prop):
                    target = model.get(by_id[ref]["schema"])
                    assert target.is_a(prop.range), (data["schema"], prop.name, target.name)


def test_ftm_maps_actors_links_and_documents() -> None:
    entities = list(export_ftm(DATA))
    _strict_load(entities)
    kinds = _by_schema(entities)
    assert sorted(e["properties"]["name"][0] for e in kinds["Person"]) == [
        "Omar Haddad",
        "Rosa Lind",
    ]
    assert [e["properties"]["name"] for e in kinds["PublicBody"]] == [["Port Police"]]
    assert sorted(e["properties"]["name"][0] for e in kinds["Organization"]) == [
        "Coastal Labour Alliance",
        "Northern Dockers Union",
    ]
    names = {e["properties"]["name"][0] for s in ("Person", "Organization", "PublicBody") for e in kinds[s]}
    assert "Freedonia" not in names and "Freedonian" not in names  # places and nationalities are not actors
    union = next(e for e in kinds["Organization"] if e["properties"]["name"] == ["Northern Dockers Union"])
    assert union["properties"]["alias"] == ["NDU"]
    police = kinds["PublicBody"][0]
    assert police["properties"]["country"] == ["fr"]  # located_in Freedonia
    assert "country" not in union["properties"]  # affiliated_with is not a country
    assert len(kinds["Membership"]) == 1 and kinds["Membership"][0]["properties"]["role"] == ["member of"]
    [directorship] = kinds["Directorship"]
    assert len(directorship["properties"]["proof"]) == 2  # one link, stated in two reports
    assert len(kinds["Representation"]) == 1
    assert sorted(e["properties"]["role"][0] for e in kinds["UnknownLink"]) == [
        "member of",
        "part of",
    ]


def test_ftm_documents_are_articles_with_hash_ids() -> None:
    entities = list(export_ftm(DATA))
    articles = _by_schema(entities)["Article"]
    assert len(articles) == 2
    first = next(a for a in articles if a["properties"].get("publisher") == ["Harbour Times"])
    assert first["properties"]["publishedAt"] == ["2031-02-03T08:15:00"]
    assert first["properties"]["sourceUrl"] == ["https://harbour-times.example/strike"]
    assert first["properties"]["language"] == ["eng"] and first["properties"]["title"] == ["Dock strike spreads"]
    second = next(a for a in articles if a is not first)
    assert "sourceUrl" not in second["properties"]  # a file path is not a URL
    again = list(export_ftm({**DATA, "documents": [{**DATA["documents"][0], "id": "other"}]}))
    assert _by_schema(again)["Article"][0]["id"] == first["id"]  # the id follows the text's hash


def test_ftm_mentions_tie_actors_to_reports() -> None:
    kinds = _by_schema(list(export_ftm(DATA)))
    ids = {e["properties"]["name"][0]: e["id"] for s in ("Person", "Organization") for e in kinds[s]}
    article = {a["properties"]["title"][0]: a["id"] for a in kinds["Article"]}
    mention = next(m for m in kinds["Mention"] if m["properties"]["resolved"] == [ids["Rosa Lind"]])
    assert mention["properties"]["document"] == [article["Dock strike spreads"]]
    assert mention["properties"]["name"] == ["Rosa Lind"] and mention["properties"]["detectedSchema"] == ["Person"]
    assert len(kinds["Mention"]) == 5  # one per actor and report; none for the place or nationality


def test_ftm_ledger_lines_load_with_the_model(
    export_ledger_path: Path, export_data: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "ledger.ftm.json"
    with Ledger.open(export_ledger_path, readonly=True) as ledger:
        message = write_export(ledger, "ftm", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    entities = [json.loads(line) for line in lines]
    assert message and message.startswith("wrote") and str(out) in message
    _strict_load(entities)
    kinds = _by_schema(entities)
    assert len(kinds["Article"]) == len(export_data["documents"])
    actors = [e for e in export_data["entities"] if e["type"] in ("PERSON", "ORG")]
    assert sum(len(kinds.get(s, [])) for s in ("Person", "Organization", "PublicBody")) == len(actors)
