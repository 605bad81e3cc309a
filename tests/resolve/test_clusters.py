"""Clusters, stance, origins and status end to end, on small hand-written reports."""

from pathlib import Path

import pytest

from crosscheck.api import add_sources
from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger

REPORTS = {
    "a-harbour.md": """---
outlet: Harbour Post
published: 2031-03-04
---
Floods kill dozens in Velmora
The Red Crescent said on Monday that 42 people were killed when the river burst its banks in Velmora.
The regional governor denied that the Karsal dam had been opened before the flood.
""",
    "b-star.md": """---
outlet: Evening Star
published: 2031-03-05
---
Velmora flood toll rises
At least 42 people were killed in the Velmora floods, the Interior Ministry said in a statement.
Residents said the Karsal dam had been opened hours before the flood, according to two engineers who spoke on condition of anonymity.
""",
    "c-courier.md": """---
outlet: Daily Courier
published: 2031-03-05
---
Velmora counts its dead after the river rose
The Red Crescent said on Monday that 42 people were killed when the river burst its banks in Velmora.
The regional governor denied that the Karsal dam had been opened before the flood.
""",
}


@pytest.fixture(scope="module")
def ledger_data(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("reports")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Ledger.open(folder / "l.db") as ledger:
        summary = add_sources(ledger, [str(folder)])
        assert summary.failed == 0
        return export_ledger(ledger)


def _claims_with(data: dict, words: str) -> list[dict]:
    return [c for c in data["claims"] if words in c["span"]["text"]]


def _cluster(data: dict, cid: str) -> dict:
    return next(c for c in data["clusters"] if c["id"] == cid)


def test_clusters_same_toll_from_two_bodies_is_corroborated(ledger_data: dict) -> None:
    claims = _claims_with(ledger_data, "42 people were killed")
    clusters = {c["cluster"] for c in claims}
    assert len(clusters) == 1, [c["span"]["text"] for c in claims]
    cluster = _cluster(ledger_data, clusters.pop())
    assert cluster["status"] == "corroborated"
    assert len(cluster["origins"]) == 2
    assert any("Red Crescent" in o for o in cluster["origins"])
    assert any("Interior Ministry" in o for o in cluster["origins"])


def test_clusters_syndicated_copy_adds_no_origin(ledger_data: dict) -> None:
    docs = {d["origin"].rsplit("/", 1)[-1]: d for d in ledger_data["documents"]}
    assert docs["c-courier.md"]["duplicate_of"] == docs["a-harbour.md"]["id"]
    claims = _claims_with(ledger_data, "42 people were killed")
    cluster = _cluster(ledger_data, claims[0]["cluster"])
    assert len(cluster["origins"]) == 2  # the Courier's copy of the Red Crescent claim is not a third


def test_clusters_denial_refutes_and_contests(ledger_data: dict) -> None:
    denials = [c for c in _claims_with(ledger_data, "dam had been opened") if c["polarity"] == "negative"]
    assert denials and all(c["stance"] == "refutes" for c in denials)
    supports = [c for c in _claims_with(ledger_data, "dam had been opened") if c["polarity"] == "positive"]
    assert supports
    cluster = _cluster(ledger_data, supports[0]["cluster"])
    assert denials[0]["cluster"] == cluster["id"]
    assert cluster["status"] == "contested"
    assert cluster["refuted_by"]


def test_clusters_different_figures_are_different_clusters(ledger_data: dict) -> None:
    toll = _claims_with(ledger_data, "42 people were killed")[0]["cluster"]
    dam = _claims_with(ledger_data, "dam had been opened")[0]["cluster"]
    assert toll != dam


def test_clusters_status_changes_are_recorded_with_their_document(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a-harbour.md").write_text(REPORTS["a-harbour.md"], encoding="utf-8")
    with Ledger.open(tmp_path / "l.db") as ledger:
        add_sources(ledger, [str(folder)])
        (folder / "b-star.md").write_text(REPORTS["b-star.md"], encoding="utf-8")
        add_sources(ledger, [str(folder / "b-star.md")])
        rows = ledger.conn.execute("SELECT before, after, doc FROM changes WHERE kind='status'").fetchall()
        star = ledger.document("b-star.md")
    assert star is not None
    assert ("single_source", "corroborated", star["id"]) in [tuple(r) for r in rows]
