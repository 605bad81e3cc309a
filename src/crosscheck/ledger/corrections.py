"""User corrections: a person's judgements about the analysis, stored, applied, and kept.

Each correction is one row in `judgements` with author='user', written and applied in one
transaction, and logged in `changes` (kind 'correction'). Nothing else is rewritten: actors
and clusters are derived again from the judgement edges, so a correction survives new reports,
is re-applied after re-analysis (`reapply`), and can be undone (`undo`).

    kind      decision            a, b                 features
    entity    same | different    two entity ids       {"a": [ids], "b": [ids]}: the two sides
    cluster   same                two cluster ids      {"claim_a", "claim_b", "moved": [claims], "kept": [claims]}
    cluster   different           claim, cluster id    {"claims": [claims], "with": claim, "into": new id}
    stance    supports|refutes|…  claim, stance        {}
    status    corroborated|…      cluster, status      {"note", "claim"}

Actor groups are re-derived with a union-find over the entity edges: the user's 'same' edges
first, then automatic ones strongest first, never joining two sides a user called different.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crosscheck.errors import CrosscheckError
from crosscheck.ledger import Ledger
from crosscheck.ledger.features import _features_of
from crosscheck.ledger.resolution import (
    _chain,
    _root_outlet,
    rebuild_series,
    recompute_cluster,
    relative_stance,
)
from crosscheck.queries import NotFound, resolve_claim, resolve_cluster, resolve_entities
from crosscheck.records import content_id
from crosscheck.resolve.origins import origin_of

__all__ = [
    "STANCES",
    "STATUSES",
    "MAX_JUDGEMENT",
    "Correction",
    "CorrectionError",
    "judgement_id",
    "merge_clusters",
    "merge_entities",
    "reapply",
    "set_stance",
    "set_status",
    "split_cluster",
    "split_entities",
    "undo",
]

STANCES = ("supports", "refutes", "discusses")
STATUSES = ("corroborated", "single_source", "contested", "denied", "unattributed")
_NO_SERIES = ("other", "money", "duration")
MAX_JUDGEMENT = 2**63 - 1  # SQLite's largest integer


class CorrectionError(CrosscheckError):
    """A correction that cannot be made as asked (nothing to split, a bad stance, ...)."""

    exit_code = 2


def judgement_id(raw: str) -> int:
    """A judgement id from user text: a whole number from 1 to MAX_JUDGEMENT, else CorrectionError."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or not 1 <= int(text) <= MAX_JUDGEMENT:
        raise CorrectionError(f"{raw[:40]}: not a judgement id (a whole number from 1, see `crosscheck corrections`)")
    return int(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """What one correction did: its judgement row, a line for people, the clusters recomputed."""

    judgement: int
    kind: str
    decision: str
    summary: str
    clusters: tuple[str, ...] = ()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _marks(items: Sequence[object]) -> str:
    return ",".join("?" * len(items))


def _record(conn: sqlite3.Connection, kind: str, a: str, b: str, decision: str, features: dict[str, object]) -> int:
    cur = conn.execute(
        "INSERT INTO judgements (kind, a, b, decision, score, features, author, created_at) VALUES (?, ?, ?, ?, 1.0, ?, 'user', ?)",
        (kind, a, b, decision, json.dumps(features, ensure_ascii=False), _now()),
    )
    return int(cur.lastrowid or 0)


def _log(conn: sqlite3.Connection, subject: str, summary: str) -> None:
    conn.execute(
        "INSERT INTO changes (at, kind, subject, before, after, doc, reason) VALUES (?, 'correction', ?, NULL, NULL, NULL, ?)",
        (_now(), subject, summary),
    )


# -- entities ----------------------------------------------------------------------------------


def _side(ledger: Ledger, ref: str) -> list[str]:
    ids = resolve_entities(ledger, ref)
    if not ids:
        raise NotFound(f"{ref}: no such entity")
    return ids


def _actor_map(conn: sqlite3.Connection, entities: Iterable[str]) -> dict[str, str]:
    ids = list(entities)
    if not ids:
        return {}
    return {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT e.id, coalesce(a.actor, e.id) FROM entities e LEFT JOIN actors a ON a.entity = e.id WHERE e.id IN ({_marks(ids)})",
            ids,
        )
    }


