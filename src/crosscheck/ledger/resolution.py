"""Incremental cross-document resolution for one newly stored document.

Runs inside the document's transaction. Candidates come from indexes (name keys for
entities, claim keys for claims), never from comparing with everything. Merges are recorded
as judgement edges; actors and clusters are derived from them, and a user's judgement wins.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from crosscheck.resolve.names import NameInfo, compare, name_keys
from crosscheck.resolve.origins import ChainLink, origin_of
from crosscheck.resolve.series import Point, falls, series_points
from crosscheck.resolve.similarity import REFUTE_THRESHOLD, THRESHOLD, ClaimFeatures, idf_weight, similarity
from crosscheck.resolve.stance import stance_of
from crosscheck.resolve.status import Member, cluster_status
from crosscheck.records import content_id

__all__ = ["actor_names", "recompute_cluster", "resolve_document"]

MAX_KEY_DF = 400      # keys in more claims than this are too common to find candidates with
MAX_CANDIDATES = 200  # claims scored per new claim, the ones sharing most rare keys
COMPATIBLE = {"GPE": {"GPE", "LOC"}, "LOC": {"GPE", "LOC", "FAC"}, "FAC": {"FAC", "LOC"}}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- entities -----------------------------------------------------------------------------

def _info(row: sqlite3.Row) -> NameInfo:
    return NameInfo(name=row["name"], type=row["type"], kind=row["kind"], aliases=tuple(json.loads(row["aliases"])))


def _types_fit(a: str, b: str) -> bool:
    return a == b or b in COMPATIBLE.get(a, set())


def _blocked(conn: sqlite3.Connection, a: str, b: str) -> bool:
    """True when a user said these two actors are different."""
    row = conn.execute(
        "SELECT 1 FROM judgements WHERE kind='entity' AND decision='different' AND author='user' AND undone=0 "
        "AND ((a=? AND b=?) OR (a=? AND b=?))", (a, b, b, a)).fetchone()
    return row is not None


def merge_actors(conn: sqlite3.Connection, keep: str, gone: str) -> None:
    """Fold actor `gone` into `keep`, everywhere actor ids are used."""
    if keep == gone:
        return
    conn.execute("UPDATE actors SET actor=? WHERE actor=?", (keep, gone))
    conn.execute("UPDATE OR IGNORE claim_keys SET key=? WHERE key=?", (f"a:{keep}", f"a:{gone}"))
    conn.execute("DELETE FROM claim_keys WHERE key=?", (f"a:{gone}",))
    conn.execute("UPDATE claim_origins SET origin=? WHERE origin=?", (f"actor:{keep}", f"actor:{gone}"))


def _resolve_entities(conn: sqlite3.Connection, doc: str) -> None:
    rows = conn.execute("SELECT * FROM entities WHERE doc=? ORDER BY rowid", (doc,)).fetchall()
    for row in rows:
        info = _info(row)
        keys: set[str] = set()
        for name in (info.name, *info.aliases):
            keys |= name_keys(name)
        conn.executemany("INSERT OR IGNORE INTO name_keys VALUES (?, ?)", [(k, row["id"]) for k in keys])
        conn.execute("INSERT OR REPLACE INTO actors VALUES (?, ?)", (row["id"], row["id"]))
        if not keys:
            continue
        marks = ",".join("?" * len(keys))
        cands = conn.execute(
            f"SELECT DISTINCT e.*, a.actor FROM name_keys k JOIN entities e ON e.id = k.entity "
            f"JOIN actors a ON a.entity = e.id WHERE k.key IN ({marks}) AND e.doc != ? ORDER BY e.rowid LIMIT 200",
            [*keys, doc]).fetchall()
        mine = row["id"]
        for cand in cands:
            if not _types_fit(row["type"], cand["type"]):
                continue
            current = conn.execute("SELECT actor FROM actors WHERE entity=?", (mine,)).fetchone()[0]
            if cand["actor"] == current:
                continue
            verdict = compare(info, _info(cand))
            if not verdict.same:
                continue
            conn.execute(
                "INSERT INTO judgements (kind, a, b, decision, score, features, author, created_at) "
                "VALUES ('entity', ?, ?, 'same', ?, ?, 'auto', ?)",
                (mine, cand["id"], verdict.score, json.dumps(verdict.features), _now()))
            if _blocked(conn, current, cand["actor"]):
                continue
            keep, gone = sorted((current, cand["actor"]), key=lambda a: _entity_order(conn, a))
            merge_actors(conn, keep, gone)


def _entity_order(conn: sqlite3.Connection, entity: str) -> int:
    row = conn.execute("SELECT rowid FROM entities WHERE id=?", (entity,)).fetchone()
    return int(row[0]) if row else 1 << 62


def actor_names(conn: sqlite3.Connection, actors: Iterable[str]) -> dict[str, str]:
    """The display name of each actor: the name of its founding entity."""
    out = {}
    for actor in set(actors):
        row = conn.execute("SELECT name FROM entities WHERE id=?", (actor,)).fetchone()
        if row:
            out[actor] = row[0]
    return out


# -- claims -------------------------------------------------------------------------------

def _features(conn: sqlite3.Connection, claim: sqlite3.Row) -> ClaimFeatures:
    entity_ids = json.loads(claim["entities"])
    actors = set()
    if entity_ids:
        marks = ",".join("?" * len(entity_ids))
        actors = {r[0] for r in conn.execute(f"SELECT actor FROM actors WHERE entity IN ({marks})", entity_ids)}
    places = set()
    place_ids = json.loads(claim["places"])
    if place_ids:
        marks = ",".join("?" * len(place_ids))
        places = {r[0] or f"name:{r[1].lower()}" for r in
                  conn.execute(f"SELECT gazetteer_id, name FROM places WHERE id IN ({marks})", place_ids)}
    figures = {(r[0], float(r[1])) for r in conn.execute(
        "SELECT category, value FROM figures WHERE claim=? AND part_of IS NULL", (claim["id"],))}
    dates = set()
    if claim["when_start"] and claim["when_precision"] == "day":
        dates.add(f"{claim['when_start']}/{claim['when_end']}")
    return ClaimFeatures(id=claim["id"], doc=claim["doc"], terms=frozenset(json.loads(claim["terms"])),
                         actors=frozenset(actors), places=frozenset(places), figures=frozenset(figures),
                         dates=frozenset(dates), polarity=claim["polarity"], kind=claim["kind"])


def _chain(conn: sqlite3.Connection, claim: sqlite3.Row) -> list[ChainLink]:
    links = [(claim["source_text"], claim["source_kind"], claim["source_entity"])]
    links += [(v["text"], v["kind"], v.get("entity")) for v in json.loads(claim["via"])]
    out = []
    for text, kind, entity in links:
        actor = None
        if entity:
            row = conn.execute("SELECT actor FROM actors WHERE entity=?", (entity,)).fetchone()
            actor = f"actor:{row[0]}" if row else None
        out.append(ChainLink(text=text, kind=kind, name=actor))
    return out


def _root_outlet(conn: sqlite3.Connection, doc: str) -> str | None:
    row = conn.execute(
        "SELECT coalesce(o.outlet, d.outlet) FROM documents d LEFT JOIN documents o ON o.id = d.duplicate_of WHERE d.id=?",
        (doc,)).fetchone()
    return row[0] if row else None


def _candidates(conn: sqlite3.Connection, feats: ClaimFeatures) -> list[str]:
    keys = sorted(feats.keys())
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rare = [r[0] for r in conn.execute(
        f"SELECT key FROM key_counts WHERE key IN ({marks}) AND n <= ? ORDER BY n LIMIT 16", [*keys, MAX_KEY_DF])]
    if not rare:
        return []
    marks = ",".join("?" * len(rare))
    return [r[0] for r in conn.execute(
        f"SELECT claim FROM claim_keys WHERE key IN ({marks}) AND claim != ? GROUP BY claim "
        f"ORDER BY count(*) DESC LIMIT ?", [*rare, feats.id, MAX_CANDIDATES])]


def _index_claim(conn: sqlite3.Connection, feats: ClaimFeatures) -> None:
    keys = feats.keys()
    conn.executemany("INSERT OR IGNORE INTO claim_keys VALUES (?, ?)", [(k, feats.id) for k in keys])
    conn.executemany("INSERT INTO key_counts VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1",
                     [(k,) for k in keys])


def _key_weights(conn: sqlite3.Connection, feats: Iterable[ClaimFeatures]) -> dict[str, int]:
    keys = set().union(*(f.keys() for f in feats))
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    return {r[0]: r[1] for r in conn.execute(f"SELECT key, n FROM key_counts WHERE key IN ({marks})", list(keys))}


def _resolve_claims(conn: sqlite3.Connection, doc: str) -> set[str]:
    """Cluster the document's claims; returns the clusters touched."""
    touched: set[str] = set()
    total = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    outlet = _root_outlet(conn, doc)
    for claim in conn.execute("SELECT * FROM claims WHERE doc=? ORDER BY start", (doc,)).fetchall():
        origin = origin_of(_chain(conn, claim), outlet)
        conn.execute("INSERT OR REPLACE INTO claim_origins VALUES (?, ?, ?, ?)",
                     (claim["id"], origin.name, origin.kind, "[]"))
        if claim["kind"] not in ("assertion", "no_comment"):
            continue
        feats = _features(conn, claim)
        stance = stance_of(polarity=claim["polarity"], certainty=claim["certainty"], kind=claim["kind"],
                           text=claim["text"], cue=claim["cue"])
        cand_ids = _candidates(conn, feats)
        best, best_score, best_features = None, 0.0, {}
        if cand_ids:
            cands = [conn.execute("SELECT * FROM claims WHERE id=?", (c,)).fetchone() for c in cand_ids]
            cand_feats = [_features(conn, c) for c in cands if c["kind"] == claim["kind"]]
            weight = idf_weight(_key_weights(conn, [feats, *cand_feats]), total)
            for other in cand_feats:
                member = conn.execute("SELECT cluster, stance FROM memberships WHERE claim=?", (other.id,)).fetchone()
                if member is None:
                    continue
                sim = similarity(feats, other, weight)
                bar = REFUTE_THRESHOLD if stance == "refutes" and member["stance"] == "supports" else THRESHOLD
                if sim.score >= bar and sim.score - bar > best_score - (THRESHOLD if best else 0):
                    best, best_score, best_features = member["cluster"], sim.score, sim.features
                    best_features["with"] = other.id  # type: ignore[assignment]
        cluster = best or content_id("k", claim["id"])
        if best:
            conn.execute(
                "INSERT INTO judgements (kind, a, b, decision, score, features, author, created_at) "
                "VALUES ('cluster', ?, ?, 'same', ?, ?, 'auto', ?)",
                (claim["id"], best, best_score, json.dumps(best_features), _now()))
        conn.execute("INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?)", (claim["id"], cluster, stance, best_score))
        _index_claim(conn, feats)
        touched.add(cluster)
    return touched


