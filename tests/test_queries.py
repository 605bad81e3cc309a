"""Tests for crosscheck.queries on a small ledger of hand-written reports (a port strike)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosscheck import queries
from crosscheck.api import add_sources
from crosscheck.ledger import Ledger

REPORTS = {
    "courier": (
        "Pacific Courier",
        "2025-03-03",
        "en",
        "Police fire on striking dockworkers in Valparaiso\n\n"
        "Police fired live ammunition at striking dockworkers in Valparaiso, the rights group Amnesty International said on "
        "Monday. At least 120 people were arrested during the protests, the group said.\n\n"
        "The National Dockworkers Union (NDU) called for a general strike. Union leader Maria Contreras said "
        "the strike would continue until wages were raised.\n",
    ),
    "herald": (
        "Andes Herald",
        "2025-03-05",
        "en",
        "Interior Ministry rejects account of shootings at the port\n\n"
        "Amnesty International said police fired live ammunition at protesters in Valparaiso. The Interior "
        "Ministry denied that police used live ammunition against the protesters.\n\n"
        "At least 310 people have been arrested since the protests began, Amnesty International said on "
        "Wednesday. Contreras, who leads the NDU, told reporters the union would not back down.\n",
    ),
    "wire": (
        "Coastal Wire",
        "2025-03-06",
        "en",
        "Strike spreads along the coast\n\n"
        "Witnesses told Coastal Wire that police fired live ammunition at protesters in Valparaiso. The "
        "National Dockworkers' Union said more than 2,000 workers [sic] had joined the strike in Antofagasta.\n",
    ),
    "diario": (
        "Diario del Puerto",
        "2025-03-06",
        "es",
        "La policía disparó contra los trabajadores portuarios en Valparaíso, según testigos.\n",
    ),
}


def write_reports(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (outlet, published, language, text) in REPORTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        meta = {"outlet": outlet, "published": published, "language": language}
        (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    root = tmp_path_factory.mktemp("queries")
    with Ledger.open(root / "ledger.db") as opened:
        summary = add_sources(opened, [str(write_reports(root / "reports"))])
        assert summary.added == 4
        yield opened


def _live_fire(ledger: Ledger) -> dict:
    found = [k for k in queries.list_clusters(ledger) if "live ammunition" in k["proposition"]]
    assert found, "the live-fire reports form a cluster"
    return found[0]


def test_queries_entities_merge_across_reports(ledger: Ledger) -> None:
    rows = {r["name"]: r for r in queries.list_entities(ledger)}
    assert rows["Amnesty International"]["docs"] == 2
    assert rows["Amnesty International"]["kind"] == "ngo"
    assert "NDU" in rows["National Dockworkers Union"]["aliases"]
    people = queries.list_entities(ledger, type="person")
    assert [r["name"] for r in people] == ["Maria Contreras"]
    assert queries.list_entities(ledger, kind="no-such-kind") == []


def test_queries_entity_detail_by_alias_with_context(ledger: Ledger) -> None:
    data = queries.entity_detail(ledger, "ndu", why=True)
    assert data["name"] == "National Dockworkers Union"
    assert {e["name"] for e in data["entities"]} >= {"National Dockworkers Union", "NDU"}
    for m in data["mentions"]:
        start, end = m["at"]
        assert m["context"][start:end] == m["text"]
    assert any(j["author"] == "auto" and j["decision"] == "same" and j["features"] for j in data["judgements"])


def test_queries_entity_unknown_raises(ledger: Ledger) -> None:
    with pytest.raises(queries.NotFound):
        queries.entity_detail(ledger, "Nobody At All")


def test_queries_places_by_country(ledger: Ledger) -> None:
    chile = queries.list_places(ledger, country="cl")
    assert "Valparaiso" in {p["name"] for p in chile}
    assert all(p["country"] == "CL" for p in chile)
    assert queries.list_places(ledger, country="NZ") == []


def test_queries_claims_filters(ledger: Ledger) -> None:
    every = queries.list_claims(ledger)
    denials = queries.list_claims(ledger, polarity="negative")
    assert denials and all(c["polarity"] == "negative" for c in denials)
    assert any("live ammunition" in c["text"] for c in denials)
    amnesty = queries.list_claims(ledger, source="amnesty")
    assert amnesty and len(amnesty) < len(every)
    by_entity = queries.list_claims(ledger, entity="Amnesty International")
    assert {c["id"] for c in amnesty} <= {c["id"] for c in by_entity}
    herald = queries.list_claims(ledger, doc=ledger.document("herald.txt")["id"])
    assert herald and {c["doc"] for c in herald} == {ledger.document("herald.txt")["id"]}
    assert not any(c["text"].startswith("La policía") for c in every)  # Spanish is stored, not analysed
    with pytest.raises(queries.NotFound):
        queries.list_claims(ledger, doc="no-such-document")


def test_queries_claim_detail_marks_spans(ledger: Ledger) -> None:
    target = next(c for c in queries.list_claims(ledger, polarity="negative") if c["cue"] == "denied")
    data = queries.claim_detail(ledger, target["id"][:8])
    s = data["sentence"]
    assert s[slice(*data["content_at"])] == data["text"]
    assert s[slice(*data["cue_at"])].lower() == "denied"
    assert "Interior Ministry" in s[slice(*data["source_at"])]
    assert data["stance"] == "refutes" and data["cluster"]


def test_queries_figures_and_series(ledger: Ledger) -> None:
    arrests = queries.list_figures(ledger, category="arrested")
    assert sorted(f["value"] for f in arrests) == [120.0, 310.0]
    assert {f["origin"] for f in arrests} == {"Amnesty International"}
    series = queries.list_series(ledger, category="arrested")
    assert len(series) == 1
    assert [p["value"] for p in series[0]["points"]] == [120.0, 310.0]
    assert series[0]["values"] == "120 (2025-03-03) → 310 (2025-03-05)"
    assert queries.list_series(ledger, category="killed") == []


def test_queries_clusters_filters(ledger: Ledger) -> None:
    fire = _live_fire(ledger)
    assert fire["status"] == "contested"
    assert "Interior Ministry" in fire["refuted_by"]
    assert fire["id"] in {k["id"] for k in queries.list_clusters(ledger, status="contested")}
    assert fire["id"] not in {k["id"] for k in queries.list_clusters(ledger, status="corroborated")}
    assert fire["id"] in {k["id"] for k in queries.list_clusters(ledger, entity="Interior Ministry")}
    assert fire["id"] in {k["id"] for k in queries.list_clusters(ledger, place="Valparaiso")}
    assert fire["id"] not in {k["id"] for k in queries.list_clusters(ledger, place="Antofagasta")}
    assert all(k["size"] >= 2 for k in queries.list_clusters(ledger, min_size=2))


def test_queries_cluster_detail_and_origins(ledger: Ledger) -> None:
    fire = _live_fire(ledger)
    data = queries.cluster_detail(ledger, fire["id"][:10])
    stances = {c["stance"] for c in data["claims"]}
    assert {"supports", "refutes"} <= stances
    for c in data["claims"]:
        assert c["text"] in c["sentence"] or c["sentence"] in c["text"]
    origins = queries.cluster_origins(ledger, fire["id"])
    names = {o["origin"] for o in origins["origins"]}
    assert "Amnesty International" in names and "Interior Ministry" in names
    amnesty = next(o for o in origins["origins"] if o["origin"] == "Amnesty International")
    assert len(amnesty["docs"]) == 2  # one origin, reached through two outlets
    with pytest.raises(queries.NotFound):
        queries.cluster_detail(ledger, "k")


def test_queries_changes_since(ledger: Ledger) -> None:
    data = queries.changes_since(ledger, "1d", by="added")
    assert any(s["after"] == "contested" for s in data["statuses"])
    assert any(f["before"] == 120.0 and f["after"] == 310.0 for f in data["figures"])
    future = queries.changes_since(ledger, "2999-01-01")
    assert future == {"by": "published", "since": "2999-01-01", "statuses": [], "figures": [], "corrections": []}


def test_queries_parse_since_forms() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
    assert queries.parse_since("2026-02-01", now) == "2026-02-01"
    assert queries.parse_since("3d", now).startswith("2026-02-07T12:00")
    assert queries.parse_since("yesterday", now) == "2026-02-09"
    with pytest.raises(queries.NotFound):
        queries.parse_since("last blue moon", now)
