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
from functools import lru_cache

from crosscheck.ledger.series import add_document_points, rebuild_series
from crosscheck.nlp.geocode import demonym_country
from crosscheck.records import content_id
from crosscheck.resolve.names import NameInfo, compare, name_keys, normalise
from crosscheck.resolve.origins import ChainLink, origin_of
from crosscheck.resolve.similarity import REFUTE_THRESHOLD, THRESHOLD, ClaimFeatures, idf_weight, similarity
from crosscheck.resolve.stance import is_anaphoric, stance_of
from crosscheck.resolve.status import Member, Status, cluster_status

__all__ = ["IN_HEADLINE", "actor_names", "rebuild_series", "recompute_cluster", "relative_stance", "resolve_document"]

MAX_KEY_DF = 400  # keys in more claims than this are too common to find candidates with
MAX_CANDIDATES = 60  # claims scored per new claim, the ones sharing most rare keys
MAX_ENTITY_CANDIDATES = 60  # entities compared per new entity, the ones sharing most name keys
MAX_NAME_KEY_DF = 300  # name keys shared by more entities than this are too common to block on
MAX_CLUSTERS_CHECKED = 5  # candidate clusters whose cohesion is measured per new claim
COHESION_SAMPLE = 12  # claims of a cluster a new claim is compared with for cohesion
COHESION = 0.8  # mean similarity to the cluster's claims, as a share of the bar, to join it
_PRONOUN_OPENERS = frozenset({"they", "he", "she", "it", "this", "these", "those", "we", "i"})
MIN_PROPOSITION_WORDS = 6
# SQL: true when a claim `c` of document `d` lies on the report's first line (its headline).
IN_HEADLINE = (
    "(c.start < instr(d.text || char(10), char(10)))"  # shorter claim contents are shown as their whole sentence
)
PER_KEY = 50  # entities fetched per name key
PER_ACTOR = 3  # entities of one actor compared at most
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
        "SELECT 1 FROM judgements WHERE author='user' AND kind='entity' AND decision='different' AND undone=0 "
        "AND ((a=? AND b=?) OR (a=? AND b=?))",
        (a, b, b, a),
    ).fetchone()
    return row is not None


def merge_actors(conn: sqlite3.Connection, keep: str, gone: str) -> None:
    """Fold actor `gone` into `keep`, everywhere actor ids are used; the clusters whose origins
    this renames are judged again."""
    if keep == gone:
        return
    affected = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT m.cluster FROM claim_origins o JOIN memberships m ON m.claim = o.claim WHERE o.origin = ?",
            (f"actor:{gone}",),
        )
    ]
    conn.execute("UPDATE actors SET actor=? WHERE actor=?", (keep, gone))
    conn.execute("UPDATE OR IGNORE claim_keys SET key=? WHERE key=?", (f"a:{keep}", f"a:{gone}"))
    conn.execute("DELETE FROM claim_keys WHERE key=?", (f"a:{gone}",))
    conn.execute("UPDATE claim_origins SET origin=? WHERE origin=?", (f"actor:{keep}", f"actor:{gone}"))
    categories = [r[0] for r in conn.execute("SELECT DISTINCT category FROM series WHERE origin=?", (f"actor:{gone}",))]
    for category in categories:
        conn.execute("DELETE FROM series WHERE category=? AND origin=?", (category, f"actor:{gone}"))
        rebuild_series(conn, category, f"actor:{keep}")
    for cluster in affected:
        recompute_cluster(conn, cluster, None)