def recompute_cluster(conn: sqlite3.Connection, cluster: str, doc: str | None) -> None:
    """Status, origins and proposition of one cluster from its members; log a status change."""
    rows = conn.execute(
        "SELECT m.claim, m.stance, o.origin, o.kind AS origin_kind, c.text, c.source_kind, c.certainty, c.polarity "
        "FROM memberships m JOIN claims c ON c.id = m.claim JOIN claim_origins o ON o.claim = m.claim "
        "WHERE m.cluster=? ORDER BY c.rowid", (cluster,)).fetchall()
    before = conn.execute("SELECT status FROM clusters WHERE id=?", (cluster,)).fetchone()
    if not rows:
        conn.execute("DELETE FROM clusters WHERE id=?", (cluster,))
        return
    names = actor_names(conn, [r["origin"][6:] for r in rows if r["origin"].startswith("actor:")])

    def display(origin: str) -> str:
        return names.get(origin[6:], origin) if origin.startswith("actor:") else origin

    members = [Member(r["claim"], r["stance"], display(r["origin"]), r["origin_kind"]) for r in rows]
    status = _user_status(conn, cluster) or cluster_status(members)
    proposition = _proposition(rows)
    conn.execute(
        "INSERT INTO clusters VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET proposition=excluded.proposition, "
        "status=excluded.status, reason=excluded.reason, origins=excluded.origins, refuted_by=excluded.refuted_by, "
        "size=excluded.size, updated_at=excluded.updated_at",
        (cluster, proposition, status.status, status.reason, json.dumps(list(status.origins), ensure_ascii=False),
         json.dumps(list(status.refuted_by), ensure_ascii=False), len(rows), _now()))
    previous = before[0] if before else None
    if previous != status.status:
        conn.execute("INSERT INTO changes (at, kind, subject, before, after, doc, reason) VALUES (?, 'status', ?, ?, ?, ?, ?)",
                     (_now(), cluster, previous, status.status, doc, status.reason))