def _group(conn: sqlite3.Connection, entities: Iterable[str]) -> set[str]:
    """Every entity in the actor groups of `entities`."""
    actors = sorted(set(_actor_map(conn, entities).values()))
    if not actors:
        return set()
    rows = conn.execute(f"SELECT entity FROM actors WHERE actor IN ({_marks(actors)})", actors)
    return {r[0] for r in rows} | set(entities)


def _rep(conn: sqlite3.Connection, side: list[str]) -> str:
    """The entity that stands for a side: an actor id among them, else the oldest."""
    actors = set(_actor_map(conn, side).values())
    for e in side:
        if e in actors:
            return e
    return side[0]


def _name(conn: sqlite3.Connection, entity: str) -> str:
    row = conn.execute("SELECT name FROM entities WHERE id=?", (entity,)).fetchone()
    return str(row[0]) if row else entity


def merge_entities(ledger: Ledger, a: str, b: str) -> Correction:
    """Say `a` and `b` (ids or names) are one actor; user splits between them are withdrawn."""
    conn = ledger.conn
    side_a, side_b = _side(ledger, a), _side(ledger, b)
    with ledger.transaction():
        group_a, group_b = _group(conn, side_a), _group(conn, side_b)
        for j in _active(conn, "entity", "different"):
            fa, fb = set(j["features"].get("a", [j["a"]])), set(j["features"].get("b", [j["b"]]))
            if (fa & group_a and fb & group_b) or (fa & group_b and fb & group_a):
                conn.execute("UPDATE judgements SET undone=1 WHERE id=?", (j["id"],))
        rep_a, rep_b = _rep(conn, side_a), _rep(conn, side_b)
        jid = _record(conn, "entity", rep_a, rep_b, "same", {"a": side_a, "b": side_b})
        clusters = _regroup(conn, group_a | group_b)
        summary = f"merged {_name(conn, rep_a)} and {_name(conn, rep_b)} into one actor"
        _log(conn, str(jid), summary)
    return Correction(judgement=jid, kind="entity", decision="same", summary=summary, clusters=tuple(sorted(clusters)))


def split_entities(ledger: Ledger, a: str, b: str) -> Correction:
    """Say `a` and `b` are different actors, for good: entities named like `a` and those named
    like `b` are kept apart, and the rest of their group follows the edges that remain."""
    conn = ledger.conn
    side_a, side_b = _side(ledger, a), _side(ledger, b)
    if set(side_a) & set(side_b):
        raise CorrectionError(f"{a} and {b} name the same entity: nothing to split")
    with ledger.transaction():
        group = _group(conn, side_a) | _group(conn, side_b)
        side_a, side_b = _widen(conn, side_a, side_b, group), _widen(conn, side_b, side_a, group)
        for j in _active(conn, "entity", "same"):
            fa, fb = set(j["features"].get("a", [j["a"]])), set(j["features"].get("b", [j["b"]]))
            if (fa & set(side_a) and fb & set(side_b)) or (fa & set(side_b) and fb & set(side_a)):
                conn.execute("UPDATE judgements SET undone=1 WHERE id=?", (j["id"],))
        rep_a, rep_b = _rep(conn, side_a), _rep(conn, side_b)
        jid = _record(conn, "entity", rep_a, rep_b, "different", {"a": side_a, "b": side_b})
        clusters = _regroup(conn, group)
        summary = f"split {_name(conn, rep_a)} from {_name(conn, rep_b)}"
        _log(conn, str(jid), summary)
    return Correction(
        judgement=jid, kind="entity", decision="different", summary=summary, clusters=tuple(sorted(clusters))
    )