def _resolve_entities(conn: sqlite3.Connection, doc: str) -> None:
    rows = conn.execute("SELECT * FROM entities WHERE doc=? ORDER BY rowid", (doc,)).fetchall()
    for row in rows:
        info = _info(row)
        keys: set[str] = set()
        for name in (info.name, *info.aliases):
            keys |= name_keys(name)
        conn.executemany("INSERT OR IGNORE INTO name_keys VALUES (?, ?)", [(k, row["id"]) for k in keys])
        conn.executemany(
            "INSERT INTO name_key_counts VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1", [(k,) for k in keys]
        )
        conn.execute("INSERT OR REPLACE INTO actors VALUES (?, ?)", (row["id"], row["id"]))
        cands = _entity_candidates(conn, keys, doc)
        mine = row["id"]
        tried: dict[str, int] = {}
        for cand in cands:
            if not _types_fit(row["type"], cand["type"]) or tried.get(cand["actor"], 0) >= PER_ACTOR:
                continue
            tried[cand["actor"]] = tried.get(cand["actor"], 0) + 1
            current = conn.execute("SELECT actor FROM actors WHERE entity=?", (mine,)).fetchone()[0]
            if cand["actor"] == current:
                continue
            verdict = compare(info, _info(cand))
            if not verdict.same:
                continue
            conn.execute(
                "INSERT INTO judgements (kind, a, b, decision, score, features, author, created_at) "
                "VALUES ('entity', ?, ?, 'same', ?, ?, 'auto', ?)",
                (mine, cand["id"], verdict.score, json.dumps(verdict.features), _now()),
            )
            if _blocked(conn, current, cand["actor"]):
                continue
            keep, gone = sorted((current, cand["actor"]), key=lambda a: _entity_order(conn, a))
            merge_actors(conn, keep, gone)


def _entity_candidates(conn: sqlite3.Connection, keys: set[str], doc: str) -> list[sqlite3.Row]:
    """Entities of other documents sharing name keys with these, those sharing most first.
    Exact-name keys always count; other keys only while rarer than MAX_NAME_KEY_DF. Each key
    contributes at most PER_KEY entities, so the cost does not grow with the ledger."""
    ordered = sorted(keys)
    counts = {
        r[0]: r[1]
        for r in conn.execute(f"SELECT key, n FROM name_key_counts WHERE key IN ({_marks(ordered)})", ordered)
    }
    shared: dict[str, int] = {}
    for key in ordered:
        if not key.startswith("n:") and counts.get(key, 0) > MAX_NAME_KEY_DF:
            continue
        for (entity,) in conn.execute("SELECT entity FROM name_keys WHERE key=? LIMIT ?", (key, PER_KEY)):
            shared[entity] = shared.get(entity, 0) + 1
    best = sorted(shared, key=lambda e: -shared[e])[: MAX_ENTITY_CANDIDATES * 2]
    if not best:
        return []
    rows = conn.execute(
        f"SELECT e.*, a.actor FROM entities e JOIN actors a ON a.entity = e.id WHERE e.id IN ({_marks(best)}) AND e.doc != ?",
        [*best, doc],
    ).fetchall()
    rows.sort(key=lambda r: -shared[r["id"]])
    return rows[:MAX_ENTITY_CANDIDATES]


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


