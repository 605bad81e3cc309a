"""The ACLED-style export: claims that report an event, as rows of an ACLED event table (CSV).

One row per claim with a PLOVER event type that `data/acled_map.yaml` maps to an ACLED type,
so every row traces back to one sentence of one report; claims of the same cluster (the same
event told by several reports) share `event_group`, the column to deduplicate on. Denials
(negative polarity) are not events and are left out.

- event_date: the claim's own date (its start), else the report's publication date;
  time_precision 1 for a day, 2 for a span of days or when only the publication date is known,
  3 for a month or year.
- actor1, actor2: the first two actors (people, organisations) named inside the
  claim's words, in order of appearance; a heuristic, since the ledger stores no agent and
  patient. Unnamed crowds and victims get ACLED's defaults ("Protesters (Country)").
- location: the most precise resolved place of the claim; geo_precision 1 (town, site),
  2 (province, area), 3 (country).
- fatalities: the lowest `killed` figure (the low end of a range) among the claim and the other
  supporting claims of its cluster with the same PLOVER type, as ACLED takes the most
  conservative report; 0 when none.
  Breakdowns ("of these, 40 were children") are not totals and are not used.

Every text cell is written on one line (runs of whitespace, carriage returns included, become
one space) and through `safe_cell`, as in the CSV export, so no cell runs as a formula.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TextIO

import yaml

from crosscheck.export.csv import safe_cell
from crosscheck.export.stream import export_parts_lazy
from crosscheck.ledger import Ledger

__all__ = ["COLUMNS", "AcledType", "acled_rows", "acled_type", "write_acled"]

Row = dict[str, Any]

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    # crosscheck's own columns: where the row comes from
    "event_group",
    "plover_type",
    "certainty",
    "attribution",
    "cluster_status",
    "doc",
    "url",
)
ACTOR_TYPES = frozenset({"PERSON", "ORG"})
GEO_PRECISION = {"country": 3, "admin1": 2, "admin2": 2, "region": 2, "area": 2, "unknown": 0}
TIME_PRECISION = {"day": 1, "approximate": 2, "month": 3, "year": 3}


@dataclass(frozen=True, slots=True, kw_only=True)
class AcledType:
    disorder_type: str
    event_type: str
    sub_event_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rule:
    pattern: re.Pattern[str]
    kind: AcledType


def _kind(spec: dict[str, Any], default: AcledType | None = None) -> AcledType:
    return AcledType(
        disorder_type=spec.get("disorder_type") or (default.disorder_type if default else ""),
        event_type=spec["event_type"],
        sub_event_type=spec["sub_event_type"],
    )


@cache
def _mapping() -> tuple[
    dict[str, tuple[AcledType, tuple[_Rule, ...]] | None],
    dict[str, dict[str, str]],
    re.Pattern[str] | None,
]:
    text = resources.files("crosscheck.data").joinpath("acled_map.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    types: dict[str, tuple[AcledType, tuple[_Rule, ...]] | None] = {}
    for plover, spec in (data.get("types") or {}).items():
        if not spec:
            types[plover] = None
            continue
        default = _kind(spec)
        rules = tuple(
            _Rule(pattern=pattern, kind=_kind(rule, default))
            for rule in spec.get("rules") or []
            if (pattern := _words(rule["words"]))
        )
        types[plover] = (default, rules)
    return types, data.get("actor_defaults") or {}, _words(data.get("not_events") or [])


def _words(words: list[str]) -> re.Pattern[str] | None:
    """A pattern matching any of `words` at the start of a word."""
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def acled_type(plover: str | None, text: str) -> AcledType | None:
    """The ACLED type of a claim of PLOVER type `plover` and words `text`; None if no event."""
    types, _, not_events = _mapping()
    found = types.get(plover or "")
    if found is None or (not_events and not_events.search(text)):
        return None
    default, rules = found
    return next((rule.kind for rule in rules if rule.pattern.search(text)), default)


@cache
def _country(code: str) -> tuple[str, str]:
    """ISO alpha-2 -> (common name, ISO numeric)."""
    try:
        import pycountry

        found = pycountry.countries.get(alpha_2=code.upper())
    except (KeyError, LookupError):
        found = None
    if found is None:
        return code, ""
    return getattr(found, "common_name", None) or found.name, str(int(found.numeric))


def _location(claim: Row, places: dict[str, Row]) -> tuple[Row | None, int | None]:
    best: tuple[Row | None, int | None] = (None, None)
    for key in claim.get("places") or []:
        place = places.get(key)
        if not place or place.get("lat") is None or place.get("lon") is None:
            continue
        precision = GEO_PRECISION.get(place.get("feature") or "", 1)
        if precision and (best[1] is None or precision < best[1]):
            best = (place, precision)
    return best


def _actors(claim: Row, entities: dict[str, Row], mentions: dict[tuple[str, str], list[int]]) -> list[str]:
    """Actors named inside the claim's words, in order of appearance."""
    span = claim["span"]
    found = []
    for eid in claim.get("entities") or []:
        entity = entities.get(eid)
        if not entity or entity["type"] not in ACTOR_TYPES:
            continue
        starts = [s for s in mentions.get((eid, claim["doc"]), []) if span["start"] <= s < span["end"]]
        if starts:
            found.append((min(starts), entity["name"]))
    return list(dict.fromkeys(name for _, name in sorted(found)))


