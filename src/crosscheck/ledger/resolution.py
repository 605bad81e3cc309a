"""Incremental cross-document resolution for one newly stored document.

Runs inside the document's transaction. Candidates come from indexes (name keys for
entities, claim keys for claims), never from comparing with everything. Entity merges are
recorded as judgement edges and claim pairs as scored edges; actors and clusters are derived
from them (ledger/regroup.py), and a user's judgement wins.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from crosscheck.ledger.clusters import COPIES, IN_HEADLINE, Lookups, actor_named, actor_names, recompute_cluster
from crosscheck.ledger.features import _features_of, _marks, features_by_id
from crosscheck.ledger.regroup import CLUSTERED, STORE_EDGE, edge_row, recluster, relative_stance, rescore_pairs
from crosscheck.ledger.rename import pairs_to_rescore
from crosscheck.ledger.series import add_document_points, rebuild_series
from crosscheck.resolve.embedding import embed, to_blob
from crosscheck.resolve.names import NameInfo, compare, countries_of, name_keys
from crosscheck.resolve.origins import ChainLink, origin_of
from crosscheck.resolve.similarity import ClaimFeatures

__all__ = [
    "IN_HEADLINE",
    "actor_names",
    "rebuild_series",
    "recluster",
    "recompute_cluster",
    "relative_stance",
    "resolve_document",
]

MAX_KEY_DF = 200  # keys in more claims than this are too common to find candidates with
MAX_CANDIDATES = 150  # claims scored per new claim, the ones sharing most rare keys
MAX_ENTITY_CANDIDATES = 60  # entities compared per new entity, the ones sharing most name keys
MAX_NAME_KEY_DF = 300  # name keys shared by more entities than this are too common to block on
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


def _actor_countries(conn: sqlite3.Connection, actor: str) -> frozenset[str]:
    out: set[str] = set()
    for name, aliases in conn.execute(
        "SELECT e.name, e.aliases FROM actors a JOIN entities e ON e.id = a.entity WHERE a.actor=? AND e.type != 'GPE'",
        (actor,),
    ):
        for n in (name, *json.loads(aliases)):
            out |= countries_of(n)
    return frozenset(out)


def _countries_clash(conn: sqlite3.Connection, a: str, b: str) -> bool:
    """True when two actors' names tie them to different countries ("Iraqi Hezbollah" and
    "Lebanese Hezbollah"): a report naming the group bare must not bridge them into one."""
    ca = _actor_countries(conn, a)
    cb = _actor_countries(conn, b) if ca else frozenset()
    return bool(ca and cb and not ca & cb)


def merge_actors(conn: sqlite3.Connection, keep: str, gone: str) -> set[str]:
    """Fold actor `gone` into `keep`, everywhere actor ids are used; the pairs whose score this
    changes are scored again and their claims clustered again. Returns the other clusters whose
    origins this renames, to be judged again (once per report, at the end of its resolution).
    The cost follows the smaller actor, not the larger."""
    if keep == gone:
        return set()
    affected = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT m.cluster FROM claim_origins o JOIN memberships m ON m.claim = o.claim WHERE o.origin = ? "
            # a person who speaks for `gone` counts as that body (clusters._body_of), so its
            # clusters show the body's name and are judged again too
            "UNION SELECT m.cluster FROM relations r JOIN actors b ON b.entity = r.object AND b.actor = ? "
            "JOIN actors p ON p.entity = r.subject JOIN claim_origins o ON o.origin = 'actor:' || p.actor "
            "JOIN memberships m ON m.claim = o.claim WHERE r.predicate IN ('member_of', 'leader_of', 'spokesperson_of')",
            (f"actor:{gone}", gone),
        )
    ]
    pairs = pairs_to_rescore(conn, keep, gone)
    conn.execute("UPDATE actors SET actor=? WHERE actor=?", (keep, gone))
    conn.execute("UPDATE OR IGNORE claim_keys SET key=? WHERE key=?", (f"a:{keep}", f"a:{gone}"))
    conn.execute("DELETE FROM claim_keys WHERE key=?", (f"a:{gone}",))
    conn.execute(
        "INSERT INTO key_counts SELECT ?, count(*) FROM claim_keys WHERE key=? "
        "ON CONFLICT(key) DO UPDATE SET n = excluded.n",
        (f"a:{keep}", f"a:{keep}"),
    )
    conn.execute("DELETE FROM key_counts WHERE key=?", (f"a:{gone}",))
    changed = rescore_pairs(conn, pairs)
    conn.execute("UPDATE claim_origins SET origin=? WHERE origin=?", (f"actor:{keep}", f"actor:{gone}"))
    categories = [r[0] for r in conn.execute("SELECT DISTINCT category FROM series WHERE origin=?", (f"actor:{gone}",))]
    for category in categories:
        conn.execute("DELETE FROM series WHERE category=? AND origin=?", (category, f"actor:{gone}"))
        rebuild_series(conn, category, f"actor:{keep}")
    regrouped = recluster(conn, changed) if changed else set()  # what the merged actor's claims share has changed
    return set(affected) - regrouped


def _resolve_entities(conn: sqlite3.Connection, doc: str, later: set[str]) -> None:
    """Link the document's entities to earlier ones; clusters that actor merges rename are added
    to `later`."""
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
            if _blocked(conn, current, cand["actor"]) or _countries_clash(conn, current, cand["actor"]):
                continue
            keep, gone = sorted((current, cand["actor"]), key=lambda a: _entity_order(conn, a))
            later |= merge_actors(conn, keep, gone)


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


def _entity_order(conn: sqlite3.Connection, entity: str) -> tuple[str, str, str]:
    """Which of two merged actors names the group: the one first named in the story's order
    (publication date, then document), never the one added first."""
    row = conn.execute(
        "SELECT coalesce(d.published, '9999'), e.doc FROM entities e JOIN documents d ON d.id = e.doc WHERE e.id=?",
        (entity,),
    ).fetchone()
    return (row[0], row[1], entity) if row else ("9999", "", entity)


# -- claims -------------------------------------------------------------------------------


def _chain(conn: sqlite3.Connection, claim: sqlite3.Row) -> list[ChainLink]:
    links = [(claim["source_text"], claim["source_kind"], claim["source_entity"])]
    links += [(v["text"], v["kind"], v.get("entity")) for v in json.loads(claim["via"])]
    if claim["source_text"].strip().lower() in _PRONOUNS:
        links[0] = _antecedent(conn, claim) or links[0]
    out = []
    for text, kind, entity in links:
        if kind != "outlet" and not _can_be_origin(text):
            continue  # "5,137", a pronoun left unresolved: never an origin
        actor = None
        if entity:
            row = conn.execute(
                "SELECT a.actor, e.type FROM actors a JOIN entities e ON e.id = a.entity WHERE a.entity=?", (entity,)
            ).fetchone()
            actor = f"actor:{row[0]}" if row else None
            if kind == "anonymous" and row is not None and row[1] == "ORG":
                kind = "named"  # "monitors from the OSCE": unnamed people of a named body answer to it
        elif kind in ("named", "document"):
            actor = actor_named(conn, text)
        elif kind == "anonymous" and (body := institution_name(text)) is not None:
            kind, actor = "named", body  # "the regional health directorate": one body, whichever outlet cites it
        out.append(ChainLink(text=text, kind=kind, name=actor))
    return out


# Personal pronouns (a closed class of English grammar): a source that is still one after the
# report's own resolution names no one.
_PRONOUNS = frozenset({"i", "you", "he", "she", "it", "we", "they", "him", "her", "us", "them", "one"})


def _antecedent(conn: sqlite3.Connection, claim: sqlite3.Row) -> tuple[str, str, str | None] | None:
    """The speaker a pronoun source ("It added that ...", "she said") stands for: the nearest
    named source before it in its report that agrees with it in person ("he", "she": a person;
    "it": not a person; "they": either)."""
    pronoun = claim["source_text"].strip().lower()
    rows = conn.execute(
        "SELECT c.source_text, c.source_kind, c.source_entity, e.type FROM claims c "
        "LEFT JOIN entities e ON e.id = c.source_entity WHERE c.doc = ? AND c.start < ? "
        "AND c.source_kind IN ('named', 'document') ORDER BY c.start DESC LIMIT 8",
        (claim["doc"], claim["start"]),
    ).fetchall()
    for text, kind, entity, type_ in rows:
        if text.strip().lower() in _PRONOUNS:
            continue
        person = type_ == "PERSON"
        if (pronoun in ("he", "she", "him", "her") and not person) or (pronoun == "it" and person):
            continue
        return str(text), str(kind), entity
    return None


def _can_be_origin(words: str) -> bool:
    """Whether a source's words can name an origin: not a number, not a bare pronoun."""
    return any(ch.isalpha() for ch in words) and words.strip().lower() not in _PRONOUNS