def _features_of(conn: sqlite3.Connection, claims: list[sqlite3.Row]) -> list[ClaimFeatures]:
    """Comparable features of many claims, with a few bulk queries."""
    entity_ids = sorted(
        {e for c in claims for e in json.loads(c["entities"]) + json.loads(c["subjects"])}
        | {c["source_entity"] for c in claims if c["source_entity"]}
    )
    place_ids = sorted({p for c in claims for p in json.loads(c["places"])})
    ids = [c["id"] for c in claims]
    entity_info: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks(entity_ids):
        for entity, actor, type_, name in conn.execute(
            f"SELECT a.entity, a.actor, e.type, e.name FROM actors a JOIN entities e ON e.id = a.entity "
            f"WHERE a.entity IN ({_marks(chunk)})",
            chunk,
        ):
            entity_info[entity] = (actor, _country_of(type_, name))
    place_key: dict[str, str] = {}
    for chunk in _chunks(place_ids):
        for pid, gid, name in conn.execute(
            f"SELECT id, gazetteer_id, name FROM places WHERE id IN ({_marks(chunk)})", chunk
        ):
            place_key[pid] = gid or f"name:{name.lower()}"
    figures: dict[str, set[tuple[str, float]]] = {}
    for chunk in _chunks(ids):
        for claim, category, value in conn.execute(
            f"SELECT f.claim, f.category, f.value FROM figures f JOIN claims c ON c.id = f.claim "
            f"WHERE f.claim IN ({_marks(chunk)}) AND f.part_of IS NULL AND f.start >= c.start AND f.stop <= c.stop",
            chunk,
        ):
            figures.setdefault(claim, set()).add((category, float(value)))
    out = []
    for c in claims:
        actors, places = set(), set()
        for e in json.loads(c["entities"]):
            actor, country = entity_info.get(e, (None, None))
            if actor:
                actors.add(actor)
            if country:
                places.add(f"iso3166-1:{country}")
        places |= {place_key[p] for p in json.loads(c["places"]) if p in place_key}
        dates = {f"{c['when_start']}/{c['when_end']}"} if c["when_start"] and c["when_precision"] == "day" else set()
        subjects = set()
        for e in json.loads(c["subjects"]):
            actor, country = entity_info.get(e, (None, None))
            subjects |= {k for k in (actor, country and f"iso3166-1:{country}") if k}
        out.append(
            ClaimFeatures(
                id=c["id"],
                doc=c["doc"],
                terms=frozenset(json.loads(c["terms"])),
                actors=frozenset(actors),
                places=frozenset(places),
                figures=frozenset(figures.get(c["id"], set())),
                dates=frozenset(dates),
                subjects=frozenset(subjects),
                source_actor=entity_info.get(c["source_entity"], (None, None))[0] if c["source_entity"] else None,
                attributed=c["source_kind"] != "outlet",
                polarity=c["polarity"],
                kind=c["kind"],
            )
        )
    return out


@lru_cache(maxsize=4096)
def _country_of(type_: str, name: str) -> str | None:
    """The country a nationality or a place name stands for ("Yemeni", "Sanaa" -> YE)."""
    if type_ == "NORP":
        return demonym_country(name)
    if type_ in ("GPE", "LOC", "FAC"):
        from crosscheck.nlp.gazetteer import Gazetteer

        found = Gazetteer.load().candidates(name, limit=5)
        exact = [g for g in found if g.name.lower() == name.lower()]
        best = max(exact or found, key=lambda g: g.population, default=None)
        return best.country if best is not None else None
    return None


def _marks(items: list[str]) -> str:
    return ",".join("?" * len(items))


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _chain(conn: sqlite3.Connection, claim: sqlite3.Row) -> list[ChainLink]:
    links = [(claim["source_text"], claim["source_kind"], claim["source_entity"])]
    links += [(v["text"], v["kind"], v.get("entity")) for v in json.loads(claim["via"])]
    out = []
    for text, kind, entity in links:
        actor = None
        if entity:
            row = conn.execute(
                "SELECT a.actor, e.type FROM actors a JOIN entities e ON e.id = a.entity WHERE a.entity=?", (entity,)
            ).fetchone()
            actor = f"actor:{row[0]}" if row else None
            if kind == "anonymous" and row is not None and row[1] == "ORG":
                kind = "named"  # "monitors from the OSCE": unnamed people of a named body answer to it
        elif kind in ("named", "document"):
            actor = _actor_named(conn, text)
        elif kind == "anonymous" and (body := institution_name(text)) is not None:
            kind, actor = "named", body  # "the regional health directorate": one body, whichever outlet cites it
        out.append(ChainLink(text=text, kind=kind, name=actor))
    return out


def institution_name(words: str) -> str | None:
    """The name of a body a source is described by ("the health ministry" -> "health ministry"):
    a definite phrase of a few words ending in an institution noun (data/cues.yaml)."""
    from crosscheck.nlp.attribution import cue_lexicon

    parts = words.lower().split()
    if len(parts) < 2 or parts[0] != "the" or len(parts) > 6 or any(ch.isdigit() for ch in words):
        return None
    return " ".join(parts[1:]) if parts[-1] in cue_lexicon().institutions else None


