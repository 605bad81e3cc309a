"""Verdicts on small hand-written reports: competing figures never corroborate, one actor is
one origin whatever it is called or whoever republishes it, verbatim copies are one origin,
and silence or reactions never refute (issue 10)."""

from __future__ import annotations

import pytest

from crosscheck.api import add_sources
from crosscheck.export.json import export_ledger
from crosscheck.ledger import Ledger


def _report(outlet: str, date: str, body: str) -> str:
    return f"---\noutlet: {outlet}\npublished: {date}\n---\n{body}\n"


REPORTS = {
    "a.md": _report(
        "North Star",
        "2031-03-02",
        "Floods hit Velmora.\n\nThe Health Ministry said 120 people were killed in the floods in Velmora on Sunday.",
    ),
    "b.md": _report(
        "Evening Star",
        "2031-03-03",
        "Velmora counts its dead.\n\nThe Red Cross said 85 people were killed in the floods in Velmora on Sunday.",
    ),
    "c.md": _report(
        "Valley Voice",
        "2031-03-03",
        "Aid arrives in Velmora.\n\nThe Velmora Medical Association said 120 people were killed in the floods in "
        "Velmora on Sunday.",
    ),
    "d.md": _report(
        "Harbour Post",
        "2031-03-04",
        "Prison abuse alleged.\n\nThe Karsk Prisoners' Rights Observatory (KPRO) said on Monday that 40 detainees "
        "had been beaten by guards in Karsk prison.",
    ),
    "e.md": _report(
        "Daily Courier",
        "2031-03-05",
        "Guards accused.\n\nKPRO said that 40 detainees had been beaten by guards in Karsk prison, in its monthly "
        "report.",
    ),
    "f.md": _report(
        "Mountain Herald",
        "2031-03-06",
        "Night of fire.\n\nArmed men set fire to the covered market in the northern town of Karsk late on Sunday "
        "night and residents fled into the hills, a shopkeeper said.",
    ),
    "g.md": _report(
        "Plains Gazette",
        "2031-03-07",
        "Karsk market burns.\n\nArmed men set fire to the covered market in the northern town of Karsk late on "
        "Sunday night and residents fled into the hills, a shopkeeper said.\n\nThe regional police declined to "
        'comment.\n\n"I\'m not surprised that they burned the market," a local teacher said.',
    ),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("verdicts")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Ledger.open(folder / "l.db") as ledger:
        assert add_sources(ledger, [str(folder)]).failed == 0
        return export_ledger(ledger)


def _cluster_of(data: dict, words: str, doc_outlet: str) -> dict:
    docs = {d["id"]: d for d in data["documents"]}
    claim = next(c for c in data["claims"] if words in c["span"]["text"] and docs[c["doc"]]["outlet"] == doc_outlet)
    return next(k for k in data["clusters"] if k["id"] == claim["cluster"])


def test_verdicts_competing_figures_never_corroborate(data: dict) -> None:
    ministry = _cluster_of(data, "120 people were killed", "North Star")
    red_cross = _cluster_of(data, "85 people were killed", "Evening Star")
    association = _cluster_of(data, "120 people were killed", "Valley Voice")
    assert ministry["id"] != red_cross["id"]
    assert ministry["id"] == association["id"]
    assert ministry["status"] == "corroborated"
    assert red_cross["status"] == "single_source"


def test_verdicts_alias_and_acronym_are_one_origin(data: dict) -> None:
    first = _cluster_of(data, "40 detainees had been beaten", "Harbour Post")
    second = _cluster_of(data, "40 detainees had been beaten", "Daily Courier")
    assert first["id"] == second["id"]
    assert first["status"] == "single_source", first["origins"]
    assert len(first["origins"]) == 1


def test_verdicts_verbatim_copy_in_two_outlets_is_one_origin(data: dict) -> None:
    one = _cluster_of(data, "set fire to the covered market", "Mountain Herald")
    other = _cluster_of(data, "set fire to the covered market", "Plains Gazette")
    assert one["id"] == other["id"]
    assert len(one["origins"]) == 1, one["origins"]
    assert one["status"] == "single_source"


def test_verdicts_silence_and_reactions_refute_nothing(data: dict) -> None:
    market = _cluster_of(data, "set fire to the covered market", "Mountain Herald")
    assert market["refuted_by"] == []
    assert not [k for k in data["clusters"] if k["status"] in ("contested", "denied")]
    silent = [
        c for c in data["claims"] if "declined to" in c["span"]["text"] or "police" in c["source"]["text"].lower()
    ]
    assert silent and all(c["kind"] == "no_comment" for c in silent)