def _widen(conn: sqlite3.Connection, side: list[str], other: list[str], group: set[str]) -> list[str]:
    """A side as every entity of the group bearing one of its names (any case) that the other
    side does not bear."""
    from crosscheck.resolve.names import normalise

    names = {normalise(_name(conn, e)) for e in side} - {normalise(_name(conn, e)) for e in other}
    marks = _marks(sorted(group))
    extra = [
        r[0]
        for r in conn.execute(f"SELECT id, name FROM entities WHERE id IN ({marks}) ORDER BY rowid", sorted(group))
        if normalise(r[1]) in names and r[0] not in other
    ]
    return list(dict.fromkeys([*side, *extra]))


def _active(conn: sqlite3.Connection, kind: str, decision: str | None = None) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM judgements WHERE kind=? AND author='user' AND undone=0 AND (? IS NULL OR decision=?) ORDER BY id",
        (kind, decision, decision),
    ).fetchall()
    return [{**dict(r), "features": json.loads(r["features"])} for r in rows]


class _Union:
    """Union-find whose roots carry the sides of user 'different' judgements they hold."""

    def __init__(self, items: Iterable[str], tags: dict[str, set[tuple[int, str]]]) -> None:
        self.parent = {x: x for x in items}
        self.tags = {x: set(tags.get(x, ())) for x in self.parent}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: str, y: str) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx == ry:
            return
        tx, ty = self.tags[rx], self.tags[ry]
        if any((j, "b" if s == "a" else "a") in ty for j, s in tx):
            return
        self.parent[ry] = rx
        tx |= ty


def _regroup(conn: sqlite3.Connection, entities: set[str]) -> set[str]:
    """Derive the actor groups of `entities` from the judgement edges again, store them, and
    bring what depends on actors up to date. Returns the clusters recomputed."""
    ids = sorted(entities)
    if not ids:
        return set()
    marks = _marks(ids)
    order = {r[0]: r[1] for r in conn.execute(f"SELECT id, rowid FROM entities WHERE id IN ({marks})", ids)}
    ids = [e for e in ids if e in order]
    old = _actor_map(conn, ids)
    tags: dict[str, set[tuple[int, str]]] = {}
    reps: list[str] = []
    for j in _active(conn, "entity", "different"):
        sides = {s: [e for e in j["features"].get(s, [j[s]]) if e in order] for s in ("a", "b")}
        if sides["a"] and sides["b"]:
            for s, members in sides.items():
                for e in members:
                    tags.setdefault(e, set()).add((int(j["id"]), s))
            reps = [str(j["a"]), str(j["b"]), *reps]
    uf = _Union(ids, tags)
    for j in _active(conn, "entity", "same"):
        members = [e for e in (*j["features"].get("a", [j["a"]]), *j["features"].get("b", [j["b"]])) if e in order]
        for e in members[1:]:
            uf.union(members[0], e)
    for a, b in conn.execute(
        f"SELECT a, b FROM judgements WHERE kind='entity' AND decision='same' AND author='auto' AND undone=0 "
        f"AND a IN ({marks}) AND b IN ({marks}) ORDER BY score DESC, id",
        [*ids, *ids],
    ).fetchall():
        uf.union(a, b)
    comps: dict[str, list[str]] = {}
    for e in ids:
        comps.setdefault(uf.find(e), []).append(e)
    new: dict[str, str] = {}
    for members in comps.values():
        inside = set(members)
        actor = next((r for r in reps if r in inside), None)
        actor = actor or min((old[e] for e in members if old[e] in inside), key=order.__getitem__, default=None)
        actor = actor or min(members, key=order.__getitem__)
        new.update((e, actor) for e in members)
    moved = [e for e in ids if new[e] != old[e]]
    if not moved:
        return set()
    conn.executemany("INSERT OR REPLACE INTO actors VALUES (?, ?)", [(e, new[e]) for e in moved])
    stale = {f"a:{old[e]}" for e in moved}
    docs = sorted({r[0] for r in conn.execute(f"SELECT doc FROM entities WHERE id IN ({_marks(moved)})", moved)})
    claims = conn.execute(f"SELECT * FROM claims WHERE doc IN ({_marks(docs)})", docs).fetchall()
    return _refresh_claims(conn, claims, stale)