def _actor_named(conn: sqlite3.Connection, words: str) -> str | None:
    """The actor whose name or alias these source words are exactly (after normalising), when
    the words were not linked to an entity in their own report ("the Observatory's tally")."""
    key = "n:" + normalise(words)
    if key == "n:":
        return None
    row = conn.execute(
        "SELECT a.actor FROM name_keys k JOIN actors a ON a.entity = k.entity WHERE k.key = ? "
        "GROUP BY a.actor ORDER BY count(*) DESC LIMIT 1",
        (key,),
    ).fetchone()
    return f"actor:{row[0]}" if row else None


def _root_outlet(conn: sqlite3.Connection, doc: str) -> str | None:
    row = conn.execute(
        "SELECT coalesce(o.outlet, d.outlet) FROM documents d LEFT JOIN documents o ON o.id = d.duplicate_of WHERE d.id=?",
        (doc,),
    ).fetchone()
    return row[0] if row else None


def _candidates(conn: sqlite3.Connection, feats: ClaimFeatures) -> list[str]:
    """Claims sharing at least two of this claim's rarer keys, those sharing most first."""
    keys = sorted(feats.keys())
    if not keys:
        return []
    rare = [
        r[0]
        for r in conn.execute(
            f"SELECT key FROM key_counts WHERE key IN ({_marks(keys)}) AND n <= ? ORDER BY n LIMIT 16",
            [*keys, MAX_KEY_DF],
        )
    ]
    if not rare:
        return []
    return [
        r[0]
        for r in conn.execute(
            f"SELECT claim FROM claim_keys WHERE key IN ({_marks(rare)}) AND claim != ? GROUP BY claim "
            f"HAVING count(*) >= ? ORDER BY count(*) DESC LIMIT ?",
            [*rare, feats.id, min(2, len(rare)), MAX_CANDIDATES],
        )
    ]


def _index_claim(conn: sqlite3.Connection, feats: ClaimFeatures) -> None:
    keys = feats.keys()
    conn.executemany("INSERT OR IGNORE INTO claim_keys VALUES (?, ?)", [(k, feats.id) for k in keys])
    conn.executemany(
        "INSERT INTO key_counts VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1", [(k,) for k in keys]
    )


def _key_weights(conn: sqlite3.Connection, feats: Iterable[ClaimFeatures]) -> dict[str, int]:
    keys = sorted(set().union(*(f.keys() for f in feats)))
    out: dict[str, int] = {}
    for chunk in _chunks(keys):
        out.update(
            {r[0]: r[1] for r in conn.execute(f"SELECT key, n FROM key_counts WHERE key IN ({_marks(chunk)})", chunk)}
        )
    return out


def _best_cluster(
    conn: sqlite3.Connection, feats: ClaimFeatures, stance: str, total: int
) -> tuple[str | None, float, dict[str, object]]:
    """The cluster this claim belongs to, its score and why. A cluster qualifies when one of
    its claims is similar enough (above the bar) and the claim is, on average, similar to the
    cluster's claims too (cohesion): without the second test, chains of pairwise-similar claims
    (A like B, B like C) would pull unrelated statements into one cluster."""
    cand_ids = _candidates(conn, feats)
    if not cand_ids:
        return None, 0.0, {}
    member = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            f"SELECT claim, cluster, stance FROM memberships WHERE claim IN ({_marks(cand_ids)})", cand_ids
        )
    }
    rows = conn.execute(
        f"SELECT * FROM claims WHERE id IN ({_marks(cand_ids)}) AND kind = ?", [*cand_ids, feats.kind]
    ).fetchall()
    others = [f for f in _features_of(conn, rows) if f.id in member]
    weight = idf_weight(_key_weights(conn, [feats, *others]), total)
    best_in: dict[str, tuple[float, float, dict[str, object]]] = {}
    for other in others:
        cluster, other_stance = member[other.id]
        sim = similarity(feats, other, weight)
        bar = REFUTE_THRESHOLD if stance == "refutes" and other_stance == "supports" else THRESHOLD
        if sim.score >= bar and sim.score - bar > best_in.get(cluster, (-1.0, 0.0, {}))[0]:
            best_in[cluster] = (sim.score - bar, sim.score, {**sim.features, "with": other.id})
    best: tuple[str | None, float, float, dict[str, object]] = (None, 0.0, -1.0, {})
    for cluster, (margin, score, why) in sorted(best_in.items(), key=lambda kv: -kv[1][0])[:MAX_CLUSTERS_CHECKED]:
        bar = score - margin
        cohesion = _cohesion(conn, feats, cluster, total)
        if cohesion < COHESION * bar:
            continue
        rank = margin + cohesion
        if rank > best[2]:
            best = (cluster, score, rank, {**why, "cohesion": round(cohesion, 3)})
    return best[0], best[1], best[3]


