"""Comparable features of stored claims (resolve/similarity.py's ClaimFeatures), read with a
few bulk queries: their actors and subjects as the ledger resolves them now, places, figures
and dates."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from crosscheck.nlp.geocode import demonym_country
from crosscheck.resolve.embedding import from_blob
from crosscheck.resolve.similarity import ClaimFeatures

__all__ = ["_features_of"]


def _features_of(conn: sqlite3.Connection, claims: list[sqlite3.Row]) -> list[ClaimFeatures]:
    """Comparable features of many claims, with a few bulk queries."""
    entity_ids = sorted(
        {e for c in claims for e in _ids(c["entities"]) + _ids(c["subjects"])}
        | {c["source_entity"] for c in claims if c["source_entity"]}
    )
    place_ids = sorted({p for c in claims for p in _ids(c["places"])})
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
    out = []
    for c in claims:
        actors, places = set(), set()
        for e in _ids(c["entities"]):
            actor, country = entity_info.get(e, (None, None))
            if actor:
                actors.add(actor)
            if country:
                places.add(f"iso3166-1:{country}")
        places |= {place_key[p] for p in _ids(c["places"]) if p in place_key}
        dates = {f"{c['when_start']}/{c['when_end']}"} if c["when_start"] and c["when_precision"] == "day" else set()
        subjects = set()
        for e in _ids(c["subjects"]):
            actor, country = entity_info.get(e, (None, None))
            subjects |= {k for k in (actor, country and f"iso3166-1:{country}") if k}
        out.append(
            ClaimFeatures(
                id=c["id"],
                doc=c["doc"],
                terms=_terms(c["terms"]),
                actors=frozenset(actors),
                places=frozenset(places),
                figures=frozenset(figures.get(c["id"], set())),
                dates=frozenset(dates),
                subjects=frozenset(subjects),
                source_actor=entity_info.get(c["source_entity"], (None, None))[0] if c["source_entity"] else None,
                polarity=c["polarity"],
                kind=c["kind"],
                vector=vectors.get(c["id"]),
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
