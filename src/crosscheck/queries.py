"""Read-only questions to the ledger's analysis, answered as plain dictionaries.

The CLI and other views call these; none of them writes. References a user types are
resolved here: an entity by id, id prefix, name or alias; a claim or cluster by id or unique
id prefix; a document as `Ledger.document` finds it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from crosscheck.errors import CrosscheckError
from crosscheck.ledger import Ledger
from crosscheck.ledger.clusters import IN_HEADLINE
from crosscheck.ledger.records import place_fields, place_key
from crosscheck.ledger.series import read_series, series_record

__all__ = [
    "BadValue",
    "NotFound",
    "chain_text",
    "changes_since",
    "claim_detail",
    "cluster_detail",
    "cluster_item",
    "cluster_origins",
    "cluster_rows",
    "entity_detail",
    "list_claims",
    "list_clusters",
    "list_entities",
    "list_figures",
    "list_judgements",
    "list_places",
    "list_series",
    "origin_label",
    "parse_since",
    "resolve_claim",
    "resolve_cluster",
    "resolve_entities",
]

CONTEXT = 60  # characters of text shown either side of a mention
NOTABLE = ("corroborated", "contested", "denied")
_EXCLUDED_SERIES = ("other", "money", "duration")


class NotFound(CrosscheckError):
    """A reference (entity, claim, cluster, document) matches nothing, or more than one thing."""

    exit_code = 4


class BadValue(NotFound):
    """A value that can name nothing: a malformed or out-of-range date or id (the web app answers 400)."""


# -- references -----------------------------------------------------------------------------


def _marks(items: Sequence[object]) -> str:
    return ",".join("?" * len(items))


def _by_prefix(conn: sqlite3.Connection, table: str, ref: str) -> str | None:
    """The id in `table` equal to `ref`, or the only one starting with it."""
    if conn.execute(f"SELECT 1 FROM {table} WHERE id=?", (ref,)).fetchone():
        return ref
    if len(ref) < 4:
        return None
    upper = ref[:-1] + chr(ord(ref[-1]) + 1)
    rows = conn.execute(f"SELECT id FROM {table} WHERE id >= ? AND id < ? LIMIT 2", (ref, upper)).fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None


def resolve_claim(ledger: Ledger, ref: str) -> str:
    """A claim id from an id or unique prefix; raises NotFound."""
    found = _by_prefix(ledger.conn, "claims", ref.strip())
    if found is None:
        raise NotFound(f"{ref}: no such claim (or the prefix is ambiguous)")
    return found


def resolve_cluster(ledger: Ledger, ref: str) -> str:
    """A cluster id from an id or unique prefix; raises NotFound."""
    found = _by_prefix(ledger.conn, "clusters", ref.strip())
    if found is None:
        raise NotFound(f"{ref}: no such cluster (or the prefix is ambiguous)")
    return found


def resolve_entities(ledger: Ledger, ref: str) -> list[str]:
    """Entity ids `ref` names: an id or unique id prefix, else every entity whose name or alias
    is `ref` (any case). Empty when nothing matches."""
    conn = ledger.conn
    ref = ref.strip()
    found = _by_prefix(conn, "entities", ref)
    if found:
        return [found]
    rows = conn.execute("SELECT id FROM entities WHERE name = ? COLLATE NOCASE ORDER BY rowid", (ref,)).fetchall()
    if not rows:
        rows = conn.execute(
            "SELECT DISTINCT e.id FROM entities e, json_each(e.aliases) j WHERE j.value = ? COLLATE NOCASE ORDER BY e.rowid",
            (ref,),
        ).fetchall()
    return [r[0] for r in rows]


def _actor_of(conn: sqlite3.Connection, entities: Iterable[str]) -> dict[str, str]:
    ids = list(entities)
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT e.id, coalesce(a.actor, e.id) FROM entities e LEFT JOIN actors a ON a.entity = e.id "
        f"WHERE e.id IN ({_marks(ids)})",
        ids,
    )
    return {r[0]: r[1] for r in rows}


def _actors(ledger: Ledger, ref: str) -> list[str]:
    """The actors `ref` names, most mentioned first; raises NotFound."""
    conn = ledger.conn
    actors = list(dict.fromkeys(_actor_of(conn, resolve_entities(ledger, ref)).values()))
    if not actors:
        raise NotFound(f"{ref}: no such entity")
    if len(actors) > 1:
        counts = {
            a: conn.execute(
                "SELECT count(*) FROM entity_mentions m JOIN actors x ON x.entity = m.entity WHERE x.actor=?", (a,)
            ).fetchone()[0]
            for a in actors
        }
        actors.sort(key=lambda a: -counts[a])
    return actors


def _members(conn: sqlite3.Connection, actors: Sequence[str]) -> list[str]:
    rows = conn.execute(f"SELECT entity FROM actors WHERE actor IN ({_marks(actors)})", list(actors)).fetchall()
    return [r[0] for r in rows] or list(actors)


def _names(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {r[0]: r[1] for r in conn.execute(f"SELECT id, name FROM entities WHERE id IN ({_marks(ids)})", ids)}


def origin_label(conn: sqlite3.Connection, origin: str | None, cache: dict[str, str] | None = None) -> str | None:
    """An origin as people read it: `actor:ID` becomes the actor's name."""
    if origin is None or not origin.startswith("actor:"):
        return origin
    if cache is not None and origin in cache:
        return cache[origin]
    label = _names(conn, [origin[6:]]).get(origin[6:], origin)
    if cache is not None:
        cache[origin] = label
    return label