def institution_name(words: str) -> str | None:
    """The name of a body a source is described by ("the health ministry" -> "health ministry"):
    a definite phrase of a few words ending in an institution noun (data/cues.yaml)."""
    from crosscheck.nlp.attribution import cue_lexicon

    parts = words.lower().split()
    if len(parts) < 2 or parts[0] != "the" or len(parts) > 6 or any(ch.isdigit() for ch in words):
        return None
    return " ".join(parts[1:]) if parts[-1] in cue_lexicon().institutions else None


def _root_outlet(conn: sqlite3.Connection, doc: str) -> str | None:
    row = conn.execute(
        "SELECT coalesce(o.outlet, d.outlet) FROM documents d LEFT JOIN documents o ON o.id = d.duplicate_of WHERE d.id=?",
        (doc,),
    ).fetchone()
    return row[0] if row else None


def _candidates(conn: sqlite3.Connection, feats: ClaimFeatures) -> list[str]:
    """Claims sharing any of this claim's rarer keys, those sharing most first. (One shared
    key is enough: a pair is then found whichever of the two claims came first.)"""
    keys = sorted(feats.keys())
    if not keys:
        return []
    rare = [
        r[0]
        for r in conn.execute(
            f"SELECT key FROM key_counts WHERE key IN ({_marks(keys)}) AND n <= ? ORDER BY n, key LIMIT 64",
            [*keys, MAX_KEY_DF],
        )
    ]
    if not rare:
        return []
    return [
        r[0]
        for r in conn.execute(
            f"SELECT claim FROM claim_keys WHERE key IN ({_marks(rare)}) AND claim != ? GROUP BY claim "
            f"ORDER BY count(*) DESC, claim LIMIT ?",
            [*rare, feats.id, MAX_CANDIDATES],
        )
    ]


