"""Claims grouped into clusters, whatever the order reports arrived in.

Each new claim is scored against its candidates (resolve/similarity.py, a pure function of the
two claims) and every pair above EDGE_FLOOR is kept in `claim_edges`, with the features that
made its score. After each report, the neighbourhood its claims reach through these edges is
clustered again as a whole (resolve/clustering.py, average linkage), so the clusters are those
of all the edges, not of the order the claims came in:

1. claims that assert or discuss something are grouped; a pair of opposite sign is held to the
   lower bar of a refutation; different figures for one count, or different subjects, never
   share a cluster, and a user's merges and splits are hard constraints;
2. each denial ("X denied that ...") then joins the group holding the claim it answers best, or
   with the denials like it forms a cluster of its own;
3. a cluster's proposition is its earliest asserting claim (by publication date), and every
   member's stance is taken toward it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crosscheck.ledger.clusters import Lookups, recompute_cluster
from crosscheck.ledger.features import _features_of
from crosscheck.records import content_id
from crosscheck.resolve.clustering import average_linkage
from crosscheck.resolve.names import exact_key
from crosscheck.resolve.similarity import (
    REFUTE_THRESHOLD,
    THRESHOLD,
    ClaimFeatures,
    Signature,
    Similarity,
    similarity,
)
from crosscheck.resolve.stance import is_anaphoric, stance_of

__all__ = [
    "EDGE_FLOOR",
    "STORE_EDGE",
    "base_stance",
    "edge_row",
    "recluster",
    "relative_stance",
    "rescore_pairs",
    "scored",
]

# Pairs scoring less than half a refutation's bar say nothing about each other and are not kept
# (half, so that a pair whose score rises when actors are merged later is still there).
EDGE_FLOOR = REFUTE_THRESHOLD / 2
# Features that keep two claims apart whatever else they share (cannot-link constraints).
APART = ("figures_conflict", "counts_differ", "event_dates_differ", "subjects_differ")
# Claims clustered again at most after one report: the whole neighbourhood in a story of a few
# hundred claims (so that clusters there do not depend on arrival order), a bounded part of it
# in a large ledger (the claims nearest the new ones, through their strongest pairs).
MAX_NEIGHBOURHOOD = 200
CLUSTERED = ("assertion", "no_comment")


STORE_EDGE = "INSERT OR REPLACE INTO claim_edges VALUES (?, ?, ?, ?, ?)"
# Pair scores remembered by the two claims' signatures (at most this many, then forgotten at
# once): in a syndicated stream most new claims are copies of earlier ones, and score alike.
MAX_SCORED = 200_000
_SCORED: dict[tuple[Signature, Signature], tuple[float, bool, str, float]] = {}


def scored(a: ClaimFeatures, b: ClaimFeatures) -> tuple[float, bool, str]:
    """The score of a pair, whether it keeps the two claims apart, and its features as JSON."""
    score, apart, features, _ = _scored(a, b)
    return score, apart, features


def _scored(a: ClaimFeatures, b: ClaimFeatures) -> tuple[float, bool, str, float]:
    key = (a.signature(), b.signature())
    hit = _SCORED.get(key)
    if hit is None:
        sim = similarity(a, b)
        hit = (sim.score, _keeps_apart(sim), json.dumps(sim.features), sim.features.get("overlap", 0.0))
        if len(_SCORED) >= MAX_SCORED:
            _SCORED.clear()
        _SCORED[key] = hit
    return hit


def edge_row(a: ClaimFeatures, b: ClaimFeatures) -> tuple[str, str, float, int, str] | None:
    """The `claim_edges` row of a pair that links the two claims or keeps them apart (for
    STORE_EDGE); None for a pair that says nothing."""
    score, apart, features, overlap = _scored(a, b)
    if score < EDGE_FLOOR and not (apart and overlap >= EDGE_FLOOR):
        return None
    x, y = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    return (x, y, score, int(apart), features)


def _keeps_apart(sim: Similarity) -> bool:
    return any(k in sim.features for k in APART)


def base_stance(claim: sqlite3.Row) -> str:
    """A claim's stance from its own words, before its cluster is known: discusses, refutes
    (a negative claim) or supports."""
    return stance_of(
        polarity=claim["polarity"],
        certainty=claim["certainty"],
        kind=claim["kind"],
        text=claim["text"],
        cue=claim["cue"],
        source_text=claim["source_text"],
        source_kind=claim["source_kind"],
    )


def _negative(claim: sqlite3.Row) -> bool:
    """Whether the content a claim is about is negative ("X denied that Y" is about Y)."""
    return bool((claim["polarity"] == "negative") != bool(claim["denial"]))


def stance_toward(claim: sqlite3.Row, founder: sqlite3.Row | None) -> str:
    """A claim's stance toward the proposition its cluster's founder states: it supports it
    when it asserts the same content with the same sign, refutes it otherwise, and discusses
    it when it only reports others."""
    denial = bool(claim["denial"])
    if not denial and base_stance(claim) == "discusses":
        return "discusses"
    if founder is None or founder["id"] == claim["id"]:
        return "refutes" if denial else "supports"
    same_sign = _negative(claim) == _negative(founder)
    return "supports" if same_sign != denial else "refutes"


def relative_stance(conn: sqlite3.Connection, claim: sqlite3.Row, cluster: str) -> str:
    """A claim's stance toward the cluster it is in (see `stance_toward`)."""
    rows = conn.execute(
        "SELECT c.*, d.published FROM memberships m JOIN claims c ON c.id = m.claim JOIN documents d ON d.id = c.doc "
        "WHERE m.cluster = ?",
        (cluster,),
    ).fetchall()
    return stance_toward(claim, _founder(rows))


