"""Resolve the place mentions of one document together against the offline gazetteer.

Each candidate of a mention gets a score that explains itself: population, how well the name
matches, the kind of place the words around it ask for ("the province of X", "X border
crossing"), the countries and provinces the document is about (countries named, nationality
words, places that are not ambiguous, the caller's hints), and how near it lies to the other
places of the document. Two rounds: the second uses the first round's picks as neighbours.
A mention whose best score is weak resolves to None rather than to a confident wrong guess.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from crosscheck.nlp.gazetteer import DATA_DIR, GazEntry, Gazetteer, normalize_name

__all__ = ["demonym_country", "feature_hint", "resolve_places"]

AREA = {"country", "admin1", "admin2", "continent", "region"}
# Score weights; chosen by hand on the reasoning in the module docstring (see EVALUATION).
W_POP = 0.45
W_MAIN, W_ALT = 1.5, 1.0
W_HINT, W_HINT_MISS = 2.5, -1.5
W_COUNTRY, W_TOP_COUNTRY = 2.0, 1.0
W_ADMIN1, W_ADMIN2 = 1.5, 1.0
W_NEAR = ((50.0, 1.5), (250.0, 1.0), (1000.0, 0.3))
FEATURE_BONUS = {"country": 2.0, "continent": 2.0, "admin1": 0.8, "region": 1.5, "admin2": 0.0}
MIN_SCORE = 2.0
# A place that dwarfs every namesake (London, England vs London, Kentucky) wins unless the
# document places the mention near a namesake (same province, nearby places).
W_DOMINANT, DOMINANCE = 2.5, 50.0


@dataclass(frozen=True, slots=True)
class _Words:
    demonyms: dict[str, str]
    before: re.Pattern[str]
    after: re.Pattern[str]
    inner_after: re.Pattern[str]
    inner_before: re.Pattern[str]
    features: dict[str, str]


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([c.strip() for c in line.split("\t")])
    return rows


@lru_cache(maxsize=1)
def _words() -> _Words:
    demonyms: dict[str, str] = {}
    for row in _read_tsv("gazetteer_demonyms.tsv"):
        word = normalize_name(row[0])
        cc = row[1] if len(row) > 1 else ""
        demonyms[word] = cc
        demonyms[word + "s"] = cc
    before: list[str] = []
    after: list[str] = []
    features: dict[str, str] = {}
    for word, feature, where in (r[:3] for r in _read_tsv("gazetteer_features.tsv")):
        features[f"{where}:{word.lower()}"] = feature
        (before if where == "before" else after).append(re.escape(word).replace(r"\ ", r"\s+"))
    name = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
    listed = rf"(?:{name}\s*,\s*(?:and\s+|or\s+)?|{name}\s+(?:and|or)\s+)"
    bw = "|".join(sorted(before, key=len, reverse=True))
    aw = "|".join(sorted(after, key=len, reverse=True))
    return _Words(
        demonyms=demonyms,
        before=re.compile(rf"\b({bw})\s+(?:of\s+)?(?:the\s+)?{listed}{{0,6}}$", re.IGNORECASE),
        after=re.compile(rf"^(?:\s*,?\s*(?:and\s+|or\s+)?{name}){{0,6}}\s+({aw})\b"),
        inner_after=re.compile(rf"\s+({aw})$", re.IGNORECASE),
        inner_before=re.compile(rf"^(?:the\s+)?({bw})\s+of\s+", re.IGNORECASE),
        features=features,
    )


def feature_hint(text: str, start: int, end: int) -> str | None:
    """The kind of place the words around ``text[start:end]`` ask for, or None.

    "the provinces of A, B, and C" -> admin1 for each; "X border crossing" -> site;
    "the city of X" -> city; "X County" (inside the mention too) -> admin2.
    """
    w = _words()
    mention = text[start:end]
    m = w.inner_after.search(mention)
    if m and m.start() > 0:
        return w.features.get("after:" + _squash(m.group(1)))
    m = w.inner_before.match(mention)
    if m:
        return w.features.get("before:" + _squash(m.group(1)))
    m = w.after.match(text[end : end + 80])
    if m:
        return w.features.get("after:" + _squash(m.group(1)))
    m = w.before.search(text[max(0, start - 120) : start])
    if m:
        return w.features.get("before:" + _squash(m.group(1)))
    return None


def demonym_country(word: str) -> str | None:
    """The country code a nationality word points to ("" when none), None if not one."""
    return _words().demonyms.get(normalize_name(word))


def _squash(word: str) -> str:
    return " ".join(word.lower().split())


_STRIP = re.compile(r"^(?:the\s+)|(?:['’]s)$", re.IGNORECASE)


def _surface(text: str, start: int, end: int) -> str:
    return _STRIP.sub("", text[start:end].strip()).strip()


def _km(a: GazEntry, b: GazEntry) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(slots=True)
class _Mention:
    name: str
    hint: str | None
    cands: list[GazEntry]
    exact: list[int]


def _lookup(gaz: Gazetteer, name: str, hint: str | None) -> tuple[list[GazEntry], list[int], str | None]:
    """Candidates for ``name``; when none, retry without a feature word it carries."""
    cands = gaz.candidates(name, limit=40)
    if not cands:
        w = _words()
        m = w.inner_after.search(name)
        if m and m.start() > 0:
            hint = hint or w.features.get("after:" + _squash(m.group(1)))
            name = name[: m.start()]
        else:
            m = w.inner_before.match(name)
            if m:
                hint = hint or w.features.get("before:" + _squash(m.group(1)))
                name = name[m.end() :]
        cands = gaz.candidates(name, limit=40) if name else []
    exact = [gaz.is_exact(c, name) for c in cands]
    keep = [i for i, c in enumerate(cands) if exact[i] or c.population >= 5000 or c.feature in AREA]
    return [cands[i] for i in keep], [exact[i] for i in keep], hint


def _dominance(c: GazEntry, cands: Sequence[GazEntry]) -> float:
    """W_DOMINANT for a candidate at least DOMINANCE times as populous as every other one."""
    others = [o.population for o in cands if o is not c and o.feature == c.feature]
    if c.population <= 0 or not others:
        return 0.0
    return W_DOMINANT if c.population >= DOMINANCE * max(max(others), 1) else 0.0


def _base(c: GazEntry, exact: int, hint: str | None) -> float:
    s = W_POP * math.log10(c.population + 1) + (W_MAIN if exact == 2 else W_ALT if exact else 0.0)
    s += FEATURE_BONUS.get(c.feature, 0.0) if exact else 0.0
    if hint is not None:
        want = "city" if hint == "site" else hint
        feat = "city" if c.feature == "city" else c.feature
        s += W_HINT if feat == want else W_HINT_MISS
    return s


def resolve_places(
    text: str,
    mentions: Sequence[tuple[int, int]],
    *,
    hint_countries: Sequence[str] = (),
    resolve_demonyms: bool = False,
) -> list[GazEntry | None]:
    """Resolve each ``text[start:end]`` place mention, using the whole document as context.

    Nationality words ("Kenyan") are not places: they give None, but count as evidence for their
    country; with ``resolve_demonyms`` they resolve to the country instead (as some geoparsing
    gold sets expect).
    """
    gaz = Gazetteer.load()
    items: list[_Mention | None] = []
    fixed: dict[int, GazEntry] = {}
    countries: Counter[str] = Counter({cc.upper(): 2 for cc in hint_countries})
    for start, end in mentions:
        name = _surface(text, start, end)
        demonym = demonym_country(name)
        if not name or demonym is not None:
            if demonym:
                countries[demonym] += 1
                country = gaz.find_id(f"iso3166-1:{demonym}") if resolve_demonyms else None
                if country is not None:
                    fixed[len(items)] = country
            items.append(None)
            continue
        cands, exact, hint = _lookup(gaz, name, feature_hint(text, start, end))
        items.append(_Mention(name, hint, cands, exact) if cands else None)

    base = [
        [_base(c, m.exact[i], m.hint) + _dominance(c, m.cands) for i, c in enumerate(m.cands)] if m else []
        for m in items
    ]
    # Evidence from mentions that are not ambiguous: one strong reading well ahead of the rest.
    admin1: Counter[tuple[str | None, str | None]] = Counter()
    admin2: Counter[tuple[str | None, str | None]] = Counter()
    for m, scores in zip(items, base, strict=True):
        if m is None:
            continue
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        top = m.cands[order[0]]
        if len(order) == 1 or scores[order[0]] - scores[order[1]] >= 1.5:
            if top.country:
                countries[top.country] += 1
            if top.feature in ("city", "admin1", "admin2") and top.admin1:
                admin1[(top.country, top.admin1)] += 1
            if top.feature in ("city", "admin2") and top.admin2:
                admin2[(top.country, top.admin2)] += 1
    top_country = countries.most_common(1)[0][0] if countries else None

    picks: list[GazEntry | None] = [None] * len(items)
    best_scores = [0.0] * len(items)
    for _round in range(2):
        new: list[GazEntry | None] = []
        for i, (m, scores) in enumerate(zip(items, base, strict=True)):
            if m is None:
                new.append(None)
                continue
            others = [p for j, p in enumerate(picks) if p is not None and j != i and items[j].name != m.name]  # type: ignore[union-attr]
            best, best_s = None, -math.inf
            for c, s in zip(m.cands, scores, strict=True):
                s += _context(c, countries, top_country, admin1, admin2, others)
                if s > best_s:
                    best, best_s = c, s
            new.append(best)
            best_scores[i] = best_s
        picks = new
    out = [p if s >= MIN_SCORE else None for p, s in zip(picks, best_scores, strict=True)]
    for i, country in fixed.items():
        out[i] = country
    return out


def _context(
    c: GazEntry,
    countries: Counter[str],
    top_country: str | None,
    admin1: Counter[tuple[str | None, str | None]],
    admin2: Counter[tuple[str | None, str | None]],
    others: list[GazEntry],
) -> float:
    s = 0.0
    if c.country and countries.get(c.country):
        s += W_COUNTRY + (W_TOP_COUNTRY if c.country == top_country else 0.0)
    if c.feature != "admin1" and admin1.get((c.country, c.admin1)):
        s += W_ADMIN1
    if c.feature != "admin2" and c.admin2 and admin2.get((c.country, c.admin2)):
        s += W_ADMIN2
    if others and c.feature not in ("country", "continent"):
        near = min(_km(c, o) for o in others)
        s += next((w for limit, w in W_NEAR if near < limit), 0.0)
    return s
