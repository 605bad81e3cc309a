"""Cross-report actor merges in the ledger: one name tied to two countries stays two actors, even
when a report names the group bare; a plain spelling variant still merges. Hand-written reports
about a border clash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosscheck import queries
from crosscheck.api import add_sources
from crosscheck.ledger import Ledger

REPORTS = {
    "one": (
        "Lowland Courier",
        "2030-03-02",
        "Rockets were fired at the airbase late on Sunday. Fighters of the Iraqi Hezbollah group "
        "claimed the attack, a spokesman for the provincial council said.\n",
    ),
    "two": (
        "Upland Review",
        "2030-03-03",
        "The Lebanese Hezbollah movement denied any role in the attack on the airbase. Hezbollah said "
        "its fighters were not in the area.\n",
    ),
    "bare": (
        "Coast Review",
        "2030-03-03",
        "Hezbollah denied any part in the rocket attack on the airbase, its statement said.\n",
    ),
    "three": (
        "Plains Review",
        "2030-03-04",
        "Hizbullah officials in Beirut repeated that the Lebanese Hezbollah movement had no fighters there.\n",
    ),
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    root = tmp_path_factory.mktemp("actors")
    folder = root / "reports"
    folder.mkdir()
    for name, (outlet, published, text) in REPORTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        meta = {"outlet": outlet, "published": published}
        (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with Ledger.open(root / "ledger.db") as opened:
        assert add_sources(opened, [str(folder)]).added == 4
        yield opened


def _actors_named(ledger: Ledger, name: str) -> list[dict]:
    return [a for a in queries.list_entities(ledger) if name == a["name"] or name in a["aliases"]]


def test_names_tied_to_two_countries_stay_two_actors(ledger: Ledger, tmp_path: Path) -> None:
    iraqi = _actors_named(ledger, "Iraqi Hezbollah")
    lebanese = _actors_named(ledger, "Lebanese Hezbollah")
    assert iraqi and lebanese
    assert {a["id"] for a in iraqi}.isdisjoint({a["id"] for a in lebanese})


def test_spelling_variant_of_the_same_group_still_merges(ledger: Ledger) -> None:
    (actor,) = _actors_named(ledger, "Hizbullah")
    assert "Lebanese Hezbollah" in [actor["name"], *actor["aliases"]]