def _refresh_claims(conn: sqlite3.Connection, claims: Sequence[sqlite3.Row], stale: set[str]) -> set[str]:
    """Recompute origins and actor keys of `claims`, then their clusters and series."""
    series: set[tuple[str, str]] = set()
    touched: set[str] = set()
    outlets: dict[str, str | None] = {}
    indexed = {
        c["id"] for c in claims if conn.execute("SELECT 1 FROM memberships WHERE claim=?", (c["id"],)).fetchone()
    }
    features = {f.id: f for f in _features_of(conn, [c for c in claims if c["id"] in indexed])}
    for claim in claims:
        before = conn.execute("SELECT origin FROM claim_origins WHERE claim=?", (claim["id"],)).fetchone()
        if claim["doc"] not in outlets:
            outlets[claim["doc"]] = _root_outlet(conn, claim["doc"])
        origin = origin_of(_chain(conn, claim), outlets[claim["doc"]])
        conn.execute(
            "INSERT OR REPLACE INTO claim_origins VALUES (?, ?, ?, '[]')", (claim["id"], origin.name, origin.kind)
        )
        member = conn.execute("SELECT cluster FROM memberships WHERE claim=?", (claim["id"],)).fetchone()
        if member is not None:
            touched.add(member[0])
            fresh = {k for k in features[claim["id"]].keys() if k.startswith("a:")}  # noqa: SIM118
            for key in stale - fresh:
                if conn.execute("DELETE FROM claim_keys WHERE key=? AND claim=?", (key, claim["id"])).rowcount:
                    conn.execute("UPDATE key_counts SET n = n - 1 WHERE key=?", (key,))
            for key in fresh:
                if conn.execute("INSERT OR IGNORE INTO claim_keys VALUES (?, ?)", (key, claim["id"])).rowcount:
                    conn.execute(
                        "INSERT INTO key_counts VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1", (key,)
                    )
        cats = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT category FROM figures WHERE claim=? AND part_of IS NULL", (claim["id"],)
            )
        ]
        for cat in cats:
            if cat not in _NO_SERIES:
                series.add((cat, origin.name))
                if before:
                    series.add((cat, before[0]))
    for cluster in touched:
        recompute_cluster(conn, cluster, None)
    for category, name in series:
        rebuild_series(conn, category, name)
    return touched


# -- clusters, stances, statuses -------------------------------------------------------------------


def _cluster_claims(conn: sqlite3.Connection, cluster: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT m.claim FROM memberships m JOIN claims c ON c.id = m.claim WHERE m.cluster=? ORDER BY c.rowid",
            (cluster,),
        )
    ]


def _move(conn: sqlite3.Connection, claims: Sequence[str], cluster: str) -> None:
    conn.executemany("UPDATE memberships SET cluster=?, score=NULL WHERE claim=?", [(cluster, c) for c in claims])


def merge_clusters(ledger: Ledger, a: str, b: str) -> Correction:
    """Say clusters `a` and `b` assert one proposition: `b`'s claims join `a`."""
    conn = ledger.conn
    ka, kb = resolve_cluster(ledger, a), resolve_cluster(ledger, b)
    if ka == kb:
        raise CorrectionError(f"{a} and {b} are the same cluster")
    with ledger.transaction():
        ca, cb = _cluster_claims(conn, ka), _cluster_claims(conn, kb)
        jid = _record(conn, "cluster", ka, kb, "same", {"claim_a": ca[0], "claim_b": cb[0], "moved": cb, "kept": ca})
        _move(conn, cb, ka)
        recompute_cluster(conn, kb, None)
        recompute_cluster(conn, ka, None)
        summary = f"merged cluster {kb} into {ka} ({len(cb)} claims moved)"
        _log(conn, ka, summary)
    return Correction(judgement=jid, kind="cluster", decision="same", summary=summary, clusters=(ka, kb))