def _order(row: sqlite3.Row) -> tuple[str, str, int, str]:
    """The story's order: publication date (undated last), then document and position."""
    return (row["published"] or "9999", row["doc"], int(row["start"]), row["id"])


def _founder(rows: Sequence[sqlite3.Row]) -> sqlite3.Row | None:
    """The claim that states a cluster's proposition: its earliest claim asserting it, else its
    earliest claim."""
    asserting = [r for r in rows if not r["denial"] and base_stance(r) != "discusses"]
    return min(asserting or rows, key=_order, default=None)


def _neighbourhood(conn: sqlite3.Connection, seeds: Iterable[str]) -> set[str]:
    """Claims reached from `seeds` through kept edges, strongest pairs first, with the other
    members of their clusters, the other claims of a denial's report (what it answers may be
    there) and the claims a user put together with them (up to about MAX_NEIGHBOURHOOD)."""
    seen = set(seeds)
    frontier = sorted(seen)
    merged = _user_ids(conn)
    while frontier and len(seen) < MAX_NEIGHBOURHOOD:
        chunk, frontier = frontier[:200], frontier[200:]
        marks = ",".join("?" * len(chunk))
        found = conn.execute(
            f"SELECT b, score FROM claim_edges WHERE a IN ({marks}) AND score >= ? UNION ALL "
            f"SELECT a, score FROM claim_edges WHERE b IN ({marks}) AND score >= ? UNION ALL "
            f"SELECT m2.claim, 2.0 FROM memberships m1 JOIN memberships m2 ON m2.cluster = m1.cluster "
            f"WHERE m1.claim IN ({marks}) UNION ALL "
            f"SELECT c2.id, 2.0 FROM claims c JOIN claims c2 ON c2.doc = c.doc WHERE c.id IN ({marks}) AND c.denial = 1",
            [*chunk, EDGE_FLOOR, *chunk, EDGE_FLOOR, *chunk, *chunk],
        ).fetchall()
        for claims, _ in merged:  # what a user put together is judged together
            if claims & set(chunk):
                found += [(c, 2.0) for c in claims]
        best: dict[str, float] = {}
        for claim, score in found:
            if claim not in seen:
                best[claim] = max(best.get(claim, 0.0), score)
        new = sorted(best, key=lambda c: (-best[c], c))[: max(0, MAX_NEIGHBOURHOOD - len(seen))]
        seen |= set(new)
        frontier.extend(new)
    return seen