def _when(claim: Row, published: str | None) -> tuple[str, int | str]:
    when = claim.get("when") or {}
    if when.get("start"):
        precision = TIME_PRECISION.get(when.get("precision") or "", 2)
        if precision == 1 and when.get("end") and when["end"] != when["start"]:
            precision = 2
        return when["start"][:10], precision
    return ((published or "")[:10], 2) if published else ("", "")


def _fatalities(claim: Row, figures: dict[str, list[Row]], cluster_claims: dict[str, list[Row]]) -> int:
    """The lowest `killed` figure of the claim and the supporting claims of its cluster that
    report the same kind of event."""
    group = [
        claim,
        *(m for m in cluster_claims.get(claim.get("cluster") or "", []) if m is not claim),
    ]
    values = []
    for member in group:
        if member is not claim and (
            member.get("polarity") == "negative"
            or member.get("stance") == "refutes"
            or member.get("event_type") != claim.get("event_type")
        ):
            continue
        for fig in figures.get(member["id"], []):
            if fig.get("category") == "killed" and not fig.get("part_of"):
                low = fig.get("low")
                values.append(low if isinstance(low, (int, float)) else fig["value"])
    return int(min(values)) if values else 0


def _actor_default(template: str | None, country: str) -> str:
    if not template:
        return ""
    return template.replace(" ({country})", f" ({country})" if country else "").replace("{country}", country)


def acled_rows(data: Row) -> list[Row]:
    """ACLED-style rows (keys `COLUMNS`) for an export (`export_ledger`'s dict)."""
    docs = {d["id"]: {k: v for k, v in d.items() if k != "text"} for d in data.get("documents", [])}  # texts unused
    places = {p["id"]: p for p in data.get("places", [])}
    entities = {e["id"]: e for e in data.get("entities", [])}
    status = {k["id"]: k.get("status") for k in data.get("clusters", [])}
    mentions: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in data.get("entities", []):
        for m in e.get("mentions", []):
            mentions[(e["id"], m["doc"])].append(m["start"])
    figures: dict[str, list[Row]] = defaultdict(list)
    by_id = {f["id"]: f for f in data.get("figures", [])}
    for f in data.get("figures", []):
        if f.get("claim"):
            figures[f["claim"]].append(f)
    cluster_claims: dict[str, list[Row]] = defaultdict(list)
    for c in data.get("claims", []):
        for fid in c.get("figures") or []:
            if fid in by_id and by_id[fid] not in figures[c["id"]]:
                figures[c["id"]].append(by_id[fid])
        if c.get("cluster"):
            cluster_claims[c["cluster"]].append(c)
    defaults = _mapping()[1]
    rows = []
    for c in data.get("claims", []):
        if not c.get("event_type") or c.get("polarity") == "negative":
            continue
        kind = acled_type(c["event_type"], f"{c['span']['text']} {(c.get('sentence') or {}).get('text', '')}")
        if kind is None:
            continue
        doc = docs.get(c["doc"], {})
        date, time_precision = _when(c, doc.get("published"))
        place, geo_precision = _location(c, places)
        code = (place or {}).get("country") or ""
        country, iso = _country(code) if code else ("", "")
        actors = _actors(c, entities, mentions)
        fill = defaults.get(kind.sub_event_type) or defaults.get(kind.event_type) or {}
        actor1 = actors[0] if actors else _actor_default(fill.get("actor1"), country)
        actor2 = actors[1] if len(actors) > 1 else _actor_default(fill.get("actor2"), country)
        admin1 = place["name"] if place and place.get("feature") == "admin1" else (place or {}).get("admin1") or ""
        rows.append(
            {
                "event_id_cnty": c["id"],
                "event_date": date,
                "year": date[:4],
                "time_precision": time_precision,
                "disorder_type": kind.disorder_type,
                "event_type": kind.event_type,
                "sub_event_type": kind.sub_event_type,
                "actor1": actor1,
                "actor2": actor2 if actor2 != actor1 else "",
                "iso": iso,
                "country": country,
                "admin1": admin1,
                "location": (place or {}).get("name", ""),
                "latitude": (place or {}).get("lat", ""),
                "longitude": (place or {}).get("lon", ""),
                "geo_precision": geo_precision or "",
                "source": doc.get("outlet") or "",
                "notes": " ".join(c["span"]["text"].split()),
                "fatalities": _fatalities(c, figures, cluster_claims),
                "event_group": c.get("cluster") or c["id"],
                "plover_type": c["event_type"],
                "certainty": c.get("certainty") or "",
                "attribution": (c.get("source") or {}).get("text") or "",
                "cluster_status": status.get(c.get("cluster") or "") or "",
                "doc": c["doc"],
                "url": doc.get("url") or "",
            }
        )
    rows.sort(key=lambda r: (r["event_date"], r["event_id_cnty"]))
    return rows


def _cells(row: Row) -> Row:
    """A row as written: text on one line, never a formula; numbers as they are."""
    return {key: safe_cell(" ".join(v.split()) if isinstance(v, str) else v) for key, v in row.items()}


def write_acled(ledger: Ledger, out: TextIO) -> str:
    """Write the ACLED-style table as CSV to `out`; returns a count for the user."""
    data = export_parts_lazy(ledger)
    rows = acled_rows(data)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(map(_cells, rows))
    typed = sum(1 for c in data.get("claims", []) if c.get("event_type"))
    return f"wrote {len(rows)} events from {typed} claims with an event type (others are not ACLED events)"