def split_cluster(ledger: Ledger, cluster: str, claims: Sequence[str]) -> Correction:
    """Say `claims` do not assert the cluster's proposition: they leave it for a new cluster."""
    conn = ledger.conn
    k = resolve_cluster(ledger, cluster)
    ids = list(dict.fromkeys(resolve_claim(ledger, c) for c in claims))
    members = _cluster_claims(conn, k)
    outside = [c for c in ids if c not in members]
    if outside:
        raise CorrectionError(f"claim {outside[0]} is not in cluster {k}")
    rest = [c for c in members if c not in ids]
    if not rest:
        raise CorrectionError(f"cluster {k} holds nothing but these claims: nothing to split")
    into = content_id("k", *sorted(ids), "user")
    with ledger.transaction():
        jid = _record(conn, "cluster", ids[0], k, "different", {"claims": ids, "with": rest[0], "into": into})
        _move(conn, ids, into)
        recompute_cluster(conn, k, None)
        recompute_cluster(conn, into, None)
        summary = f"split {len(ids)} claim(s) from cluster {k} into {into}"
        _log(conn, k, summary)
    return Correction(judgement=jid, kind="cluster", decision="different", summary=summary, clusters=(k, into))


def _membership(conn: sqlite3.Connection, claim: str) -> sqlite3.Row:
    row = conn.execute("SELECT cluster, stance FROM memberships WHERE claim=?", (claim,)).fetchone()
    if row is None:
        raise CorrectionError(f"claim {claim} is in no cluster (only assertions are clustered)")
    return row  # type: ignore[no-any-return]


def set_stance(ledger: Ledger, claim: str, stance: str) -> Correction:
    """Set a claim's stance toward its cluster (supports, refutes, discusses)."""
    if stance not in STANCES:
        raise CorrectionError(f"{stance}: not a stance (use {', '.join(STANCES)})")
    conn = ledger.conn
    cid = resolve_claim(ledger, claim)
    member = _membership(conn, cid)
    with ledger.transaction():
        jid = _record(conn, "stance", cid, stance, stance, {"was": member["stance"]})
        conn.execute("UPDATE memberships SET stance=? WHERE claim=?", (stance, cid))
        recompute_cluster(conn, member["cluster"], None)
        summary = f"claim {cid} now {stance} cluster {member['cluster']} (was {member['stance']})"
        _log(conn, member["cluster"], summary)
    return Correction(judgement=jid, kind="stance", decision=stance, summary=summary, clusters=(member["cluster"],))


def set_status(ledger: Ledger, cluster: str, status: str, note: str = "") -> Correction:
    """Set a cluster's status by hand; it overrides the computed one until undone."""
    if status not in STATUSES:
        raise CorrectionError(f"{status}: not a status (use {', '.join(STATUSES)})")
    conn = ledger.conn
    k = resolve_cluster(ledger, cluster)
    with ledger.transaction():
        jid = _record(conn, "status", k, status, status, {"note": note, "claim": _cluster_claims(conn, k)[0]})
        recompute_cluster(conn, k, None)
        summary = f"cluster {k} set to {status}" + (f": {note}" if note else "")
        _log(conn, k, summary)
    return Correction(judgement=jid, kind="status", decision=status, summary=summary, clusters=(k,))


# -- undo and re-apply ---------------------------------------------------------------------------


def _cluster_of(conn: sqlite3.Connection, claim: str) -> str | None:
    row = conn.execute("SELECT cluster FROM memberships WHERE claim=?", (claim,)).fetchone()
    return str(row[0]) if row else None


