"""The JSON export's analysis parts as they were built before the export streamed: the whole
ledger in memory. Kept only as the oracle the streamed export is compared with."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from typing import Any

from crosscheck.ledger import Ledger
from crosscheck.ledger.records import place_fields, place_key
from crosscheck.ledger.series import read_series
from crosscheck.nlp.timex import is_background, story_window


def _span(doc: str, start: int, stop: int, text: str) -> dict[str, Any]:
    return {"doc": doc, "start": start, "end": stop, "text": text}


def _actor_map(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT entity, actor FROM actors")}


def _entities(conn: sqlite3.Connection, actor_of: dict[str, str]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    rows = conn.execute("SELECT * FROM entities ORDER BY rowid").fetchall()
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in conn.execute("SELECT entity, doc, start, stop, text FROM entity_mentions ORDER BY doc, start"):
        mentions[m["entity"]].append(_span(m["doc"], m["start"], m["stop"], m["text"]))
    for r in rows:
        actor = actor_of.get(r["id"], r["id"])
        g = groups.setdefault(
            actor,
            {"id": actor, "name": None, "type": r["type"], "kind": None, "aliases": {}, "mentions": [], "docs": []},
        )
        if r["id"] == actor or g["name"] is None:
            g["name"] = r["name"]
        g["kind"] = g["kind"] or r["kind"]
        for alias in [r["name"], *json.loads(r["aliases"])]:
            g["aliases"][alias] = None
        g["mentions"].extend(mentions.get(r["id"], []))
        g["docs"].append(r["doc"])
    out = []
    for g in groups.values():
        g["aliases"] = [a for a in g["aliases"] if a != g["name"]]
        g["docs"] = sorted(set(g["docs"]))
        out.append(g)
    return out


def _places(conn: sqlite3.Connection) -> tuple[list[dict[str, Any]], dict[str, str]]:
    groups: dict[str, dict[str, Any]] = {}
    key_of: dict[str, str] = {}
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in conn.execute("SELECT place, doc, start, stop, text FROM place_mentions ORDER BY doc, start"):
        mentions[m["place"]].append(_span(m["doc"], m["start"], m["stop"], m["text"]))
    for r in conn.execute("SELECT * FROM places ORDER BY rowid"):
        key = place_key(r)
        key_of[r["id"]] = key
        g = groups.setdefault(key, {**place_fields(r), "mentions": []})
        g["mentions"].extend(mentions.get(r["id"], []))
    return list(groups.values()), key_of


def _source(row: sqlite3.Row, actor_of: dict[str, str]) -> dict[str, Any]:
    src: dict[str, Any] = {
        "text": row["source_text"],
        "kind": row["source_kind"],
        "entity": actor_of.get(row["source_entity"]) if row["source_entity"] else None,
    }
    if row["source_start"] is not None:
        src["span"] = _span(row["doc"], row["source_start"], row["source_stop"], row["source_text"])
    return src


def _claims(conn: sqlite3.Connection, actor_of: dict[str, str], place_key: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    member = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT claim, cluster, stance FROM memberships")}
    origin = {r[0]: r[1] for r in conn.execute("SELECT claim, origin FROM claim_origins")}
    window = story_window(r[0] for r in conn.execute("SELECT published FROM documents"))
    for r in conn.execute("SELECT * FROM claims ORDER BY doc, start"):
        cluster, stance = member.get(r["id"], (None, None))
        via = []
        for v in json.loads(r["via"]):
            item: dict[str, Any] = {"text": v["text"], "kind": v["kind"], "entity": actor_of.get(v.get("entity") or "")}
            if v.get("start") is not None:
                item["span"] = _span(r["doc"], v["start"], v["stop"], v["text"])
            via.append(item)
        when = None
        if r["when_start"] or r["when_end"] or r["when_text"]:
            when = {
                "start": r["when_start"],
                "end": r["when_end"],
                "precision": r["when_precision"],
                "text": r["when_text"],
                # outside the story's window (the brief's background list, not its timeline)
                "background": is_background(r["when_start"], window),
            }
        out.append(
            {
                "id": r["id"],
                "doc": r["doc"],
                "span": _span(r["doc"], r["start"], r["stop"], r["text"]),
                "sentence": _span(r["doc"], r["sentence_start"], r["sentence_stop"], ""),
                "source": _source(r, actor_of),
                "via": via,
                "cue": r["cue"],
                "quote": r["quote"],
                "certainty": r["certainty"],
                "polarity": r["polarity"],
                "kind": r["kind"],
                "entities": list(dict.fromkeys(actor_of.get(e, e) for e in json.loads(r["entities"]))),
                "places": list(dict.fromkeys(place_key.get(p, p) for p in json.loads(r["places"]))),
                "figures": json.loads(r["figures"]),
                "when": when,
                "event_type": r["event_type"],
                "cluster": cluster,
                "stance": stance,
                "origin": origin.get(r["id"]),
            }
        )
    return out


def export_parts(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """The analysis parts of the export."""
    conn = ledger.conn
    actor_of = _actor_map(conn)
    places, place_key = _places(conn)
    texts = {r[0]: r[1] for r in conn.execute("SELECT id, text FROM documents")}
    claims = _claims(conn, actor_of, place_key)
    names = {e: n for e, n in conn.execute("SELECT id, name FROM entities")}
    for c in claims:
        s = c["sentence"]
        s["text"] = texts[c["doc"]][s["start"] : s["end"]]
        if c["origin"] and c["origin"].startswith("actor:"):
            c["origin"] = names.get(c["origin"][6:], c["origin"])
    relations = [
        {
            "subject": actor_of.get(r["subject"], r["subject"]),
            "predicate": r["predicate"],
            "object": actor_of.get(r["object"], r["object"]),
            "id": r["id"],
            "evidence": [_span(r["doc"], r["start"], r["stop"], r["text"])],
        }
        for r in conn.execute("SELECT * FROM relations ORDER BY doc, start")
    ]
    figures = [
        {
            "id": r["id"],
            "doc": r["doc"],
            "span": _span(r["doc"], r["start"], r["stop"], r["text"]),
            "value": r["value"],
            "low": r["low"],
            "high": r["high"],
            "qualifier": r["qualifier"],
            "category": r["category"],
            "what": r["what"],
            "as_of": r["as_of"],
            "place": place_key.get(r["place"]) if r["place"] else None,
            "claim": r["claim"],
            "part_of": r["part_of"],
        }
        for r in conn.execute("SELECT * FROM figures ORDER BY doc, start")
    ]
    members: dict[str, list[str]] = defaultdict(list)
    for r in conn.execute(
        "SELECT m.claim, m.cluster FROM memberships m JOIN claims c ON c.id = m.claim ORDER BY c.doc, c.start"
    ):
        members[r[1]].append(r[0])
    clusters = [
        {
            "id": r["id"],
            "proposition": r["proposition"],
            "claims": members.get(r["id"], []),
            "status": r["status"],
            "reason": r["reason"],
            "origins": json.loads(r["origins"]),
            "refuted_by": json.loads(r["refuted_by"]),
        }
        for r in conn.execute("SELECT * FROM clusters ORDER BY size DESC, id")
    ]
    series = read_series(conn)
    return {
        "entities": _entities(conn, actor_of),
        "relations": relations,
        "places": places,
        "claims": claims,
        "figures": figures,
        "clusters": clusters,
        "series": series,
        "events": [],
    }