def base_stance(claim: sqlite3.Row) -> str:
    """A claim's stance from its own words, before its cluster is known: discusses, refutes
    (a negative claim) or supports. Whether its cue denies is weighed by `relative_stance`."""
    return stance_of(
        polarity=claim["polarity"],
        certainty=claim["certainty"],
        kind=claim["kind"],
        text=claim["text"],
        cue=claim["cue"],
        source_text=claim["source_text"],
        source_kind=claim["source_kind"],
    )


def relative_stance(conn: sqlite3.Connection, claim: sqlite3.Row, cluster: str, base: str | None = None) -> str:
    """A claim's stance toward a cluster, whose proposition is its first claim's content as
    worded ("aid is not reaching the villages" is a proposition too): a claim supports it when
    it asserts the same content with the same sign, refutes it otherwise ("X denied that ...",
    "aid convoys reached every district"), and discusses it when it only reports others."""
    denial = bool(claim["denial"])
    base = "refutes" if denial else (base or base_stance(claim))  # a denial takes a side
    if base == "discusses":
        return base
    founder = conn.execute(
        "SELECT c.polarity, c.denial FROM memberships m JOIN claims c ON c.id = m.claim "
        "WHERE m.cluster = ? AND m.claim != ? AND m.stance != 'discusses' ORDER BY c.rowid LIMIT 1",
        (cluster, claim["id"]),
    ).fetchone()
    if founder is None:  # the claim states the proposition: a denial founds a denied one
        return "refutes" if denial else "supports"
    negative = (claim["polarity"] == "negative") != denial
    founder_negative = (founder["polarity"] == "negative") != bool(founder["denial"])
    return "supports" if (negative == founder_negative) != denial else "refutes"


def _answered_in_report(conn: sqlite3.Connection, claim: sqlite3.Row) -> str | None:
    """The cluster of the attributed claim that a denial of "the accusation" answers: the last
    one before it in the same report that someone else made."""
    row = conn.execute(
        "SELECT m.cluster FROM claims c JOIN memberships m ON m.claim = c.id WHERE c.doc = ? AND c.start < ? "
        "AND m.stance = 'supports' AND c.quote != 'direct' AND c.source_kind != 'outlet' "
        "AND coalesce(c.source_entity, '') != coalesce(?, '') ORDER BY c.start DESC LIMIT 1",
        (claim["doc"], claim["start"], claim["source_entity"]),
    ).fetchone()
    return str(row[0]) if row else None


def _cohesion(conn: sqlite3.Connection, feats: ClaimFeatures, cluster: str, total: int) -> float:
    """Mean similarity of a claim to (up to COHESION_SAMPLE of) the claims supporting a cluster:
    what a cluster asserts is in them, not in its denials or discussions."""
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT claim FROM memberships WHERE cluster=? AND stance='supports' ORDER BY score DESC LIMIT ?",
            (cluster, COHESION_SAMPLE),
        )
    ]
    rows = conn.execute(f"SELECT * FROM claims WHERE id IN ({_marks(ids)})", ids).fetchall()
    members = _features_of(conn, rows)
    if not members:
        return 1.0  # nothing asserts it yet: the best match alone decides
    weight = idf_weight(_key_weights(conn, [feats, *members]), total)
    return sum(similarity(feats, m, weight).score for m in members) / len(members)


