"""Tests for the analysis commands of the CLI (crosscheck.cli_views), run on a ledger built
from hand-written reports about a port strike (see test_queries.REPORTS)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crosscheck import output
from crosscheck.api import add_sources
from crosscheck.cli import app
from crosscheck.ledger import Ledger
from test_queries import write_reports

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    path = root / "ledger.db"
    with Ledger.open(path) as ledger:
        assert add_sources(ledger, [str(write_reports(root / "reports"))]).added == 4
    return path


@pytest.fixture()
def scratch(built: Path, tmp_path: Path) -> Path:
    """A copy of the built ledger that a test may change."""
    target = tmp_path / "scratch.db"
    shutil.copy(built, target)
    return target


@pytest.fixture(autouse=True)
def wide_console() -> Iterator[None]:
    width = output.console.width
    output.console.width = 220
    yield
    output.console.width = width


def run(ledger: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--ledger", str(ledger), *args])
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def as_json(ledger: Path, *args: str) -> object:
    return json.loads(run(ledger, *args, "--json"))


def fire_cluster(ledger: Path) -> dict:
    rows = as_json(ledger, "clusters", "--status", "contested")
    found = [r for r in rows if "live ammunition" in r["proposition"]]
    assert found
    return found[0]


def test_cli_views_every_command_documented(built: Path) -> None:
    text = run(built, "--help")
    for command in (
        "reanalyse",
        "entities",
        "entity",
        "merge",
        "split",
        "places",
        "claims",
        "claim",
        "figures",
        "clusters",
        "cluster",
        "origins",
        "changes",
        "corrections",
        "undo",
    ):
        assert f" {command} " in text
    sub = run(built, "cluster", "--help")
    for command in ("show", "merge", "split", "stance", "status"):
        assert f" {command} " in sub


def test_cli_views_entities(built: Path) -> None:
    rows = {r["name"]: r for r in as_json(built, "entities")}
    assert rows["Amnesty International"]["docs"] == 2
    people = as_json(built, "entities", "--type", "PERSON")
    assert [r["name"] for r in people] == ["Maria Contreras"]
    table = run(built, "entities", "--kind", "ngo")
    assert "Amnesty International" in table and "Maria Contreras" not in table


def test_cli_views_entity_why(built: Path) -> None:
    text = run(built, "entity", "NDU", "--why")
    assert "National Dockworkers Union" in text
    assert "judgements" in text and "auto" in text and "mentions in 2 reports" in text
    data = as_json(built, "entity", "Amnesty International")
    assert len({m["doc"] for m in data["mentions"]}) == 2
    err = runner.invoke(app, ["--ledger", str(built), "entity", "Nobody At All"])
    assert err.exit_code == 4 and "no such entity" in err.output


def test_cli_views_places(built: Path) -> None:
    rows = as_json(built, "places", "--country", "CL")
    assert rows and all(r["country"] == "CL" for r in rows)
    assert "Valparaiso" in run(built, "places")
    assert as_json(built, "places", "--country", "NZ") == []


def test_cli_views_claims_and_claim(built: Path) -> None:
    denials = as_json(built, "claims", "--polarity", "negative")
    assert denials and all(c["polarity"] == "negative" for c in denials)
    union = as_json(built, "claims", "--source", "Dockworkers")
    assert union and all("Dockworkers" in c["source"] for c in union)
    strike = next(c for c in union if "Antofagasta" in c["text"])
    assert "2,000 workers [sic] had joined" in run(built, "claim", strike["id"])  # text is never read as markup
    denial = next(c for c in denials if c["cue"] == "denied")
    shown = run(built, "claim", denial["id"][:9])
    assert "The Interior Ministry denied that police used live ammunition" in shown
    assert "cue: denied" in shown and "refutes" in shown
    data = as_json(built, "claim", denial["id"])
    assert data["sentence"][slice(*data["content_at"])] == data["text"]
    assert runner.invoke(app, ["--ledger", str(built), "claim", "cNOPE"]).exit_code == 4


def test_cli_views_figures_and_series(built: Path) -> None:
    figures = as_json(built, "figures", "--category", "arrested")
    assert sorted(f["value"] for f in figures) == [120.0, 310.0]
    text = run(built, "figures", "--series")
    assert "120 (2025-03-03) → 310 (2025-03-05)" in text and "Amnesty International" in text
    assert as_json(built, "figures", "--series", "--category", "killed") == []


def test_cli_views_clusters_cluster_origins(built: Path) -> None:
    fire = fire_cluster(built)
    assert fire["id"] in {r["id"] for r in as_json(built, "clusters", "--place", "Valparaiso")}
    assert fire["id"] not in {r["id"] for r in as_json(built, "clusters", "--status", "corroborated")}
    assert fire["id"] in {r["id"] for r in as_json(built, "clusters", "--entity", "Interior Ministry")}
    shown = run(built, "cluster", fire["id"])
    assert shown == run(built, "cluster", "show", fire["id"])
    assert "contested" in shown and "refutes" in shown and "supports" in shown and fire["proposition"] in shown
    assert as_json(built, "cluster", fire["id"][:8])["id"] == fire["id"]
    origins = run(built, "origins", fire["id"])
    assert "Amnesty International (named" in origins and "Interior Ministry (named" in origins
    assert runner.invoke(app, ["--ledger", str(built), "cluster", "knope"]).exit_code == 4


def test_cli_views_changes_and_stats(built: Path) -> None:
    text = run(built, "changes", "--since", "1d", "--by", "added")
    assert "contested" in text and "120 (2025-03-03) → 310 (2025-03-05)" in text
    assert as_json(built, "changes", "--since", "2999-01-01")["statuses"] == []
    assert runner.invoke(app, ["--ledger", str(built), "changes", "--since", "whenever"]).exit_code == 4
    stats = {r["what"]: r["count"] for r in as_json(built, "stats")}
    assert stats["not analysed (es)"] == 1 and stats["clusters contested"] >= 1


def test_cli_views_entity_corrections_and_undo(scratch: Path) -> None:
    out = run(scratch, "merge", "Interior Ministry", "Maria Contreras")
    assert "merged Interior Ministry and Maria Contreras" in out
    merged = as_json(scratch, "entity", "Maria Contreras")
    assert merged["id"] == as_json(scratch, "entity", "Interior Ministry")["id"]
    assert {"Maria Contreras", "Interior Ministry"} <= {e["name"] for e in merged["entities"]}
    assert "user" in run(scratch, "entity", "Maria Contreras", "--why")
    fixes = as_json(scratch, "corrections")
    assert fixes[0]["kind"] == "entity" and fixes[0]["decision"] == "same" and not fixes[0]["undone"]
    run(scratch, "undo")
    assert as_json(scratch, "entity", "Maria Contreras")["id"] != as_json(scratch, "entity", "Interior Ministry")["id"]
    assert as_json(scratch, "corrections")[0]["undone"] is True
    run(scratch, "split", "Amnesty International", "Amnesty International", code=2)
    run(scratch, "undo", "999", code=4)


def test_cli_views_cluster_corrections(scratch: Path) -> None:
    fire = fire_cluster(scratch)
    claims = as_json(scratch, "cluster", fire["id"])["claims"]
    refuting = [c["id"] for c in claims if c["stance"] == "refutes"]
    out = run(scratch, "cluster", "split", fire["id"], *refuting)
    assert f"split {len(refuting)} claim(s)" in out
    assert as_json(scratch, "cluster", fire["id"])["status"] != "contested"
    run(scratch, "cluster", "status", fire["id"], "denied", "--note", "desk check")
    shown = as_json(scratch, "cluster", fire["id"])
    assert shown["status"] == "denied" and "desk check" in shown["reason"]
    run(scratch, "cluster", "status", fire["id"], "maybe", code=2)
    run(scratch, "undo")
    run(scratch, "undo")
    assert as_json(scratch, "cluster", fire["id"])["status"] == "contested"
    supporting = next(c["id"] for c in claims if c["stance"] == "supports")
    run(scratch, "cluster", "stance", supporting, "discusses")
    assert as_json(scratch, "claim", supporting)["stance"] == "discusses"


def test_cli_views_reanalyse_keeps_corrections(scratch: Path) -> None:
    fire = fire_cluster(scratch)
    other = next(r for r in as_json(scratch, "clusters") if r["id"] != fire["id"])
    run(scratch, "cluster", "merge", fire["id"], other["id"])
    out = run(scratch, "reanalyse")
    assert "re-analysed 4 documents" in out
    sizes = {r["id"]: r["size"] for r in as_json(scratch, "clusters")}
    assert sizes[fire["id"]] == fire["size"] + other["size"]
