"""The actor watchlist: names and aliases the analyst knows become one actor, with its kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosscheck.api import add_sources
from crosscheck.errors import InputError
from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger
from crosscheck.nlp.entities import DocEntity
from crosscheck.nlp.watchlist import apply_watchlist, load_watchlist

REPORT = (
    "Coastal militia shells port\n"
    "The Sea Wolves shelled the port of Varna Nova on Tuesday, the coast guard said. "
    "Local officials said fighters of the Lupi del Mare had been seen near the docks for a week.\n"
)


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_watchlist_merges_aliases_into_one_actor_with_its_kind(tmp_path: Path) -> None:
    wl = _write(tmp_path, "actors.yaml", "- name: Sea Wolves\n  aliases: [Lupi del Mare]\n  kind: armed_group\n")
    report = _write(tmp_path, "r.txt", REPORT)
    with Ledger.open(tmp_path / "l.db") as ledger:
        add_sources(ledger, [report], watchlist=wl)
        data = export_ledger(ledger)
    wolves = [e for e in data["entities"] if e["name"] == "Sea Wolves"]
    assert len(wolves) == 1
    assert "Lupi del Mare" in wolves[0]["aliases"]
    assert wolves[0]["kind"] == "armed_group"
    texts = {m["text"] for m in wolves[0]["mentions"]}
    assert {"Sea Wolves", "Lupi del Mare"} <= texts


def test_watchlist_csv_and_a_name_the_model_missed(tmp_path: Path) -> None:
    text = "Residents blamed the harbour syndicate for the fire."
    wl = _write(
        tmp_path, "w.csv", "name,aliases,kind,type\nHarbour Syndicate,harbour syndicate;the Syndicate,armed_group,ORG\n"
    )
    found = apply_watchlist(text, [], load_watchlist(wl))
    at = text.index("harbour syndicate")
    assert [(e.name, e.kind, e.mentions) for e in found] == [("Harbour Syndicate", "armed_group", ((at, at + 17),))]


def test_watchlist_keeps_other_entities(tmp_path: Path) -> None:
    text = "The Sea Wolves met Anna Varga."
    wl = _write(tmp_path, "w.yaml", "- name: Sea Wolves\n")
    at = text.index("Anna Varga")
    other = DocEntity(name="Anna Varga", type="PERSON", kind=None, aliases=(), mentions=((at, at + 10),))
    found = apply_watchlist(text, [other], load_watchlist(wl))
    assert {e.name for e in found} == {"Anna Varga", "Sea Wolves"}


def test_watchlist_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "name: not a list\n")
    with pytest.raises(InputError, match="bad.yaml: a YAML watchlist is a list"):
        load_watchlist(bad)
    with pytest.raises(InputError, match="cannot read watchlist"):
        load_watchlist(str(tmp_path / "missing.yaml"))
