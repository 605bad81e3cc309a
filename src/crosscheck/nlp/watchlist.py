"""An actor watchlist: names, aliases and kinds a user already knows, applied to each report.

A watchlist is YAML (a list of mappings) or CSV (columns name, aliases, kind, type; aliases
separated by ";"). Every mention of a name or alias in a report becomes a mention of that
actor: an entity the model found is given the watchlist's name, aliases and kind; a name the
model missed becomes a new entity. The pipeline does well without one; a watchlist only adds
what the analyst knows.

    - name: Ansar Allah
      aliases: [Ansarullah, the Houthis]
      kind: armed_group
      type: ORG
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from crosscheck.errors import InputError
from crosscheck.nlp.entities import DocEntity

__all__ = ["Watched", "Watchlist", "apply_watchlist", "load_watchlist"]

TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "OTHER"}


@dataclass(frozen=True, slots=True)
class Watched:
    """One actor of the watchlist."""

    name: str
    aliases: tuple[str, ...]
    kind: str | None
    type: str


@dataclass(frozen=True, slots=True)
class Watchlist:
    """Actors and one compiled pattern that finds any of their names as whole words."""

    actors: tuple[Watched, ...]
    pattern: re.Pattern[str] | None
    by_name: dict[str, int]


def _build(actors: Sequence[Watched]) -> Watchlist:
    by_name: dict[str, int] = {}
    for i, actor in enumerate(actors):
        for name in (actor.name, *actor.aliases):
            by_name.setdefault(name.casefold(), i)
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I) if names else None
    return Watchlist(tuple(actors), pattern, by_name)


def _actor(row: dict[str, object], where: str) -> Watched:
    name = str(row.get("name") or "").strip()
    if not name:
        raise InputError(where, "a watchlist entry has no name")
    raw = row.get("aliases") or []
    if isinstance(raw, str):
        aliases = [a.strip() for a in raw.split(";")]
    elif isinstance(raw, list):
        aliases = [str(a).strip() for a in raw]
    else:
        raise InputError(where, f"watchlist entry {name!r}: aliases must be a list or ';'-separated text")
    kind = str(row.get("kind") or "").strip() or None
    typ = str(row.get("type") or "ORG").strip().upper()
    if typ not in TYPES:
        raise InputError(where, f"watchlist entry {name!r} has unknown type {typ!r}")
    return Watched(name, tuple(a for a in aliases if a), kind, typ)


@lru_cache(maxsize=8)
def load_watchlist(path: str) -> Watchlist:
    """Read a YAML or CSV watchlist; a clear error names the file and what is wrong."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(path, f"cannot read watchlist: {exc.strerror or exc}") from None
    if file.suffix.lower() == ".csv":
        rows: list[dict[str, object]] = list(csv.DictReader(io.StringIO(text)))
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(path, f"watchlist is not valid YAML: {str(exc).splitlines()[0]}") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputError(path, "a YAML watchlist is a list of entries with name, aliases, kind, type")
        rows = data
    return _build([_actor(r, path) for r in rows])


def apply_watchlist(text: str, entities: list[DocEntity], watchlist: Watchlist) -> list[DocEntity]:
    """The entities of one report with the watchlist's actors merged in."""
    if watchlist.pattern is None:
        return entities
    found: dict[int, list[tuple[int, int]]] = {}
    for m in watchlist.pattern.finditer(text):
        found.setdefault(watchlist.by_name[m.group(1).casefold()], []).append((m.start(), m.end()))
    out = list(entities)
    for index, spans in found.items():
        actor = watchlist.actors[index]
        hits = [i for i, e in enumerate(out) if any(s < me and ms < e_ for s, e_ in spans for ms, me in e.mentions)]
        mentions = set(spans)
        aliases = {actor.name, *actor.aliases}
        for i in hits:
            mentions |= set(out[i].mentions)
            aliases |= {out[i].name, *out[i].aliases}
        merged = DocEntity(
            name=actor.name,
            type=actor.type,
            kind=actor.kind or next((out[i].kind for i in hits if out[i].kind), None),
            aliases=tuple(sorted(a for a in aliases if a != actor.name)),
            mentions=tuple(sorted(mentions)),
        )
        out = [e for i, e in enumerate(out) if i not in hits] + [merged]
    return out