def undo(ledger: Ledger, judgement: int | None = None) -> Correction:
    """Withdraw a user judgement (the latest one by default) and derive again what it changed."""
    if judgement is not None and not 1 <= judgement <= MAX_JUDGEMENT:
        raise CorrectionError(f"{judgement}: not a judgement id (a whole number from 1, see `crosscheck corrections`)")
    conn = ledger.conn
    row = conn.execute(
        "SELECT * FROM judgements WHERE author='user' AND undone=0 AND (? IS NULL OR id=?) ORDER BY id DESC LIMIT 1",
        (judgement, judgement),
    ).fetchone()
    if row is None:
        raise NotFound(f"no user correction {judgement} to undo" if judgement else "no user correction to undo")
    j = {**dict(row), "features": json.loads(row["features"])}
    f = j["features"]
    clusters: set[str] = set()
    with ledger.transaction():
        conn.execute("UPDATE judgements SET undone=1 WHERE id=?", (j["id"],))
        if j["kind"] == "entity":
            clusters = _regroup(conn, _group(conn, [*f.get("a", [j["a"]]), *f.get("b", [j["b"]])]))
        elif j["kind"] == "cluster" and j["decision"] == "same":
            home = _cluster_of(conn, f["claim_a"]) or j["a"]
            back = [c for c in f["moved"] if _cluster_of(conn, c) == home]
            _move(conn, back, j["b"])
            clusters = {home, j["b"]}
        elif j["kind"] == "cluster":
            home = _cluster_of(conn, f["with"]) or j["b"]
            away = {k for k in (_cluster_of(conn, c) for c in f["claims"]) if k}
            _move(conn, [c for c in f["claims"] if _cluster_of(conn, c)], home)
            clusters = {home, *away}
        elif j["kind"] == "stance":
            clusters = {k for k in [_restance(conn, j["a"])] if k}
        else:
            clusters = {_cluster_of(conn, f.get("claim", "")) or j["a"]}
        for k in clusters:
            recompute_cluster(conn, k, None)
        summary = f"undid {j['kind']} {j['decision']} (judgement {j['id']})"
        _log(conn, str(j["id"]), summary)
    return Correction(
        judgement=j["id"], kind=j["kind"], decision="undo", summary=summary, clusters=tuple(sorted(clusters))
    )


def _restance(conn: sqlite3.Connection, claim: str) -> str | None:
    """Set a claim's stance from the user's latest standing judgement, else as computed."""
    c = conn.execute("SELECT * FROM claims WHERE id=?", (claim,)).fetchone()
    cluster = _cluster_of(conn, claim)
    if c is None or cluster is None:
        return None
    row = conn.execute(
        "SELECT decision FROM judgements WHERE kind='stance' AND a=? AND author='user' AND undone=0 "
        "ORDER BY id DESC LIMIT 1",
        (claim,),
    ).fetchone()
    stance = row[0] if row else relative_stance(conn, c, cluster)
    conn.execute("UPDATE memberships SET stance=? WHERE claim=?", (stance, claim))
    return cluster


def reapply(ledger: Ledger) -> int:
    """Apply every standing user judgement again (after re-analysis rebuilt actors and
    clusters from the automatic edges); returns how many judgements changed something."""
    conn = ledger.conn
    changed = 0
    with ledger.transaction():
        touched: set[str] = set()
        entity_js = _active(conn, "entity")
        named = [e for j in entity_js for s in ("a", "b") for e in j["features"].get(s, [j[s]])]
        if named:
            regrouped = _regroup(conn, _group(conn, named))
            changed += bool(regrouped)
        for j in _active(conn, "cluster"):
            f = j["features"]
            if j["decision"] == "same":
                ka, kb = _cluster_of(conn, f["claim_a"]), _cluster_of(conn, f["claim_b"])
                if ka and kb and ka != kb:
                    _move(conn, _cluster_claims(conn, kb), ka)
                    touched |= {ka, kb}
                    changed += 1
            else:
                claims = [c for c in f["claims"] if _cluster_of(conn, c)]
                homes = {_cluster_of(conn, c) for c in claims}
                if claims and any(set(_cluster_claims(conn, h or "")) - set(claims) for h in homes):
                    _move(conn, claims, str(f["into"]))
                    touched |= {h for h in homes if h} | {str(f["into"])}
                    changed += 1
        for j in _active(conn, "stance"):
            member = conn.execute("SELECT cluster, stance FROM memberships WHERE claim=?", (j["a"],)).fetchone()
            if member and member["stance"] != j["decision"]:
                conn.execute("UPDATE memberships SET stance=? WHERE claim=?", (j["decision"], j["a"]))
                touched.add(member["cluster"])
                changed += 1
        for j in _active(conn, "status"):
            k = _cluster_of(conn, str(j["features"].get("claim", ""))) or str(j["a"])
            touched.add(k)
        for k in touched:
            recompute_cluster(conn, k, None)
    return changed
