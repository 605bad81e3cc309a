"""Comparable features of stored claims (resolve/similarity.py's ClaimFeatures), read with a
few bulk queries: their actors and subjects as the ledger resolves them now, places, figures
and dates. What comes from a claim's own rows is remembered by the connection
(ledger/claim_cache.py); its actors are read every time, since merges change them."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from crosscheck.ledger.claim_cache import remembered
from crosscheck.nlp.geocode import demonym_country
from crosscheck.resolve.embedding import from_blob
from crosscheck.resolve.similarity import ClaimFeatures

__all__ = ["_features_of", "features_by_id"]


class _Parts(NamedTuple):
    """What a stored claim's features take from its own rows (not its actors, which merges change)."""

    id: str
    doc: str
    terms: frozenset[str]
    entities: tuple[str, ...]
    subjects: tuple[str, ...]
    source_entity: str | None
    places: frozenset[str]
    figures: frozenset[tuple[str, float]]
    dates: frozenset[str]
    polarity: str
    kind: str
    vector: npt.NDArray[np.float32] | None


def features_by_id(conn: sqlite3.Connection, ids: list[str]) -> dict[str, ClaimFeatures]:
    """Comparable features of the stored claims `ids` (those that exist), by id; only the
    claims the connection does not remember are read."""
    cache = remembered(conn)
    known: dict[str, _Parts] = cache if cache is not None else {}
    missing = [i for i in ids if i not in known]
    rows = [
        r
        for chunk in _chunks(missing)
        for r in conn.execute(f"SELECT * FROM claims WHERE id IN ({_marks(chunk)})", chunk)
    ]
    read = {p.id: p for p in _parts_of(conn, rows)}
    known.update(read)
    parts = [p for i in ids if (p := read.get(i) or known.get(i)) is not None]
    return {f.id: f for f in _with_actors(conn, parts)}


def _features_of(conn: sqlite3.Connection, claims: list[sqlite3.Row]) -> list[ClaimFeatures]:
    """Comparable features of many claims, with a few bulk queries."""
    parts = _parts_of(conn, claims)
    known = remembered(conn)
    if known is not None:
        known.update((p.id, p) for p in parts)
    return _with_actors(conn, parts)


def _parts_of(conn: sqlite3.Connection, claims: list[sqlite3.Row]) -> list[_Parts]:
    place_ids = sorted({p for c in claims for p in _ids(c["places"])})
    ids = [c["id"] for c in claims]
    place_key: dict[str, str] = {}
    for chunk in _chunks(place_ids):
        for pid, gid, name in conn.execute(
            f"SELECT id, gazetteer_id, name FROM places WHERE id IN ({_marks(chunk)})", chunk
        ):
            place_key[pid] = gid or f"name:{name.lower()}"
    vectors = {}
    for chunk in _chunks(ids):
        for claim, blob in conn.execute(
            f"SELECT claim, vector FROM claim_vectors WHERE claim IN ({_marks(chunk)})", chunk
        ):
            vectors[claim] = _vector(blob)
    figures: dict[str, set[tuple[str, float]]] = {}
    for chunk in _chunks(ids):
        for claim, category, value in conn.execute(
            f"SELECT f.claim, f.category, f.value FROM figures f JOIN claims c ON c.id = f.claim "
            f"WHERE f.claim IN ({_marks(chunk)}) AND f.part_of IS NULL AND f.start >= c.start AND f.stop <= c.stop",
            chunk,
        ):
            figures.setdefault(claim, set()).add((category, float(value)))
    return [
        _Parts(
            id=c["id"],
            doc=c["doc"],
            terms=_terms(c["terms"]),
            entities=_ids(c["entities"]),
            subjects=_ids(c["subjects"]),
            source_entity=c["source_entity"],
            places=frozenset(place_key[p] for p in _ids(c["places"]) if p in place_key),
            figures=frozenset(figures.get(c["id"], set())),
            dates=frozenset({f"{c['when_start']}/{c['when_end']}"})
            if c["when_start"] and c["when_precision"] == "day"
            else frozenset(),
            polarity=c["polarity"],
            kind=c["kind"],
            vector=vectors.get(c["id"]),
        )
        for c in claims
    ]


def _with_actors(conn: sqlite3.Connection, parts: list[_Parts]) -> list[ClaimFeatures]:
    """The claims' features, with their entities as the actors the ledger groups them into now."""
    entity_ids = sorted(
        {e for p in parts for e in p.entities + p.subjects} | {p.source_entity for p in parts if p.source_entity}
    )
    entity_info: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks(entity_ids):
        for entity, actor, type_, name in conn.execute(
            f"SELECT a.entity, a.actor, e.type, e.name FROM actors a JOIN entities e ON e.id = a.entity "
            f"WHERE a.entity IN ({_marks(chunk)})",
            chunk,
        ):
            entity_info[entity] = (actor, _country_of(type_, name))
    out = []
    for p in parts:
        actors, places = set(), set(p.places)
        for e in p.entities:
            actor, country = entity_info.get(e, (None, None))
            if actor:
                actors.add(actor)
            if country:
                places.add(f"iso3166-1:{country}")
        subjects = set()
        for e in p.subjects:
            actor, country = entity_info.get(e, (None, None))
            subjects |= {k for k in (actor, country and f"iso3166-1:{country}") if k}
        out.append(
            ClaimFeatures(
                id=p.id,
                doc=p.doc,
                terms=p.terms,
                actors=frozenset(actors),
                places=frozenset(places),
                figures=p.figures,
                dates=p.dates,
                subjects=frozenset(subjects),
                source_actor=entity_info.get(p.source_entity, (None, None))[0] if p.source_entity else None,
                polarity=p.polarity,
                kind=p.kind,
                vector=p.vector,
            )
        )
    return out


# A claim's lists are stored as JSON text; the same rows are read again for every report whose
# claims they are candidates of, so each text is parsed once per process (the result depends on
# the text alone).
@lru_cache(maxsize=262144)
def _ids(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


@lru_cache(maxsize=262144)
def _terms(text: str) -> frozenset[str]:
    return frozenset(json.loads(text))


@lru_cache(maxsize=65536)
def _vector(blob: bytes) -> npt.NDArray[np.float32]:
    vector = from_blob(blob)
    vector.flags.writeable = False  # shared by every claim with these bytes
    return vector


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