@dataclass(frozen=True)
class _UserCut:
    """A standing user merge (`merge`) or split of claims, and the cluster id they were put in."""

    merge: bool
    claims: tuple[str, ...]
    into: str
    apart_from: str | None  # a split's claims stay apart from this claim


def _user_cuts(conn: sqlite3.Connection) -> list[_UserCut]:
    """The user's standing cluster merges and splits, oldest first."""
    out = []
    for a, decision, features in conn.execute(
        "SELECT a, decision, features FROM judgements WHERE kind='cluster' AND author='user' AND undone=0 ORDER BY id"
    ):
        f = json.loads(features)
        if decision == "same":
            merged = [c for c in [f.get("claim_a"), *f.get("kept", []), *f.get("moved", [])] if c is not None]
            out.append(_UserCut(True, tuple(merged), str(a), None))
        else:
            out.append(_UserCut(False, tuple(f.get("claims", [])), str(f.get("into")), f.get("with")))
    return out


def _user_constraints(conn: sqlite3.Connection, hood: set[str]) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """The user's cluster merges and splits as claims kept together and pairs kept apart."""
    together: list[list[str]] = []
    apart: list[tuple[str, str]] = []
    for cut in _user_cuts(conn):
        group = [c for c in cut.claims if c in hood]
        if cut.apart_from in hood:
            apart += [(c, cut.apart_from) for c in group]
        if len(group) > 1:
            together.append(group)
    return together, apart


def recluster(conn: sqlite3.Connection, seeds: Iterable[str], doc: str | None = None) -> set[str]:
    """Cluster again the neighbourhood of `seeds` (after document `doc` was added, if any), and
    judge again its clusters (old and new ids); returns those judged. After a new document, a
    cluster whose members and stances stayed as they were, and that holds none of the
    document's claims, is judged again only when the document can change how its origins read
    (`_renamed_by`)."""
    hood = _neighbourhood(conn, seeds)
    rows = _claims(conn, sorted(hood))
    claims = {r["id"]: r for r in rows if r["kind"] in CLUSTERED}
    hood = set(claims)
    if not hood:
        return set()
    scores, kept_apart = _edges(conn, hood)
    together, apart = _user_constraints(conn, hood)
    apart += kept_apart
    denials = {c for c, r in claims.items() if r["denial"]}
    asserting = sorted(hood - denials)
    stage1: dict[tuple[str, str], float] = {}
    for (a, b), s in scores.items():
        if a in denials or b in denials:
            continue
        stage1[(a, b)] = s  # a claim of opposite sign joins at the same bar, and then refutes
    groups = average_linkage(asserting, stage1, THRESHOLD, together=together, apart=apart)
    owner = {c: i for i, g in enumerate(groups) for c in g}
    blocked = set(apart) | {(b, a) for a, b in apart}
    loose: list[str] = []
    for d in sorted(denials, key=lambda c: _order(claims[c])):
        best: tuple[float, int] | None = None
        for other in asserting:
            s = scores.get(_pair(d, other), 0.0)
            if s >= REFUTE_THRESHOLD and (d, other) not in blocked and (best is None or (s, -owner[other]) > best):
                best = (s, -owner[other])
        if best is None:
            text = conn.execute("SELECT text FROM documents WHERE id=?", (claims[d]["doc"],)).fetchone()[0]
            answered = _answered_in_report(claims, d, scores, text)
            best = (0.0, -owner[answered]) if answered in owner and (d, answered) not in blocked else None
        if best is None:
            loose.append(d)
        else:
            groups[-best[1]].append(d)
    groups += average_linkage(loose, {p: s for p, s in scores.items() if set(p) <= set(loose)}, THRESHOLD, apart=apart)
    return _write(conn, claims, groups, scores, doc)


