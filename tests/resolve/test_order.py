"""The same reports added one by one in shuffled orders give the same clusters, stances,
statuses and origins (issue 10: order-free clustering)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crosscheck.api import add_sources
from crosscheck.ledger import Ledger

STORIES = Path(__file__).resolve().parents[1] / "eval" / "corpus"


def _state(ledger: Ledger) -> tuple[object, ...]:
    conn = ledger.conn
    members: dict[str, list[tuple[str, str]]] = {}
    for claim, cluster, stance in conn.execute("SELECT claim, cluster, stance FROM memberships"):
        members.setdefault(cluster, []).append((claim, stance))
    clusters = {
        r[0]: (r[1], r[2], r[3], r[4], tuple(sorted(members.get(r[0], []))))
        for r in conn.execute("SELECT id, status, origins, refuted_by, proposition FROM clusters")
    }
    actors = sorted((str(r[0]), str(r[1])) for r in conn.execute("SELECT entity, actor FROM actors"))
    return tuple(sorted(clusters.items())), tuple(actors)


def _reports(story: str) -> list[Path]:
    folder = STORIES / story
    return sorted(p for p in folder.iterdir() if p.name != "gold.json" and not p.name.endswith(".meta.json"))


@pytest.mark.parametrize("story", sorted(p.name for p in STORIES.iterdir() if (p / "gold.json").exists()))
def test_order_shuffled_adds_give_identical_clusters(story: str, tmp_path: Path) -> None:
    files = _reports(story)
    orders = [files, list(reversed(files))]
    shuffled = list(files)
    random.Random(7).shuffle(shuffled)
    orders.append(shuffled)
    states = []
    for i, order in enumerate(orders):
        with Ledger.open(tmp_path / f"l{i}.db") as ledger:
            for path in order:
                add_sources(ledger, [str(path)])
            states.append(_state(ledger))
    assert states[0][0], "the story should give clusters"
    assert states[0] == states[1]
    assert states[0] == states[2]