def _user_status(conn: sqlite3.Connection, cluster: str):  # type: ignore[no-untyped-def]
    """A status set by hand overrides the computed one (still with the computed origins)."""
    return None


def _proposition(rows: list[sqlite3.Row]) -> str:
    """The clearest supporting claim's content, as a sentence."""
    def rank(r: sqlite3.Row) -> tuple[int, int, int, int]:
        return (r["stance"] != "supports", r["certainty"] != "certain", r["source_kind"] == "outlet", len(r["text"]))

    text = min(rows, key=rank)["text"].strip().strip('"“”')
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith((".", "!", "?")) else text + "."


# -- series -------------------------------------------------------------------------------

def _resolve_series(conn: sqlite3.Connection, doc: str) -> None:
    groups = conn.execute(
        "SELECT DISTINCT f.category, o.origin FROM figures f JOIN claim_origins o ON o.claim = f.claim "
        "WHERE f.doc=? AND f.part_of IS NULL AND f.category NOT IN ('other', 'money', 'duration')", (doc,)).fetchall()
    for category, origin in groups:
        rebuild_series(conn, category, origin)


def rebuild_series(conn: sqlite3.Connection, category: str, origin: str) -> None:
    """Rebuild the series of one category and origin from all its figures."""
    rows = conn.execute(
        "SELECT f.id, f.value, f.as_of, f.what, f.place FROM figures f JOIN claim_origins o ON o.claim = f.claim "
        "WHERE f.category=? AND o.origin=? AND f.part_of IS NULL", (category, origin)).fetchall()
    sid = content_id("s", category, origin)
    points = series_points([Point(r["id"], r["value"], r["as_of"]) for r in rows])
    if len(points) < 2:
        conn.execute("DELETE FROM series WHERE id=?", (sid,))
        return
    whats = [r["what"] for r in rows]
    what = max(set(whats), key=whats.count)
    name = actor_names(conn, [origin[6:]]).get(origin[6:], origin) if origin.startswith("actor:") else origin
    payload = json.dumps([{"value": p.value, "as_of": p.as_of, "figure": p.figure} for p in points])
    conn.execute("INSERT OR REPLACE INTO series VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (sid, category, what, None, name, payload, json.dumps(falls(category, points))))


def resolve_document(conn: sqlite3.Connection, doc: str) -> None:
    """Entities, clusters, statuses and series updated for one new document."""
    _resolve_entities(conn, doc)
    touched = _resolve_claims(conn, doc)
    for cluster in touched:
        recompute_cluster(conn, cluster, doc)
    _resolve_series(conn, doc)