def _answered_in_report(
    claims: dict[str, sqlite3.Row], denial: str, scores: dict[tuple[str, str], float], text: str
) -> str | None:
    """The claim a denial answers when none elsewhere matches it well enough: in the report
    that carries it, the claim reported (not quoted) from someone else just before it (in its
    paragraph or the one before) that shares something with it, since a report gives the
    accused's reply right after the accusation (the "verbal reactions" that follow the main
    event in the news schema; van Dijk 1988, "News as discourse"); failing that, the earlier
    claim of the report most like it. A denial that only points back ("rejected the
    accusation") answers the last such claim."""
    d = claims[denial]
    earlier = [
        r
        for r in claims.values()
        if r["doc"] == d["doc"]
        and r["start"] < d["start"]
        and not r["denial"]
        and r["quote"] != "direct"
        and r["source_kind"] != "outlet"
        and (r["source_entity"] or "") != (d["source_entity"] or "")
        and base_stance(r) == "supports"
    ]
    if not earlier:
        return None
    if is_anaphoric(frozenset(json.loads(d["terms"]))):
        return str(max(earlier, key=lambda r: r["start"])["id"])
    near = [r for r in earlier if _paragraphs_apart(text, r["start"], d["start"]) <= 1]
    for pool in (near, earlier):
        linked = [(scores.get(_pair(denial, r["id"]), 0.0), r["start"], r["id"]) for r in pool]
        best = max(linked, default=(0.0, 0, ""))
        if best[0] > 0:
            return str(best[2])
    return None


def _paragraphs_apart(text: str, start: int, stop: int) -> int:
    """How many paragraph breaks (blank lines or line breaks) lie between two offsets."""
    between = text[start:stop]
    return between.count("\n\n") if "\n\n" in text else between.count("\n")


def _write(
    conn: sqlite3.Connection,
    claims: dict[str, sqlite3.Row],
    groups: list[list[str]],
    scores: dict[tuple[str, str], float],
    doc: str | None,
) -> set[str]:
    """Store memberships with their stance and judge the clusters again; returns those judged."""
    ids = sorted(claims)
    marks = ",".join("?" * len(ids))
    before: dict[str, tuple[str, str, float | None]] = {
        r[0]: (r[1], r[2], r[3])
        for r in conn.execute(f"SELECT claim, cluster, stance, score FROM memberships WHERE claim IN ({marks})", ids)
    }
    named = _user_ids(conn)
    user_stance = {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT a, decision FROM judgements WHERE kind='stance' AND author='user' AND undone=0 AND a IN ({marks}) "
            "ORDER BY id",
            ids,
        )
    }
    rows = []
    after: set[str] = set()
    for group in groups:
        members = [claims[c] for c in group]
        founder = _founder(members)
        assert founder is not None
        cluster = next((into for claimset, into in named if claimset and claimset <= set(group)), None)
        cluster = cluster if cluster not in after else None
        cluster = cluster or content_id("k", founder["id"])
        after.add(cluster)
        for c in group:
            stance = user_stance.get(c) or stance_toward(claims[c], founder)
            others = [scores.get(_pair(c, o), 0.0) for o in group if o != c]
            rows.append((c, cluster, stance, round(sum(others) / len(others), 4) if others else None))
    moved = [r for r in rows if before.get(r[0]) != r[1:]]
    conn.executemany("INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?)", moved)
    touched = {c for c, _, _ in before.values()} | after
    if doc is None:
        judged = touched
    else:
        changed = {
            x
            for c, k, stance, _ in moved
            if before.get(c, (None, None))[:2] != (k, stance)
            for x in (k, before.get(c, (None,))[0])
            if x
        }
        changed |= {k for c, k, _, _ in rows if claims[c]["doc"] == doc}  # its claims' origins are new
        judged = changed | _renamed_by(conn, doc, touched - changed)
    lookups = Lookups(conn)
    for cluster in sorted(judged):
        recompute_cluster(conn, cluster, doc, lookups)
    return judged