# -- entities and places ----------------------------------------------------------------------


def list_entities(
    ledger: Ledger,
    *,
    type: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Actors (entities merged across documents), most mentioned first (ties by name); one page
    of `limit` from `offset` when given. Read in the order of the index on `actor_board`, a
    batch of actors at a time, so a page costs the same in a ledger of any size."""
    conn = ledger.conn
    out: list[dict[str, Any]] = []
    skip = max(int(offset), 0)
    after: tuple[int, str, str] | None = None
    batch = 200 if limit else 2000
    while limit is None or not limit or len(out) < limit:
        page = conn.execute(
            "SELECT actor, mentions, name_key FROM actor_board "
            + ("WHERE (mentions < ?) OR (mentions = ? AND (name_key, actor) > (?, ?)) " if after else "")
            + "ORDER BY mentions DESC, name_key, actor LIMIT ?",
            [*((after[0], after[0], after[1], after[2]) if after else ()), batch],
        ).fetchall()
        if not page:
            break
        after = (page[-1][1], page[-1][2], page[-1][0])
        for g in _actor_groups(conn, page):
            if type and g["type"].lower() != type.lower():
                continue
            if kind and (g["kind"] or "").lower() != kind.lower():
                continue
            if skip:
                skip -= 1
                continue
            out.append(g)
            if limit and len(out) >= limit:
                break
    return out


def _actor_groups(conn: sqlite3.Connection, page: Sequence[sqlite3.Row]) -> list[dict[str, Any]]:
    """The actors of `page` (rows of actor_board, in order) with their names, kind, aliases,
    mentions, reports and member entities."""
    actors = [r["actor"] for r in page]
    groups: dict[str, dict[str, Any]] = {
        r["actor"]: {
            "id": r["actor"],
            "name": None,
            "type": None,
            "kind": None,
            "aliases": {},
            "mentions": r["mentions"],
            "docs": set(),
            "entities": 0,
        }
        for r in page
    }
    for r in conn.execute(
        f"SELECT e.id, e.doc, e.name, e.type, e.kind, e.aliases, a.actor FROM actors a JOIN entities e ON e.id = a.entity "
        f"WHERE a.actor IN ({_marks(actors)}) ORDER BY e.rowid",
        actors,
    ):
        g = groups[r["actor"]]
        if g["name"] is None or r["id"] == r["actor"]:
            g["name"], g["type"] = r["name"], r["type"]
        g["kind"] = g["kind"] or r["kind"]
        g["aliases"][r["name"]] = None
        if r["aliases"] != "[]":
            g["aliases"].update(dict.fromkeys(json.loads(r["aliases"])))
        g["docs"].add(r["doc"])
        g["entities"] += 1
    out = []
    for g in groups.values():
        if g["name"] is None:
            continue
        g["aliases"] = [a for a in g["aliases"] if a.lower() != g["name"].lower()]
        g["docs"] = len(g["docs"])
        out.append(g)
    return out


def entity_detail(ledger: Ledger, ref: str, *, why: bool = False) -> dict[str, Any]:
    """One actor: its names, member entities, mentions with context, relations, and (with
    `why`) the judgement edges between its entities with the features that decided them."""
    conn = ledger.conn
    actors = _actors(ledger, ref)
    actor = actors[0]
    members = _members(conn, [actor])
    marks = _marks(members)
    rows = conn.execute(f"SELECT * FROM entities WHERE id IN ({marks}) ORDER BY rowid", members).fetchall()
    head = next((r for r in rows if r["id"] == actor), rows[0])
    aliases = dict.fromkeys(n for r in rows for n in (r["name"], *json.loads(r["aliases"])))
    mentions = []
    for m in conn.execute(
        f"SELECT m.entity, m.doc, m.start, m.stop, m.text, d.outlet, max(m.start - {CONTEXT}, 0) AS cs, "
        f"substr(d.text, max(m.start - {CONTEXT}, 0) + 1, m.stop + {CONTEXT} - max(m.start - {CONTEXT}, 0)) AS ctx "
        f"FROM entity_mentions m JOIN documents d ON d.id = m.doc WHERE m.entity IN ({marks}) ORDER BY m.doc, m.start",
        members,
    ):
        ctx = m["ctx"]
        mentions.append(
            {
                "entity": m["entity"],
                "doc": m["doc"],
                "outlet": m["outlet"],
                "start": m["start"],
                "end": m["stop"],
                "text": m["text"],
                "context": ctx,
                "at": [m["start"] - m["cs"], m["stop"] - m["cs"]],
            }
        )
    relations = []
    rel_rows = conn.execute(
        f"SELECT * FROM relations WHERE subject IN ({marks}) OR object IN ({marks}) ORDER BY doc, start",
        [*members, *members],
    ).fetchall()
    ends = _actor_of(conn, {x for r in rel_rows for x in (r["subject"], r["object"])})
    names = _names(conn, ends.values())
    for r in rel_rows:
        s, o = ends.get(r["subject"], r["subject"]), ends.get(r["object"], r["object"])
        relations.append(
            {
                "subject": names.get(s, s),
                "subject_id": s,
                "predicate": r["predicate"],
                "object": names.get(o, o),
                "object_id": o,
                "doc": r["doc"],
                "evidence": r["text"],
            }
        )
    out: dict[str, Any] = {
        "id": actor,
        "name": head["name"],
        "type": head["type"],
        "kind": next((r["kind"] for r in rows if r["kind"]), None),
        "aliases": [a for a in aliases if a.lower() != head["name"].lower()],
        "entities": [{"id": r["id"], "doc": r["doc"], "name": r["name"], "type": r["type"]} for r in rows],
        "mentions": mentions,
        "relations": relations,
        "others": [{"id": a, "name": _names(conn, [a]).get(a)} for a in actors[1:]],
    }
    if why:
        out["judgements"] = _entity_judgements(conn, members)
    return out


def _entity_judgements(conn: sqlite3.Connection, members: list[str]) -> list[dict[str, Any]]:
    marks = _marks(members)
    rows = conn.execute(
        f"SELECT * FROM judgements WHERE kind='entity' AND (a IN ({marks}) OR b IN ({marks})) ORDER BY id",
        [*members, *members],
    ).fetchall()
    info = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            f"SELECT id, name, doc FROM entities WHERE id IN ({_marks([x for r in rows for x in (r['a'], r['b'])] or [''])})",
            [x for r in rows for x in (r["a"], r["b"])] or [""],
        )
    }
    return [
        {
            "id": r["id"],
            "a": r["a"],
            "a_name": info.get(r["a"], (None, None))[0],
            "a_doc": info.get(r["a"], (None, None))[1],
            "b": r["b"],
            "b_name": info.get(r["b"], (None, None))[0],
            "b_doc": info.get(r["b"], (None, None))[1],
            "decision": r["decision"],
            "score": r["score"],
            "features": json.loads(r["features"]),
            "author": r["author"],
            "created_at": r["created_at"],
            "undone": bool(r["undone"]),
        }
        for r in rows
    ]


def list_places(ledger: Ledger, *, country: str | None = None) -> list[dict[str, Any]]:
    """Places as gazetteer entries (unresolved ones by name), most mentioned first."""
    conn = ledger.conn
    where, args = "", []
    if country:
        where, args = "WHERE upper(p.country) = upper(?)", [country]
    groups: dict[str, dict[str, Any]] = {}
    for r in conn.execute(
        f"SELECT p.*, (SELECT count(*) FROM place_mentions m WHERE m.place = p.id) AS n FROM places p {where} ORDER BY p.rowid",
        args,
    ):
        key = place_key(r)
        g = groups.setdefault(key, {**place_fields(r), "names": {}, "mentions": 0, "docs": set()})
        g["names"][r["name"]] = None
        g["mentions"] += r["n"]
        g["docs"].add(r["doc"])
    out = []
    for g in groups.values():
        g["names"], g["docs"] = list(g["names"]), len(g["docs"])
        out.append(g)
    out.sort(key=lambda g: (-g["mentions"], g["name"].lower()))
    return out


def _place_ids(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Place rows meant by a name or gazetteer id, across spellings of the same gazetteer place."""
    rows = conn.execute(
        "SELECT id, gazetteer_id FROM places WHERE name = ? COLLATE NOCASE OR gazetteer_id = ?", (ref, ref)
    ).fetchall()
    gids = sorted({r[1] for r in rows if r[1]})
    ids = {r[0] for r in rows}
    if gids:
        ids |= {r[0] for r in conn.execute(f"SELECT id FROM places WHERE gazetteer_id IN ({_marks(gids)})", gids)}
    return sorted(ids)


# -- claims and figures -------------------------------------------------------------------------


def _claims_with(column: str, ids: list[str], docs_sql: str) -> str:
    """SQL restricting claims `c` to those listing one of `ids` in JSON `column` (checked only in
    the documents where they occur, so the index on claims.doc does the work)."""
    return (
        f"(c.doc IN ({docs_sql}) AND EXISTS (SELECT 1 FROM json_each(c.{column}) j WHERE j.value IN ({_marks(ids)})))"
    )


def list_claims(
    ledger: Ledger,
    *,
    doc: str | None = None,
    source: str | None = None,
    entity: str | None = None,
    certainty: str | None = None,
    polarity: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Claims in document order, filtered by document, source (words of the source or the name
    of its entity), an entity they mention or are sourced to, certainty, polarity, kind."""
    conn = ledger.conn
    where: list[str] = []
    args: list[object] = []
    if doc:
        row = ledger.document(doc)
        if row is None:
            raise NotFound(f"{doc}: no such document (or the prefix is ambiguous)")
        where.append("c.doc = ?")
        args.append(row["id"])
    if source:
        ents = conn.execute("SELECT id FROM entities WHERE name LIKE ? ESCAPE '\\'", (f"%{_like(source)}%",)).fetchall()
        members = _members(conn, list(_actor_of(conn, [r[0] for r in ents]).values())) if ents else []
        clause = "c.source_text LIKE ? ESCAPE '\\'"
        args.append(f"%{_like(source)}%")
        if members:
            clause += f" OR c.source_entity IN ({_marks(members)})"
            args.extend(members)
        where.append(f"({clause})")
    if entity:
        members = _members(conn, _actors(ledger, entity)[:1])
        docs = f"SELECT doc FROM entities WHERE id IN ({_marks(members)})"
        where.append(f"({_claims_with('entities', members, docs)} OR c.source_entity IN ({_marks(members)}))")
        args.extend([*members, *members, *members])
    for column, value in (("certainty", certainty), ("polarity", polarity), ("kind", kind)):
        if value:
            where.append(f"c.{column} = ?")
            args.append(value)
    sql = (
        "SELECT c.id, c.doc, c.text, c.source_text, c.source_kind, c.cue, c.certainty, c.polarity, c.kind, c.quote, "
        "c.event_type, m.cluster, m.stance, o.origin FROM claims c LEFT JOIN memberships m ON m.claim = c.id "
        "LEFT JOIN claim_origins o ON o.claim = c.id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.doc, c.start"
    if limit:
        sql += f" LIMIT {int(limit)}"
    cache: dict[str, str] = {}
    out = []
    for r in conn.execute(sql, args):
        item = dict(r)
        item["source"] = item.pop("source_text")
        item["origin"] = origin_label(conn, r["origin"], cache)
        out.append(item)
    return out


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _via(row: sqlite3.Row) -> list[dict[str, Any]]:
    return [{"text": v["text"], "kind": v["kind"], "entity": v.get("entity")} for v in json.loads(row["via"])]


def chain_text(source: str, via: Sequence[dict[str, Any]]) -> str:
    """A source chain on one line, outermost first: `Outlet <- officials <- documents`."""
    return " ← ".join([source, *(v["text"] for v in via)])


def _find_cue(sentence: str, cue: str | None, avoid: tuple[int, int], near: int | None) -> tuple[int, int] | None:
    if not cue:
        return None
    spots = [
        (m.start(), m.end())
        for m in re.finditer(re.escape(cue), sentence, re.I)
        if m.end() <= avoid[0] or m.start() >= avoid[1]
    ]
    if not spots:
        spots = [(m.start(), m.end()) for m in re.finditer(re.escape(cue), sentence, re.I)]
    if not spots:
        return None
    return min(spots, key=lambda s: abs(s[0] - near)) if near is not None else spots[0]


def claim_detail(ledger: Ledger, ref: str) -> dict[str, Any]:
    """One claim: its sentence with the content, source and cue located in it (offsets into
    `sentence`), its via chain, origin, cluster, stance and figures."""
    conn = ledger.conn
    cid = resolve_claim(ledger, ref)
    r = conn.execute(
        "SELECT c.*, d.outlet, d.published, d.title, substr(d.text, c.sentence_start + 1, c.sentence_stop - c.sentence_start) "
        "AS sentence, m.cluster, m.stance, o.origin, o.kind AS origin_kind, k.proposition, k.status FROM claims c "
        "JOIN documents d ON d.id = c.doc LEFT JOIN memberships m ON m.claim = c.id LEFT JOIN claim_origins o ON o.claim = c.id "
        "LEFT JOIN clusters k ON k.id = m.cluster WHERE c.id = ?",
        (cid,),
    ).fetchone()
    base = r["sentence_start"]
    content = (r["start"] - base, r["stop"] - base)
    source = None
    if r["source_start"] is not None and base <= r["source_start"] and r["source_stop"] <= r["sentence_stop"]:
        source = (r["source_start"] - base, r["source_stop"] - base)
    cue = _find_cue(r["sentence"], r["cue"], content, source[0] if source else None)
    figures = [
        dict(f)
        for f in conn.execute(
            "SELECT id, text, value, low, high, qualifier, category, what, as_of FROM figures WHERE claim=? ORDER BY start",
            (cid,),
        )
    ]
    via = _via(r)
    return {
        "id": cid,
        "doc": r["doc"],
        "outlet": r["outlet"],
        "published": r["published"],
        "title": r["title"],
        "text": r["text"],
        "sentence": r["sentence"],
        "content_at": list(content),
        "source_at": list(source) if source else None,
        "cue_at": list(cue) if cue else None,
        "source": r["source_text"],
        "source_kind": r["source_kind"],
        "source_entity": r["source_entity"],
        "via": via,
        "chain": chain_text(r["source_text"], via),
        "cue": r["cue"],
        "quote": r["quote"],
        "certainty": r["certainty"],
        "polarity": r["polarity"],
        "kind": r["kind"],
        "event_type": r["event_type"],
        "when": r["when_text"],
        "when_start": r["when_start"],
        "when_end": r["when_end"],
        "origin": origin_label(conn, r["origin"]),
        "origin_kind": r["origin_kind"],
        "cluster": r["cluster"],
        "stance": r["stance"],
        "proposition": r["proposition"],
        "status": r["status"],
        "figures": figures,
    }


def list_figures(
    ledger: Ledger, *, category: str | None = None, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Figures with their source and origin, by category and date; one page of `limit` from
    `offset` when given (read in the order of an index)."""
    conn = ledger.conn
    where, args = ("WHERE f.category = ?", [category]) if category else ("", [])
    page = f" LIMIT {int(limit) if limit else -1} OFFSET {max(int(offset), 0)}" if limit or offset else ""
    cache: dict[str, str] = {}
    out = []
    for r in conn.execute(
        "SELECT f.id, f.doc, f.text, f.value, f.low, f.high, f.qualifier, f.category, f.what, f.as_of, f.claim, "
        f"f.part_of, c.source_text AS source, o.origin, d.outlet FROM figures f JOIN documents d ON d.id = f.doc "
        f"LEFT JOIN claims c ON c.id = f.claim LEFT JOIN claim_origins o ON o.claim = f.claim {where} "
        f"ORDER BY f.category, f.as_of, f.value{page}",
        args,
    ):
        item = dict(r)
        item["origin"] = origin_label(conn, r["origin"], cache)
        out.append(item)
    return out


def list_series(
    ledger: Ledger, *, category: str | None = None, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Figure series with their points in date order and their flags; one page of `limit` from
    `offset` when given, read a batch of series at a time in the order of their index."""
    if not limit and not offset:
        out = read_series(ledger.conn, category)
    else:
        out = _series_page(ledger.conn, category, limit, max(int(offset), 0))
    for item in out:
        item["values"] = " → ".join(f"{p['value']:g} ({p['as_of'] or '?'})" for p in item["points"])
    return out


def _series_page(conn: sqlite3.Connection, category: str | None, limit: int | None, skip: int) -> list[dict[str, Any]]:
    """Series as `read_series` gives them (same order, same filter), one page at a time."""
    from crosscheck.resolve.series import Point

    out: list[dict[str, Any]] = []
    after: tuple[str, str, str] | None = None
    while not limit or len(out) < limit:
        where = ["s.category = ?"] if category else []
        args: list[object] = [category] if category else []
        if after:
            where.append("(s.category, coalesce(s.source, ''), s.id) > (?, ?, ?)")
            args.extend(after)
        rows = conn.execute(
            "SELECT * FROM series s"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY s.category, coalesce(s.source, ''), s.id LIMIT 200",
            args,
        ).fetchall()
        if not rows:
            break
        after = (rows[-1]["category"], rows[-1]["source"] or "", rows[-1]["id"])
        ids = [r["id"] for r in rows]
        points: dict[str, list[Point]] = {}
        for p in conn.execute(
            f"SELECT series, figure, value, as_of FROM series_points WHERE series IN ({_marks(ids)})", ids
        ):
            points.setdefault(p[0], []).append(Point(p[1], p[2], p[3]))
        for r in rows:
            record = series_record(r, points.get(r["id"], []))
            if record is None:
                continue
            if skip:
                skip -= 1
                continue
            out.append(record)
            if limit and len(out) >= limit:
                break
    return out


# -- clusters ---------------------------------------------------------------------------------


CLUSTER_ORDERS = {
    "size": "size DESC, id",
    "origins": "n_origins DESC, size DESC, coalesce(last_published, '') DESC, id",
    "recency": "coalesce(last_published, '') DESC, size DESC, id",
}


def _lower(text: object) -> str | None:
    return text.lower() if isinstance(text, str) else None


def cluster_rows(
    ledger: Ledger,
    *,
    status: str | None = None,
    entity: str | None = None,
    place: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    min_size: int = 1,
    sort: str = "size",
    limit: int | None = None,
    offset: int = 0,
) -> list[sqlite3.Row]:
    """Cluster rows filtered and ordered in SQL (`sort`: size, origins or recency, each an
    index), one page of `limit` from `offset`: the ledger's size does not change the cost."""
    conn = ledger.conn
    where: list[str] = ["+size >= ?"]  # a filter: the ORDER BY picks the index
    args: list[object] = [min_size]
    if status:
        where.append("status = ?")
        args.append(status)
    if entity:
        ids = _members(conn, _actors(ledger, entity)[:1])
        docs = f"SELECT doc FROM entities WHERE id IN ({_marks(ids)})"
        claims = f"SELECT c.id FROM claims c WHERE {_claims_with('entities', ids, docs)} OR c.source_entity IN ({_marks(ids)})"
        where.append(f"id IN (SELECT cluster FROM memberships WHERE claim IN ({claims}))")
        args.extend([*ids, *ids, *ids])
    if place:
        ids = _place_ids(conn, place)
        if not ids:
            raise NotFound(f"{place}: no such place")
        docs = f"SELECT doc FROM places WHERE id IN ({_marks(ids)})"
        claims = f"SELECT c.id FROM claims c WHERE {_claims_with('places', ids, docs)}"
        where.append(f"id IN (SELECT cluster FROM memberships WHERE claim IN ({claims}))")
        args.extend([*ids, *ids])
    if outlet:
        conn.create_function("crosscheck_lower", 1, _lower, deterministic=True)
        where.append("EXISTS (SELECT 1 FROM json_each(outlets) j WHERE instr(crosscheck_lower(j.value), ?) > 0)")
        args.append(outlet.lower())
    if since:
        where.append("coalesce(last_published, '') >= ?")
        args.append(since)
    if until:
        where.append("coalesce(first_published, '9999') <= ?")
        args.append(until + "\uffff")
    sql = f"SELECT * FROM clusters WHERE {' AND '.join(where)} ORDER BY {CLUSTER_ORDERS[sort]}"
    if limit or offset:
        sql += f" LIMIT {int(limit) if limit else -1} OFFSET {max(int(offset), 0)}"
    return conn.execute(sql, args).fetchall()


def cluster_item(r: sqlite3.Row) -> dict[str, Any]:
    """A cluster row as `list_clusters` gives it."""
    return {
        "id": r["id"],
        "status": r["status"],
        "size": r["size"],
        "proposition": r["proposition"],
        "origins": json.loads(r["origins"]),
        "refuted_by": json.loads(r["refuted_by"]),
        "reason": r["reason"],
    }


def list_clusters(
    ledger: Ledger,
    *,
    status: str | None = None,
    entity: str | None = None,
    place: str | None = None,
    min_size: int = 1,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Clusters, largest first, filtered by status, an entity or a place their claims mention;
    one page of `limit` from `offset` when given."""
    rows = cluster_rows(
        ledger, status=status, entity=entity, place=place, min_size=min_size, limit=limit, offset=offset
    )
    return [cluster_item(r) for r in rows]


def _cluster_rows(conn: sqlite3.Connection, cluster: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT c.*, m.stance, m.score, o.origin, o.kind AS origin_kind, d.outlet, d.published, d.duplicate_of, "
        "substr(d.text, c.sentence_start + 1, c.sentence_stop - c.sentence_start) AS sentence, "
        f"{IN_HEADLINE} AS in_headline FROM memberships m "
        "JOIN claims c ON c.id = m.claim JOIN documents d ON d.id = c.doc LEFT JOIN claim_origins o ON o.claim = c.id "
        "WHERE m.cluster = ? ORDER BY d.published, c.doc, c.start",
        (cluster,),
    ).fetchall()


def cluster_detail(ledger: Ledger, ref: str) -> dict[str, Any]:
    """One cluster: proposition, status and reason, and every claim with its stance, source
    chain, origin and sentence; user corrections that touch it."""
    conn = ledger.conn
    cid = resolve_cluster(ledger, ref)
    k = conn.execute("SELECT * FROM clusters WHERE id=?", (cid,)).fetchone()
    cache: dict[str, str] = {}
    claims = []
    for r in _cluster_rows(conn, cid):
        via = _via(r)
        claims.append(
            {
                "id": r["id"],
                "stance": r["stance"],
                "doc": r["doc"],
                "outlet": r["outlet"],
                "published": r["published"],
                "text": r["text"],
                "chain": chain_text(r["source_text"], via),
                "source_kind": r["source_kind"],
                "cue": r["cue"],
                "certainty": r["certainty"],
                "polarity": r["polarity"],
                "origin": origin_label(conn, r["origin"], cache),
                "sentence": r["sentence"],
                "score": r["score"],
            }
        )
    ids = [c["id"] for c in claims]
    corrections = [
        dict(j)
        for j in conn.execute(
            f"SELECT id, kind, a, b, decision, features, created_at, undone FROM judgements WHERE author='user' AND "
            f"(a = ? OR b = ? OR a IN ({_marks(ids or [''])})) ORDER BY id",
            [cid, cid, *(ids or [""])],
        )
    ]
    return {
        "id": cid,
        "proposition": k["proposition"],
        "status": k["status"],
        "reason": k["reason"],
        "origins": json.loads(k["origins"]),
        "refuted_by": json.loads(k["refuted_by"]),
        "size": k["size"],
        "updated_at": k["updated_at"],
        "claims": claims,
        "corrections": corrections,
    }


def cluster_origins(ledger: Ledger, ref: str) -> dict[str, Any]:
    """Each independent origin of a cluster with the claims, chains and documents behind it,
    grouped the way the status counts them."""
    from crosscheck.ledger.clusters import _within_document
    from crosscheck.resolve.status import Member

    conn = ledger.conn
    cid = resolve_cluster(ledger, ref)
    k = conn.execute("SELECT * FROM clusters WHERE id=?", (cid,)).fetchone()
    rows = _cluster_rows(conn, cid)
    cache: dict[str, str] = {}
    raw = [
        Member(r["id"], r["stance"], origin_label(conn, r["origin"], cache) or "?", r["origin_kind"] or "outlet")
        for r in rows
    ]
    counted = _within_document(
        raw, [r["doc"] for r in rows], [r["source_text"] for r in rows], [bool(r["in_headline"]) for r in rows]
    )
    dup_outlets = {
        r[0]: r[1]
        for r in conn.execute(
            f"SELECT id, outlet FROM documents WHERE id IN ({_marks([r['duplicate_of'] or '' for r in rows] or [''])})",
            [r["duplicate_of"] or "" for r in rows] or [""],
        )
    }
    groups: dict[str, dict[str, Any]] = {}
    for r, before, after in zip(rows, raw, counted, strict=True):
        g = groups.setdefault(
            after.origin, {"origin": after.origin, "kind": after.origin_kind, "stances": {}, "claims": [], "docs": {}}
        )
        g["stances"][after.stance] = g["stances"].get(after.stance, 0) + 1
        g["docs"][r["doc"]] = r["outlet"]
        g["claims"].append(
            {
                "id": r["id"],
                "stance": r["stance"],
                "doc": r["doc"],
                "outlet": r["outlet"],
                "published": r["published"],
                "chain": chain_text(r["source_text"], _via(r)),
                "text": r["text"],
                "copy_of": r["duplicate_of"],
                "copy_of_outlet": dup_outlets.get(r["duplicate_of"] or ""),
                "counted_with": after.origin if before.origin != after.origin else None,
            }
        )
    for g in groups.values():
        g["docs"] = [{"doc": d, "outlet": o} for d, o in g["docs"].items()]
    return {
        "id": cid,
        "proposition": k["proposition"],
        "status": k["status"],
        "reason": k["reason"],
        "origins": list(groups.values()),
    }


# -- history and judgements ---------------------------------------------------------------------

_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")


def parse_since(value: str, now: datetime | None = None) -> str:
    """An ISO timestamp from `2026-01-09`, `2026-01-09T10:00`, `3d`, `12h`, `2w`, `today`, `yesterday`."""
    now = now or datetime.now(UTC)
    text = value.strip().lower()
    if text in ("today", "yesterday"):
        day = now.date() - timedelta(days=text == "yesterday")
        return day.isoformat()
    m = _RELATIVE.match(text)
    if m:
        try:
            hours = int(m.group(1)) * {"h": 1, "d": 24, "w": 168}[m.group(2)]
            return (now - timedelta(hours=hours)).isoformat(timespec="seconds")
        except (OverflowError, ValueError):
            raise BadValue(f"{value[:40]}: too far back (the earliest is year 1)") from None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(f"{value[:40]}: not a date (use 2026-01-09, 2026-01-09T10:00, 3d, 12h, today)") from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise BadValue(f"{value[:40]}: not a date (out of range)") from None
    return parsed.isoformat(timespec="seconds") if "t" in text or " " in text.strip() else parsed.date().isoformat()


CHANGE_CLOCKS = ("published", "added")


def changes_since(ledger: Ledger, since: str, *, every: bool = False, by: str = "published") -> dict[str, Any]:
    """What changed since `since` (see `parse_since`): clusters that became (or stopped being)
    corroborated, contested or denied (`every`: all status changes), user corrections, and
    figures of a series that moved, with the document that moved them.

    `by="published"` (the default) reads the story's time: a change counts when the report
    that caused it was published since then (an undated report counts by when it was added),
    so an old report added late is not news. `by="added"` reads when reports were added."""
    if by not in CHANGE_CLOCKS:
        raise NotFound(f"{by}: not a clock (use published or added)")
    conn = ledger.conn
    at = parse_since(since)
    # a document's time on the chosen clock; ISO strings compare as times
    doc_time = "d.added_at" if by == "added" else "COALESCE(d.published, d.added_at)"
    statuses, corrections = [], []
    for r in conn.execute(
        f"SELECT ch.*, k.proposition, {doc_time} AS doc_time FROM changes ch "
        "LEFT JOIN clusters k ON k.id = ch.subject LEFT JOIN documents d ON d.id = ch.doc "
        f"WHERE (CASE WHEN d.id IS NULL THEN ch.at ELSE {doc_time} END) >= ? ORDER BY ch.id",
        (at,),
    ):
        if r["kind"] == "status":
            if every or r["after"] in NOTABLE or r["before"] in NOTABLE:
                statuses.append(
                    {
                        "at": r["at"],
                        "cluster": r["subject"],
                        "before": r["before"],
                        "after": r["after"],
                        "proposition": r["proposition"],
                        "doc": r["doc"],
                        "published": r["doc_time"] if by == "published" else None,
                        "reason": r["reason"],
                    }
                )
        else:
            corrections.append({"at": r["at"], "kind": r["kind"], "subject": r["subject"], "reason": r["reason"]})
    new = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            f"SELECT f.id, f.doc, d.outlet FROM figures f JOIN documents d ON d.id = f.doc WHERE {doc_time} >= ?", (at,)
        )
    }
    figures = []
    if new:
        for s in read_series(conn):
            points = s["points"]
            for i, p in enumerate(points):
                if p["figure"] in new and i > 0:
                    prev = points[i - 1]
                    figures.append(
                        {
                            "series": s["id"],
                            "category": s["category"],
                            "what": s["what"],
                            "source": s["source"],
                            "before": prev["value"],
                            "before_as_of": prev["as_of"],
                            "after": p["value"],
                            "as_of": p["as_of"],
                            "doc": new[p["figure"]][0],
                            "outlet": new[p["figure"]][1],
                            "flags": s["flags"],
                        }
                    )
    return {"by": by, "since": at, "statuses": statuses, "figures": figures, "corrections": corrections}


def list_judgements(
    ledger: Ledger, *, author: str | None = "user", kind: str | None = None, active: bool = False
) -> list[dict[str, Any]]:
    """Judgement edges (by default the user's), newest first."""
    where, args = [], []
    if author:
        where.append("author = ?")
        args.append(author)
    if kind:
        where.append("kind = ?")
        args.append(kind)
    if active:
        where.append("undone = 0")
    sql = "SELECT * FROM judgements" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
    out = []
    for r in ledger.conn.execute(sql, args):
        item = dict(r)
        item["features"] = json.loads(r["features"])
        item["undone"] = bool(r["undone"])
        out.append(item)
    return out