def _index_claim(conn: sqlite3.Connection, feats: ClaimFeatures) -> None:
    keys = feats.keys()
    conn.executemany("INSERT OR IGNORE INTO claim_keys VALUES (?, ?)", [(k, feats.id) for k in keys])
    conn.executemany(
        "INSERT INTO key_counts VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1", [(k,) for k in keys]
    )


def _resolve_claims(conn: sqlite3.Connection, doc: str) -> set[str]:
    """Origins of the document's claims, their scored pairs with earlier claims, and the
    clusters of their neighbourhood built again; returns the clusters touched."""
    outlet = _root_outlet(conn, doc)
    claims = conn.execute("SELECT * FROM claims WHERE doc=? ORDER BY start", (doc,)).fetchall()
    for claim in claims:
        origin = origin_of(_chain(conn, claim), outlet)
        conn.execute(
            "INSERT OR REPLACE INTO claim_origins VALUES (?, ?, ?, ?)", (claim["id"], origin.name, origin.kind, "[]")
        )
    clustered = [c for c in claims if c["kind"] in CLUSTERED]
    vectors = embed([c["text"] for c in clustered])
    conn.executemany(
        "INSERT OR REPLACE INTO claim_vectors VALUES (?, ?)",
        [(c["id"], to_blob(v)) for c, v in zip(clustered, vectors, strict=True)],
    )
    features = _features_of(conn, clustered)
    _link(conn, features)
    return recluster(conn, [f.id for f in features], doc)


def _link(conn: sqlite3.Connection, features: list[ClaimFeatures]) -> None:
    """Score the document's claims against their candidates (and each other) and keep the
    pairs that say something; the candidates' features are read once for the whole document."""
    mine = {g.id for g in features}
    wanted = {f.id: [c for c in _candidates(conn, f) if c not in mine] for f in features}
    known = features_by_id(conn, sorted({c for cands in wanted.values() for c in cands}))
    edges = []
    for i, feats in enumerate(features):
        for cand in wanted[feats.id]:
            other = known.get(cand)
            if other is not None and other.kind == feats.kind:
                edges.append(edge_row(feats, other))
        for other in features[:i]:
            if other.kind == feats.kind and feats.keys() & other.keys():
                edges.append(edge_row(feats, other))
    conn.executemany(STORE_EDGE, [e for e in edges if e is not None])
    for feats in features:
        _index_claim(conn, feats)


def resolve_document(conn: sqlite3.Connection, doc: str) -> None:
    """Entities, clusters, statuses and series updated for one new document."""
    renamed: set[str] = set()  # clusters whose origins actor merges renamed
    _resolve_entities(conn, doc, renamed)
    touched = _resolve_claims(conn, doc)
    copied = [
        r[0]
        for r in conn.execute(
            f"{COPIES} SELECT DISTINCT m.cluster FROM copies JOIN claims c ON c.doc = copies.id "
            "JOIN memberships m ON m.claim = c.id WHERE copies.id != ?",
            (doc, doc),
        )
    ]
    lookups = Lookups(conn)
    for cluster in sorted((set(copied) | renamed) - touched):
        # which copy came first, and so whose origin it is, may change
        recompute_cluster(conn, cluster, doc if cluster in copied else None, lookups)
    add_document_points(conn, doc)