def _renamed_by(conn: sqlite3.Connection, doc: str, clusters: set[str]) -> set[str]:
    """Those of `clusters` whose origins document `doc` can make read differently: an origin
    given as words that the document's entities now name ("the Observatory" founding an
    actor), or a person it says speaks for a body (clusters.py, `actor_named` and `_body_of`)."""
    if not clusters:
        return set()
    names = {
        r[0]
        for r in conn.execute(
            "SELECT k.key FROM name_keys k JOIN entities e ON e.id = k.entity WHERE e.doc = ? AND k.key LIKE 'n:%'",
            (doc,),
        )
    }
    speakers = {
        f"actor:{r[0]}"
        for r in conn.execute(
            "SELECT a.actor FROM relations r JOIN actors a ON a.entity = r.subject WHERE r.doc = ? "
            "AND r.predicate IN ('member_of', 'leader_of', 'spokesperson_of')",
            (doc,),
        )
    }
    if not names and not speakers:
        return set()
    out = set()
    for cluster, origin in conn.execute(
        "SELECT m.cluster, o.origin FROM memberships m JOIN claim_origins o ON o.claim = m.claim "
        "WHERE m.cluster IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(clusters)),),
    ):
        if origin in speakers or (not origin.startswith("actor:") and exact_key(origin) in names):
            out.add(cluster)
    return out


def _user_ids(conn: sqlite3.Connection) -> list[tuple[set[str], str]]:
    """The claims of each standing user split or merge and the id of the cluster the user put
    them in (newest first): a cluster holding them keeps that id."""
    return [(set(cut.claims), cut.into) for cut in reversed(_user_cuts(conn))]


def _claims(conn: sqlite3.Connection, ids: list[str]) -> list[sqlite3.Row]:
    out: list[sqlite3.Row] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        out += conn.execute(
            f"SELECT c.*, d.published FROM claims c JOIN documents d ON d.id = c.doc WHERE c.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    return out


def _edges(conn: sqlite3.Connection, hood: set[str]) -> tuple[dict[tuple[str, str], float], list[tuple[str, str]]]:
    """The kept pairs inside the neighbourhood with their scores, and the pairs kept apart."""
    ids = json.dumps(sorted(hood))
    scores: dict[tuple[str, str], float] = {}
    apart: list[tuple[str, str]] = []
    for a, b, score, kept_apart in conn.execute(
        # `+b`: walk each claim's pairs by the key's first column and filter b, rather than probe
        # the key for every (a, b) of the neighbourhood (200 x 200)
        "SELECT a, b, score, apart FROM claim_edges WHERE a IN (SELECT value FROM json_each(?1)) "
        "AND +b IN (SELECT value FROM json_each(?1))",
        (ids,),
    ):
        scores[(a, b)] = score
        if kept_apart:
            apart.append((a, b))
    return scores, apart


def rescore_pairs(conn: sqlite3.Connection, pairs: set[tuple[str, str]]) -> set[str]:
    """Score again these kept pairs; returns the claims of the pairs whose score or
    cannot-link changed."""
    if not pairs:
        return set()
    ids = sorted({c for p in pairs for c in p})
    feats = {f.id: f for f in _features_of(conn, _claims(conn, ids))}
    old: dict[tuple[str, str], tuple[float, int]] = {}
    for i in range(0, len(ids), 400):
        chunk = ids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        for a, b, score, apart in conn.execute(
            f"SELECT a, b, score, apart FROM claim_edges WHERE a IN ({marks})", chunk
        ):
            if (a, b) in pairs:
                old[(a, b)] = (score, apart)
    rows = []
    changed: set[str] = set()
    for a, b in sorted(pairs):
        if a in feats and b in feats:
            score, apart, features = scored(feats[a], feats[b])
            rows.append((score, int(apart), features, a, b))
            if old.get((a, b)) != (score, int(apart)):
                changed |= {a, b}
    conn.executemany("UPDATE claim_edges SET score=?, apart=?, features=? WHERE a=? AND b=?", rows)
    return changed


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