def _resolve_claims(conn: sqlite3.Connection, doc: str) -> set[str]:
    """Cluster the document's claims; returns the clusters touched."""
    touched: set[str] = set()
    total = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    outlet = _root_outlet(conn, doc)
    claims = conn.execute("SELECT * FROM claims WHERE doc=? ORDER BY start", (doc,)).fetchall()
    clustered = [c for c in claims if c["kind"] in ("assertion", "no_comment")]
    features = {f.id: f for f in _features_of(conn, clustered)}
    for claim in claims:
        origin = origin_of(_chain(conn, claim), outlet)
        conn.execute(
            "INSERT OR REPLACE INTO claim_origins VALUES (?, ?, ?, ?)", (claim["id"], origin.name, origin.kind, "[]")
        )
        if claim["id"] not in features:
            continue
        feats = features[claim["id"]]
        stance = base_stance(claim)
        best, score, why = _best_cluster(conn, feats, stance, total)
        if best is None and stance == "refutes" and is_anaphoric(feats.terms):
            best = _answered_in_report(conn, claim)  # "X rejected the accusation": what the report just said
            if best:
                score, why = 0.0, {"answers_previous_claim": 1.0}
        cluster = best or content_id("k", claim["id"])
        stance = _user_stance(conn, claim["id"]) or relative_stance(conn, claim, cluster, stance)
        if best:
            conn.execute(
                "INSERT INTO judgements (kind, a, b, decision, score, features, author, created_at) "
                "VALUES ('cluster', ?, ?, 'same', ?, ?, 'auto', ?)",
                (claim["id"], best, score, json.dumps(why), _now()),
            )
        conn.execute("INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?)", (claim["id"], cluster, stance, score))
        _index_claim(conn, feats)
        touched.add(cluster)
    return touched


def recompute_cluster(conn: sqlite3.Connection, cluster: str, doc: str | None) -> None:
    """Status, origins and proposition of one cluster from its members; log a status change."""
    rows = conn.execute(
        "SELECT m.claim, m.stance, o.origin, o.kind AS origin_kind, c.doc, c.text, c.source_kind, c.source_text, "
        "c.certainty, c.polarity, substr(d.text, c.sentence_start + 1, c.sentence_stop - c.sentence_start) AS sentence, "
        f"{IN_HEADLINE} AS in_headline "
        "FROM memberships m JOIN claims c ON c.id = m.claim JOIN claim_origins o ON o.claim = m.claim "
        "JOIN documents d ON d.id = c.doc WHERE m.cluster=? ORDER BY c.rowid",
        (cluster,),
    ).fetchall()
    before = conn.execute("SELECT status FROM clusters WHERE id=?", (cluster,)).fetchone()
    if not rows:
        conn.execute("DELETE FROM clusters WHERE id=?", (cluster,))
        return
    names = actor_names(conn, [r["origin"][6:] for r in rows if r["origin"].startswith("actor:")])

    def display(origin: str) -> str:
        return names.get(origin[6:], origin) if origin.startswith("actor:") else origin

    members = _within_document(
        [Member(r["claim"], r["stance"], display(r["origin"]), r["origin_kind"]) for r in rows],
        [r["doc"] for r in rows],
        [r["source_text"] for r in rows],
        [bool(r["in_headline"]) for r in rows],
    )
    status = _user_status(conn, cluster, cluster_status(members))
    proposition = _proposition(rows)
    conn.execute(
        "INSERT INTO clusters VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET proposition=excluded.proposition, "
        "status=excluded.status, reason=excluded.reason, origins=excluded.origins, refuted_by=excluded.refuted_by, "
        "size=excluded.size, updated_at=excluded.updated_at",
        (
            cluster,
            proposition,
            status.status,
            status.reason,
            json.dumps(list(status.origins), ensure_ascii=False),
            json.dumps(list(status.refuted_by), ensure_ascii=False),
            len(rows),
            _now(),
        ),
    )
    previous = before[0] if before else None
    if previous != status.status:
        conn.execute(
            "INSERT INTO changes (at, kind, subject, before, after, doc, reason) VALUES (?, 'status', ?, ?, ?, ?, ?)",
            (_now(), cluster, previous, status.status, doc, status.reason),
        )


