"""Issue 12, flat cost per report: an actor merge reads only the pairs it can rescore (the
smaller actor's), the stored scores stay those of the ledger as it is, and the fast overlap
equals the general one."""

from __future__ import annotations

import dataclasses
from math import fsum
from pathlib import Path

import pytest

from crosscheck.ledger import Ledger, regroup
from crosscheck.ledger.features import _features_of
from crosscheck.ledger.regroup import _claims
from crosscheck.ledger.rename import _changes
from crosscheck.resolve.similarity import ClaimFeatures, _profiled_overlap, general_weight, similarity
from helpers import harbour_report


def _similarity_calls_of_late_merge(tmp_path: Path, reports: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Pairs scored again when a report dated before all others names the body of `reports`
    earlier reports: its entity founds the merged actor, so the large actor is the one renamed."""
    with Ledger.open(tmp_path / f"l{reports}.db") as ledger:
        for i in range(reports):
            ledger.add(*harbour_report(i, "Harbour Authority", f"2031-03-{10 + i % 15:02d}"))
        calls = []
        real = regroup.scored  # what rescoring a kept pair calls
        monkeypatch.setattr(regroup, "scored", lambda a, b: calls.append(1) or real(a, b))
        ledger.add(*harbour_report(999, "Harbour Authority", "2031-03-01"))
        monkeypatch.setattr(regroup, "scored", real)
        actors = {r[0] for r in ledger.conn.execute("SELECT actor FROM actors")}
        assert len(actors) == 1, "every report's body is one actor"
        return len(calls)


def test_flat_merge_into_a_new_founder_does_not_rescore_the_large_actor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _similarity_calls_of_late_merge(tmp_path, 4, monkeypatch)
    large = _similarity_calls_of_late_merge(tmp_path, 16, monkeypatch)
    # every claim names the one actor on both sides of a pair, so no kept score changes
    assert large == small == 0


def test_flat_stored_scores_are_those_of_the_ledger_after_merges(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        for i, (name, day) in enumerate(
            [("Harbour Authority", "2031-03-05"), ("the Harbour Authority", "2031-03-06"), ("Port Board", "2031-03-07")]
        ):
            ledger.add(*harbour_report(i, name, day))
        ledger.add(*harbour_report(9, "Harbour Authority", "2031-03-01"))
        conn = ledger.conn
        feats = {
            f.id: f for f in _features_of(conn, _claims(conn, [r[0] for r in conn.execute("SELECT id FROM claims")]))
        }
        edges = conn.execute("SELECT a, b, score FROM claim_edges").fetchall()
        assert edges
        for a, b, score in edges:
            assert similarity(feats[a], feats[b]).score == pytest.approx(score, abs=1e-9), (a, b)


@pytest.mark.parametrize(
    ("x", "y", "changes"),
    [
        (({"gone"}, set()), ({"keep"}, set()), True),  # they now share the actor
        (({"gone"}, set()), ({"gone"}, set()), False),  # both renamed alike
        (({"gone", "keep"}, set()), (set(), set()), True),  # one key fewer on one side
        (({"gone"}, set()), (set(), set()), False),  # the other names neither
        ((set(), {"gone"}), (set(), {"keep"}), True),  # subjects now meet
        ((set(), {"gone", "keep"}), (set(), {"keep"}), False),  # subjects met already
    ],
)
def test_flat_which_pairs_a_merge_can_rescore(x: tuple, y: tuple, changes: bool) -> None:
    def named(t: tuple) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(t[0]), frozenset(t[1])

    assert _changes(named(x), named(y)) is changes
    assert _changes(named(y), named(x)) is changes


def test_flat_profiled_overlap_equals_the_general_one() -> None:
    words = ["bridge", "closed", "storm", "the", "engineers", "northern", "span", "harbour", "cracks"]
    feats = [
        ClaimFeatures(
            id=str(i),
            doc="d",
            terms=frozenset(words[i % 5 : i % 5 + 2 + i % 4]),
            actors=frozenset({"A"} if i % 2 else {"A", "B"}),
            places=frozenset({"iso3166-1:YE"} if i % 3 else {"geonames:1"}),
        )
        for i in range(12)
    ]
    for a in feats:
        for b in feats:
            fast = similarity(a, b)
            general = similarity(a, b, weight=lambda k: general_weight(k))  # not the cached path
            assert fast.score == pytest.approx(general.score, abs=1e-12)


def test_a_pair_scores_the_same_to_the_last_bit_in_either_order() -> None:
    """Which claim of a pair arrived first must not change its score, even in the last bit: a
    score at a bar would otherwise cluster differently by arrival order (0.1 + 0.2 + 0.3 summed
    left to right is not 0.3 + 0.2 + 0.1)."""
    wa = {"w:k1": 0.1, "w:k2": 0.2, "w:k3": 0.3, "w:k4": 7.0}
    wb = {"w:k3": 0.3, "w:k2": 0.2, "w:k1": 0.1, "w:k5": 5.0}
    a = (wa, fsum(wa.values()), 4)
    b = (wb, fsum(wb.values()), 4)
    assert _profiled_overlap(a, b) == _profiled_overlap(b, a)


def test_flat_a_copy_of_a_claim_is_scored_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims alike in everything but their id and report score alike against any third, so
    a syndicated copy's pairs are not scored again; a claim that differs in one feature is."""
    calls: list[int] = []
    real = regroup.similarity
    monkeypatch.setattr(regroup, "similarity", lambda a, b: calls.append(1) or real(a, b))
    monkeypatch.setattr(regroup, "_SCORED", {})

    def claim(i: int, doc: str, place: str = "geonames:1") -> ClaimFeatures:
        words = frozenset({"harbour", "bridge", "closed", "northern", "span"})
        return ClaimFeatures(id=f"c{i}", doc=doc, terms=words, actors=frozenset({"A"}), places=frozenset({place}))

    third = ClaimFeatures(
        id="t", doc="d9", terms=frozenset({"bridge", "closed"}), actors=frozenset(), places=frozenset()
    )
    first = regroup.edge_row(claim(1, "d1"), third)
    copy = regroup.edge_row(claim(2, "d2"), third)
    assert len(calls) == 1
    assert first is not None and copy is not None and first[2:] == copy[2:] and {first[0], copy[0]} == {"c1", "c2"}
    other = regroup.edge_row(claim(3, "d3", place="geonames:2"), third)
    assert len(calls) == 2 and other is not None
    assert other[2:] == regroup.edge_row(claim(4, "d4", place="geonames:2"), third)[2:]  # type: ignore[index]
    assert len(calls) == 2


def test_flat_a_cluster_left_as_it_was_is_judged_again_only_when_its_origins_can_read_anew(tmp_path: Path) -> None:
    """After a report, a cluster whose members and stances did not change is judged again when
    the report names an origin it gave as bare words, and not otherwise."""
    document, analysis = harbour_report(1, "Harbour Watch", "2031-03-05")
    unnamed = tuple(
        dataclasses.replace(c, source=dataclasses.replace(c.source, entity=None), entities=()) for c in analysis.claims
    )
    analysis = dataclasses.replace(analysis, entities=(), claims=unnamed)
    with Ledger.open(tmp_path / "l.db") as ledger:
        ledger.add(document, analysis=analysis)
        conn = ledger.conn
        cluster = conn.execute("SELECT cluster FROM memberships LIMIT 1").fetchone()[0]
        assert conn.execute("SELECT origin FROM claim_origins LIMIT 1").fetchone()[0] == "Harbour Watch"
        naming, _ = harbour_report(2, "Harbour Watch", "2031-03-06")
        other, _ = harbour_report(3, "Port Board", "2031-03-07")
        ledger.add(*harbour_report(2, "Harbour Watch", "2031-03-06"))
        ledger.add(*harbour_report(3, "Port Board", "2031-03-07"))
        assert regroup._renamed_by(conn, naming.id, {cluster}) == {cluster}
        assert regroup._renamed_by(conn, other.id, {cluster}) == set()
