"""Issue 12, flat cost per report: an actor merge reads only the pairs it can rescore (the
smaller actor's), the stored scores stay those of the ledger as it is, and the fast overlap
equals the general one."""

from __future__ import annotations

import hashlib
from math import fsum
from pathlib import Path

import pytest

from crosscheck.ledger import Ledger, regroup
from crosscheck.ledger.features import _features_of
from crosscheck.ledger.regroup import _claims
from crosscheck.ledger.rename import _changes
from crosscheck.records import Analysis, Claim, Document, EntityRecord, Source, Span, content_id
from crosscheck.resolve.similarity import ClaimFeatures, _profiled_overlap, general_weight, similarity

# Hand-written sentences: one body and what it says, in reports of different days.
SENTENCES = [
    "{name} said the harbour bridge was closed after the storm damaged its northern span",
    "{name} said the harbour bridge stayed closed while engineers inspected the northern span",
    "{name} said engineers found cracks in the northern span of the harbour bridge",
]


def _report(i: int, name: str, published: str) -> tuple[Document, Analysis]:
    """A report of three claims made by the body `name` (an entity of the report)."""
    sentences = [s.format(name=name) for s in SENTENCES]
    text = "\n".join(sentences) + f"\nReport {i}.\n"
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = f"d{sha[:15]}"
    document = Document(id=doc, sha256=sha, text=text, origin=f"t/{i}", outlet=f"Outlet {i}", published=published)
    entity = content_id("e", doc, "ORG", name)
    mentions, claims, pos = [], [], 0
    for sentence in sentences:
        mentions.append(Span(doc=doc, start=pos, end=pos + len(name), text=name))
        body_start = pos + len(name) + len(" said ")
        body = sentence[len(name) + len(" said ") :]
        source = Source(text=name, kind="named", entity=entity, span=mentions[-1])
        claims.append(
            Claim(
                id=content_id("c", doc, body_start),
                doc=doc,
                span=Span(doc=doc, start=body_start, end=body_start + len(body), text=body),
                sentence=Span(doc=doc, start=pos, end=pos + len(sentence), text=sentence),
                source=source,
                cue="said",
                entities=(entity,),
                terms=tuple(dict.fromkeys(w for w in body.split() if len(w) > 3)),
            )
        )
        pos += len(sentence) + 1
    record = EntityRecord(id=entity, doc=doc, name=name, type="ORG", mentions=tuple(mentions))
    return document, Analysis(doc=doc, version="t", entities=(record,), claims=tuple(claims))


def _similarity_calls_of_late_merge(tmp_path: Path, reports: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Pairs scored again when a report dated before all others names the body of `reports`
    earlier reports: its entity founds the merged actor, so the large actor is the one renamed."""
    with Ledger.open(tmp_path / f"l{reports}.db") as ledger:
        for i in range(reports):
            ledger.add(*_report(i, "Harbour Authority", f"2031-03-{10 + i % 15:02d}"))
        calls = []
        real = regroup.similarity
        monkeypatch.setattr(regroup, "similarity", lambda a, b: calls.append(1) or real(a, b))
        ledger.add(*_report(999, "Harbour Authority", "2031-03-01"))
        monkeypatch.setattr(regroup, "similarity", real)
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
            ledger.add(*_report(i, name, day))
        ledger.add(*_report(9, "Harbour Authority", "2031-03-01"))
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
