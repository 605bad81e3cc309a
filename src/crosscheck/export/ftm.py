"""The FollowTheMoney export: the ledger as FtM entities, one JSON object a line, for Aleph.

What becomes what:

- each report -> `Article` (a kind of `Document`) with title, publisher (the outlet), author,
  publishedAt, sourceUrl (when it is a web address), language and bodyText; its id derives from
  the sha256 of the text, so the same report always gets the same id;
- each merged PERSON actor -> `Person` (its role, "commander", goes in `position`); each ORG ->
  `Organization`, or `PublicBody` when its kind is a state body (`PUBLIC_KINDS`); with `alias`,
  `country` (from `located_in` / `part_of` relations to a country), `proof` and `sourceUrl` (the
  reports that name it). Places, nationalities and other entity types are not FtM actors: they
  are left out (a country becomes the `country` of the actors located in it);
- relations -> `Membership` (member_of), `Directorship` (leader_of), `Representation`
  (spokesperson_of) when both ends have the schemata these links require, otherwise
  `UnknownLink` with the predicate as its `role`; the same link read in several reports is one
  entity with several `proof` documents;
- each (actor, report) pair -> `Mention` with the names used in that report.

The export does not need the `followthemoney` package; the tests load every line with it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

from crosscheck.export.stream import export_parts_lazy
from crosscheck.ledger import Ledger

__all__ = ["PUBLIC_KINDS", "export_ftm", "write_ftm"]

Row = dict[str, Any]

PREFIX = "cc"
# Entity kinds (data/entity_kinds.yaml) that name a state body: FtM's PublicBody.
PUBLIC_KINDS = frozenset(
    {
        "government",
        "military",
        "police",
        "security",
        "ministry",
        "court",
        "judiciary",
        "parliament",
        "agency",
        "state_media",
    }
)
# predicate -> (schema, property of the subject, property of the object, required subject
# schemata, required object schemata); anything else, or a mismatch, is an UnknownLink.
LINKS: dict[str, tuple[str, str, str, frozenset[str], frozenset[str]]] = {
    "member_of": (
        "Membership",
        "member",
        "organization",
        frozenset({"Person", "Organization", "PublicBody"}),
        frozenset({"Organization", "PublicBody"}),
    ),
    "leader_of": (
        "Directorship",
        "director",
        "organization",
        frozenset({"Person", "Organization", "PublicBody"}),
        frozenset({"Organization", "PublicBody"}),
    ),
    "spokesperson_of": (
        "Representation",
        "agent",
        "client",
        frozenset({"Person", "Organization", "PublicBody"}),
        frozenset({"Person", "Organization", "PublicBody"}),
    ),
}
COUNTRY_PREDICATES = frozenset({"located_in", "part_of"})


def _hash_id(kind: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{PREFIX}-{kind}-{digest[:32]}"


def _entity(schema: str, id_: str, props: dict[str, list[Any] | Any]) -> Row:
    clean: dict[str, list[str]] = {}
    for key, values in props.items():
        items = values if isinstance(values, list) else [values]
        kept = [str(v) for v in items if v is not None and str(v).strip()]
        if kept:
            clean[key] = sorted(dict.fromkeys(kept))
    return {"id": id_, "schema": schema, "properties": clean}


def _date(value: str | None) -> str | None:
    """An FtM date: ISO, cut to seconds with no time zone."""
    if not value:
        return None
    return value[:19] if "T" in value else value[:10]


def _language(code: str | None) -> str | None:
    """ISO 639-1 -> the three-letter code FtM uses."""
    if not code:
        return None
    try:
        import pycountry

        found = pycountry.languages.get(alpha_2=code.lower()[:2])
    except (KeyError, LookupError):
        return None
    return getattr(found, "alpha_3", None) if found else None


def _url(value: str | None) -> str | None:
    return value if value and value.lower().startswith(("http://", "https://")) else None


def _country_codes(data: Row) -> dict[str, str]:
    """Entity id -> ISO country code for GPE entities named like a resolved place ('Syria' -> 'sy',
    'Aleppo' -> 'sy'); a country of that name wins over a town."""
    places = sorted(data.get("places", []), key=lambda p: p.get("feature") == "country")
    by_name = {p["name"].casefold(): p["country"] for p in places if p.get("country")}
    out = {}
    for e in data.get("entities", []):
        if e["type"] != "GPE":
            continue
        for name in (e["name"], *e.get("aliases", [])):
            code = by_name.get(name.casefold())
            if code:
                out[e["id"]] = code.lower()
                break
    return out


def _schema_of(entity: Row) -> str | None:
    if entity["type"] == "PERSON":
        return "Person"
    if entity["type"] == "ORG":
        return "PublicBody" if (entity.get("kind") or "") in PUBLIC_KINDS else "Organization"
    return None


def export_ftm(data: Row) -> Iterator[Row]:
    """FtM entities (dicts with id, schema, properties) for an export (`export_ledger`'s dict):
    articles first, then actors, links and mentions."""
    articles: dict[str, str] = {}
    urls: dict[str, str] = {}
    for d in data.get("documents", []):
        articles[d["id"]] = _hash_id("doc", d["sha256"])
        if _url(d.get("url")):
            urls[d["id"]] = d["url"]
        yield _entity(
            "Article",
            articles[d["id"]],
            {
                "title": d.get("title") or d.get("origin") or d["id"],
                "publisher": d.get("outlet"),
                "author": d.get("author"),
                "publishedAt": _date(d.get("published")),
                "sourceUrl": _url(d.get("url")),
                "language": _language(d.get("language")),
                "bodyText": d.get("text"),
            },
        )

    countries = _country_codes(data)
    actors = {e["id"]: e for e in data.get("entities", []) if _schema_of(e)}
    schema = {i: _schema_of(e) or "" for i, e in actors.items()}
    ids = {i: f"{PREFIX}-ent-{i}" for i in actors}
    country_of: dict[str, set[str]] = defaultdict(set)
    for r in data.get("relations", []):
        if r["predicate"] in COUNTRY_PREDICATES and r["subject"] in actors and r["object"] in countries:
            country_of[r["subject"]].add(countries[r["object"]])
    for i, e in actors.items():
        docs = sorted({m["doc"] for m in e.get("mentions", [])} | set(e.get("docs", [])))
        props: dict[str, Any] = {
            "name": e["name"],
            "alias": list(e.get("aliases", [])),
            "country": sorted(country_of.get(i, ())),
            "proof": [articles[d] for d in docs if d in articles],
            "sourceUrl": [urls[d] for d in docs if d in urls],
        }
        if schema[i] == "Person" and e.get("kind"):
            props["position"] = e["kind"]
        yield _entity(schema[i], ids[i], props)

    yield from _links(data, actors, schema, ids, articles, urls)

    for i, e in actors.items():
        names: dict[str, set[str]] = defaultdict(set)
        for m in e.get("mentions", []):
            if m["doc"] in articles:
                names[m["doc"]].add(m["text"])
        for doc, found in sorted(names.items()):
            yield _entity(
                "Mention",
                _hash_id("mention", i, doc),
                {
                    "document": articles[doc],
                    "resolved": ids[i],
                    "name": sorted(found),
                    "detectedSchema": schema[i],
                    "contextCountry": sorted(country_of.get(i, ())),
                },
            )


def _links(
    data: Row,
    actors: Row,
    schema: dict[str, str],
    ids: dict[str, str],
    articles: dict[str, str],
    urls: dict[str, str],
) -> Iterator[Row]:
    """One link entity per (schema, subject, object, role), with every report that states it."""
    grouped: dict[tuple[str, str, str, str, str, str], list[Row]] = defaultdict(list)
    for r in data.get("relations", []):
        subject, obj, predicate = r["subject"], r["object"], r["predicate"]
        if subject not in actors or obj not in actors or subject == obj or predicate == "located_in":
            continue
        link = LINKS.get(predicate)
        if link and schema[subject] in link[3] and schema[obj] in link[4]:
            key = (link[0], link[1], link[2], subject, obj, predicate.replace("_", " "))
        else:
            key = ("UnknownLink", "subject", "object", subject, obj, predicate.replace("_", " "))
        grouped[key].extend(r.get("evidence") or [])
    for (name, subj_prop, obj_prop, subject, obj, role), evidence in grouped.items():
        docs = sorted({s["doc"] for s in evidence})
        yield _entity(
            name,
            _hash_id("link", name, subject, obj, role),
            {
                subj_prop: ids[subject],
                obj_prop: ids[obj],
                "role": role,
                "description": [" ".join(s["text"].split()) for s in evidence],
                "proof": [articles[d] for d in docs if d in articles],
                "sourceUrl": [urls[d] for d in docs if d in urls],
            },
        )


def write_ftm(ledger: Ledger, out: TextIO) -> str:
    """Write the FtM entities as JSON lines to `out`; returns a count for the user."""
    counts: dict[str, int] = defaultdict(int)
    for entity in export_ftm(export_parts_lazy(ledger)):
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True))
        out.write("\n")
        counts[entity["schema"]] += 1
    return "wrote " + ", ".join(f"{n} {schema}" for schema, n in sorted(counts.items()))
