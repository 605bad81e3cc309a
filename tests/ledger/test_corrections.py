"""Tests for crosscheck.ledger.corrections: user merges and splits, stances, statuses, undo,
and corrections that survive new reports and re-analysis. Reports about a mine collapse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosscheck import queries
from crosscheck.api import add_sources, reanalyse
from crosscheck.ledger import Ledger
from crosscheck.ledger import corrections as fix
from crosscheck.ledger.check import check_ledger

REPORTS = {
    "one": (
        "Highland Times",
        "2025-06-02",
        "Rescuers search for trapped miners in Potosi\n\n"
        "At least 14 miners were missing after a tunnel collapsed near Potosi, the Red Cross said on Monday. "
        "The Mining Ministry said the mine had passed a safety inspection in May.\n\n"
        "Workers' federation leader Juan Mamani said the company ignored repeated warnings.\n",
    ),
    "two": (
        "Valley Post",
        "2025-06-04",
        "Miners' federation blames company for collapse\n\n"
        "At least 22 miners were missing in the collapsed tunnel, the Red Cross said on Wednesday. "
        "The Mining Ministry denied that the company ignored warnings about the tunnel.\n\n"
        "Mamani said the company ignored repeated warnings from the miners.\n",
    ),
}


def _write(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        outlet, published, text = REPORTS[name]
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(
            json.dumps({"outlet": outlet, "published": published}), encoding="utf-8"
        )
    return folder


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    root = tmp_path_factory.mktemp("corrections")
    with Ledger.open(root / "ledger.db") as opened:
        assert add_sources(opened, [str(_write(root / "reports", ["one", "two"]))]).added == 2
        yield opened


def _actor(ledger: Ledger, name: str) -> dict:
    return queries.entity_detail(ledger, name)


def _red_cross(ledger: Ledger) -> list[str]:
    return sorted(e["id"] for e in _actor(ledger, "Red Cross")["entities"])


def _warnings_cluster(ledger: Ledger) -> dict:
    found = [k for k in queries.list_clusters(ledger) if "ignored" in k["proposition"] and k["size"] >= 2]
    assert found, "the warnings claims form a cluster"
    return found[0]


def test_corrections_split_and_undo_entities(ledger: Ledger) -> None:
    a, b = _red_cross(ledger)
    assert len(queries.list_series(ledger)) >= 1
    before_series = queries.list_series(ledger)
    done = fix.split_entities(ledger, a, b)
    assert done.kind == "entity" and done.decision == "different"
    assert len(_actor(ledger, a)["entities"]) == 1
    assert _actor(ledger, a)["id"] != _actor(ledger, b)["id"]
    # the figure series of one origin falls apart into two single points (no series)
    assert len(queries.list_series(ledger)) == len(before_series) - 1
    assert check_ledger(ledger) == []
    fix.undo(ledger, done.judgement)
    assert _red_cross(ledger) == sorted([a, b])
    assert len(queries.list_series(ledger)) == len(before_series)


def test_corrections_split_survives_a_new_report(ledger: Ledger, tmp_path: Path) -> None:
    a, b = _red_cross(ledger)
    done = fix.split_entities(ledger, a, b)
    extra = tmp_path / "three.txt"
    extra.write_text("The Red Cross said 9 miners had been rescued near Potosi.\n", encoding="utf-8")
    add_sources(ledger, [str(extra)])
    assert len(_actor(ledger, a)["entities"]) + len(_actor(ledger, b)["entities"]) == 3
    assert _actor(ledger, a)["id"] != _actor(ledger, b)["id"]
    fix.undo(ledger, done.judgement)
    assert len(_actor(ledger, a)["entities"]) == 3


def test_corrections_merge_entities_recomputes_clusters(ledger: Ledger) -> None:
    cluster = _warnings_cluster(ledger)
    assert "Mining Ministry" in cluster["refuted_by"]
    done = fix.merge_entities(ledger, "Mining Ministry", "Juan Mamani")
    assert _actor(ledger, "Juan Mamani")["id"] == _actor(ledger, "Mining Ministry")["id"]
    after = queries.cluster_detail(ledger, cluster["id"])
    assert "Mining Ministry" not in after["refuted_by"] or "Juan Mamani" not in after["origins"]
    assert after["reason"] != cluster["reason"]
    log = queries.changes_since(ledger, "1d")["corrections"]
    assert any("merged" in c["reason"] for c in log)
    fix.undo(ledger)
    assert _actor(ledger, "Juan Mamani")["id"] != _actor(ledger, "Mining Ministry")["id"]
    assert queries.cluster_detail(ledger, cluster["id"])["reason"] == cluster["reason"]
    assert fix.undo is not None and done.judgement > 0


def test_corrections_split_same_entity_refused(ledger: Ledger) -> None:
    with pytest.raises(fix.CorrectionError):
        fix.split_entities(ledger, "Red Cross", "Red Cross")
    with pytest.raises(queries.NotFound):
        fix.merge_entities(ledger, "Red Cross", "Nobody At All")


def test_corrections_stance_and_status(ledger: Ledger) -> None:
    cluster = _warnings_cluster(ledger)
    refuting = next(c for c in queries.cluster_detail(ledger, cluster["id"])["claims"] if c["stance"] == "refutes")
    fix.set_stance(ledger, refuting["id"], "discusses")
    after = queries.cluster_detail(ledger, cluster["id"])
    assert after["status"] != "contested" and after["refuted_by"] == []
    fix.set_status(ledger, cluster["id"], "denied", "checked with the ministry")
    after = queries.cluster_detail(ledger, cluster["id"])
    assert after["status"] == "denied"
    assert "checked with the ministry" in after["reason"]
    with pytest.raises(fix.CorrectionError):
        fix.set_status(ledger, cluster["id"], "probably")
    with pytest.raises(fix.CorrectionError):
        fix.set_stance(ledger, refuting["id"], "maybe")
    fix.undo(ledger)
    fix.undo(ledger)
    restored = queries.cluster_detail(ledger, cluster["id"])
    assert restored["status"] == cluster["status"] == "contested"


def test_corrections_cluster_split_merge_undo(ledger: Ledger) -> None:
    cluster = _warnings_cluster(ledger)
    claims = [c["id"] for c in queries.cluster_detail(ledger, cluster["id"])["claims"]]
    done = fix.split_cluster(ledger, cluster["id"], [claims[-1]])
    new = done.clusters[1]
    assert [c["id"] for c in queries.cluster_detail(ledger, new)["claims"]] == [claims[-1]]
    assert claims[-1] not in {c["id"] for c in queries.cluster_detail(ledger, cluster["id"])["claims"]}
    with pytest.raises(fix.CorrectionError):
        fix.split_cluster(ledger, new, [claims[-1]])  # nothing would be left
    merged = fix.merge_clusters(ledger, cluster["id"], new)
    assert queries.cluster_detail(ledger, cluster["id"])["size"] == len(claims)
    with pytest.raises(queries.NotFound):
        queries.cluster_detail(ledger, new)
    fix.undo(ledger, merged.judgement)
    assert queries.cluster_detail(ledger, new)["size"] == 1
    fix.undo(ledger, done.judgement)
    assert queries.cluster_detail(ledger, cluster["id"])["size"] == len(claims)
    with pytest.raises(fix.CorrectionError):
        fix.merge_clusters(ledger, cluster["id"], cluster["id"])


def test_corrections_survive_reanalysis(ledger: Ledger) -> None:
    cluster = _warnings_cluster(ledger)
    other = next(k for k in queries.list_clusters(ledger) if k["id"] != cluster["id"] and "missing" in k["proposition"])
    size = cluster["size"] + other["size"]
    fix.merge_clusters(ledger, cluster["id"], other["id"])
    target = queries.cluster_detail(ledger, cluster["id"])["claims"][0]["id"]
    fix.set_stance(ledger, target, "discusses")
    a, b = _red_cross(ledger)[:2]
    fix.split_entities(ledger, a, b)
    assert reanalyse(ledger) == ledger.count("documents")
    fix.reapply(ledger)
    home = queries.claim_detail(ledger, target)
    assert home["stance"] == "discusses"
    assert queries.cluster_detail(ledger, home["cluster"])["size"] == size
    assert _actor(ledger, a)["id"] != _actor(ledger, b)["id"]
    assert check_ledger(ledger) == []
    assert len([j for j in queries.list_judgements(ledger, active=True)]) == 3