def _within_document(
    members: list[Member], docs: list[str], sources: list[str], headlines: list[bool] | None = None
) -> list[Member]:
    """A report that names the origin of a proposition answers for its own uncited statements
    of it, for anonymous mentions of a body ("the monitor says"), and for whatever its headline
    attributes in shorthand ("..., lawyers say"): within one document, those take the
    document's named origin instead of counting as new ones. Anonymous people in the body ("two
    officials") keep their own origin."""
    headlines = headlines or [False] * len(members)
    named: dict[tuple[str, str], Member] = {}
    for m, doc in zip(members, docs, strict=True):
        if m.origin_kind == "named":
            named.setdefault((doc, m.stance), m)
    bodies = _body_descriptors()
    out = []
    for m, doc, source, headline in zip(members, docs, sources, headlines, strict=True):
        lead = named.get((doc, m.stance))
        words = source.lower().split()
        folds = m.origin_kind == "outlet" or (
            m.origin_kind == "anonymous" and (headline or (bool(words) and words[-1] in bodies))
        )
        if lead is not None and folds:
            m = Member(m.claim, m.stance, lead.origin, lead.origin_kind)
        out.append(m)
    return out


@lru_cache(maxsize=1)
def _body_descriptors() -> frozenset[str]:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("crosscheck.data").joinpath("origins.yaml").read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data.get("body_descriptors", []))


def _user_status(conn: sqlite3.Connection, cluster: str, computed: Status) -> Status:
    """A status set by hand overrides the computed one (still with the computed origins). The
    judgement names the cluster and one of its claims, so it follows the claim if re-analysis
    gives the cluster another id."""
    row = conn.execute(
        "SELECT decision, features FROM judgements WHERE kind='status' AND author='user' AND undone=0 AND "
        "(a=? OR json_extract(features, '$.claim') IN (SELECT claim FROM memberships WHERE cluster=?)) "
        "ORDER BY a=? DESC, id DESC LIMIT 1",
        (cluster, cluster, cluster),
    ).fetchone()
    if row is None or row[0] == computed.status:
        return computed
    note = json.loads(row[1]).get("note")
    reason = f"Set by a user{': ' + note if note else ''} (computed: {computed.status}). {computed.reason}"
    return Status(row[0], computed.origins, computed.refuted_by, reason)


def _user_stance(conn: sqlite3.Connection, claim: str) -> str | None:
    """A stance set by hand for this claim, if any."""
    row = conn.execute(
        "SELECT decision FROM judgements WHERE kind='stance' AND a=? AND author='user' AND undone=0 "
        "ORDER BY id DESC LIMIT 1",
        (claim,),
    ).fetchone()
    return str(row[0]) if row else None


def _proposition(rows: list[sqlite3.Row]) -> str:
    """The clearest supporting claim's content, as a sentence; a fragment too short to read
    alone ("2,341 deaths") gives way to its whole sentence."""

    def rank(r: sqlite3.Row) -> tuple[int, int, int, int, int]:
        opens_with_pronoun = r["text"].split(" ", 1)[0].lower() in _PRONOUN_OPENERS
        return (
            r["stance"] != "supports",
            opens_with_pronoun,
            r["certainty"] != "certain",
            r["source_kind"] == "outlet",
            len(r["text"]),
        )

    best = min(rows, key=rank)
    text = best["text"] if len(best["text"].split()) >= MIN_PROPOSITION_WORDS else best["sentence"]
    text = " ".join(text.split()).strip().strip('"“”')
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith((".", "!", "?")) else text + "."


# -- series -------------------------------------------------------------------------------


def resolve_document(conn: sqlite3.Connection, doc: str) -> None:
    """Entities, clusters, statuses and series updated for one new document."""
    _resolve_entities(conn, doc)
    touched = _resolve_claims(conn, doc)
    for cluster in touched:
        recompute_cluster(conn, cluster, doc)
    add_document_points(conn, doc)
