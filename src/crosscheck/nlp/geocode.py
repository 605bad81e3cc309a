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
from dataclasses import dataclass, field
from functools import lru_cache

from crosscheck.nlp.gazetteer import DATA_DIR, GazEntry, Gazetteer, normalize_name

__all__ = ["BASED", "demonym_country", "feature_hint", "resolve_places"]

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
# Capital vs same-named province: the capital's edge (more than the province's population and
# area bonus, less than a province hint or the province holding the report's other places).
W_CAPITAL = 2.0
HOME_EVIDENCE = 2
AMBIGUOUS = 1.5  # readings of a mention within this score of the best are still in play
BASED = re.compile(r"\s?[-‐‑–]\s?based\b", re.IGNORECASE)
MAX_NEIGHBOURS = 200  # places used as nearness evidence per document (a bound on the cost)
# A place that dwarfs every namesake (London, England vs London, Kentucky) wins unless the
# document places the mention near a namesake (same province, nearby places).
W_DOMINANT, DOMINANCE = 2.5, 50.0


@dataclass(frozen=True, slots=True)
class _Words:
    demonyms: dict[str, str]
    before: frozenset[str]
    after: frozenset[str]
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
    before: set[str] = set()
    after: set[str] = set()
    features: dict[str, str] = {}
    for word, feature, where in (r[:3] for r in _read_tsv("gazetteer_features.tsv")):
        features[f"{where}:{_squash(word)}"] = feature
        (before if where == "before" else after).add(_squash(word))
    return _Words(demonyms=demonyms, before=frozenset(before), after=frozenset(after), features=features)


# Words and single punctuation marks. One character class with one quantifier: matching is
# linear in the window, whatever the text (no nested quantifiers, so no backtracking).
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*|\S")
_LIST_WORDS = {"and", "or"}
_MAX_ITEMS, _MAX_NAME = 6, 4  # "the provinces of A, B and C": up to 6 listed names of 4 words
_WINDOW_BEFORE, _WINDOW_AFTER = 120, 80


def _feature_at(words: Sequence[str], i: int, wanted: frozenset[str], *, ending: bool) -> str | None:
    """The feature word (one or two words) that starts (or, with ``ending``, ends) at ``words[i]``."""
    for size in (2, 1):
        lo, hi = (i - size + 1, i + 1) if ending else (i, i + size)
        if lo >= 0 and hi <= len(words):
            phrase = " ".join(words[lo:hi]).lower()
            if phrase in wanted:
                return phrase
    return None


def _bare(word: str) -> str:
    """A word without the full stop that ends its sentence ("state." -> "state")."""
    return word.rstrip(".") or word


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _hint_after(tail: str) -> str | None:
    """ "X province", "A, B and C provinces", "X border crossing": the feature after a list."""
    w = _words()
    if tail[:1] not in ("", " ", "\n", "\t", ","):
        return None
    words = [_bare(m.group()) for m in _TOKEN.finditer(tail)]
    i = 0
    for _item in range(_MAX_ITEMS + 1):
        hit = _feature_at(words, i, w.after, ending=False)
        if hit is not None:
            return w.features.get("after:" + hit)
        if _item == _MAX_ITEMS:
            break
        if i < len(words) and words[i] == ",":
            i += 1
        if i < len(words) and words[i] in _LIST_WORDS:
            i += 1
        taken = 0
        while i < len(words) and taken < _MAX_NAME and _capitalised(words[i]):
            hit = _feature_at(words, i, w.after, ending=False)
            if hit is not None and taken:
                return w.features.get("after:" + hit)
            i += 1
            taken += 1
        if not taken:
            break
    return None


def _hint_before(head: str) -> str | None:
    """ "the province of X", "the provinces of A, B and X": the feature before a list."""
    w = _words()
    if head and not head[-1].isspace():
        return None
    words = [_bare(m.group()) for m in _TOKEN.finditer(head)]
    j = len(words)
    for _item in range(_MAX_ITEMS + 1):
        k = j
        if k > 0 and words[k - 1].lower() == "the":
            k -= 1
        if k > 0 and words[k - 1].lower() == "of":
            k -= 1
        hit = _feature_at(words, k - 1, w.before, ending=True) if k > 0 else None
        if hit is not None:
            return w.features.get("before:" + hit)
        if _item == _MAX_ITEMS or j == 0:
            break
        k = j
        if words[k - 1].lower() in _LIST_WORDS:
            k -= 1
            if k > 0 and words[k - 1] == ",":
                k -= 1
        elif words[k - 1] == ",":
            k -= 1
        else:
            break
        taken = 0
        while k > 0 and taken < _MAX_NAME and _capitalised(words[k - 1]):
            k -= 1
            taken += 1
        if not taken:
            break
        j = k
    return None


def _inner_after(mention: str) -> tuple[int, str] | None:
    """("Anbar Province") -> (where the feature word starts, its feature key)."""
    words = list(_TOKEN.finditer(mention))
    for size in (2, 1):
        if len(words) > size:
            phrase = " ".join(m.group() for m in words[-size:]).lower()
            if phrase in _words().after:
                return words[-size].start(), "after:" + phrase
    return None


def _inner_before(mention: str) -> tuple[int, str] | None:
    """("Province of Anbar", "the city of X") -> (where the name starts, the feature key)."""
    words = list(_TOKEN.finditer(mention))
    i = 1 if words and words[0].group().lower() == "the" else 0
    for size in (1, 2):
        if i + size + 1 < len(words) and words[i + size].group().lower() == "of":
            phrase = " ".join(m.group() for m in words[i : i + size]).lower()
            if phrase in _words().before:
                return words[i + size + 1].start(), "before:" + phrase
    return None


def feature_hint(text: str, start: int, end: int) -> str | None:
    """The kind of place the words around ``text[start:end]`` ask for, or None.

    "the provinces of A, B, and C" -> admin1 for each; "X border crossing" -> site;
    "the city of X" -> city; "X County" (inside the mention too) -> admin2. Looks at a fixed
    window on each side, so its cost does not depend on the length of ``text``.
    """
    w = _words()
    mention = text[start:end]
    inner = _inner_after(mention) or _inner_before(mention)
    if inner is not None:
        return w.features.get(inner[1])
    return _hint_after(text[end : end + _WINDOW_AFTER]) or _hint_before(text[max(0, start - _WINDOW_BEFORE) : start])


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
    based: bool = False  # "X-based": an origin city, read by prominence alone


@dataclass(slots=True)
class _Own:
    """Evidence a mention's name gave by being unambiguous: it must not vote for itself."""

    countries: Counter[str] = field(default_factory=Counter)
    admin1: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)
    admin2: Counter[tuple[str | None, str | None]] = field(default_factory=Counter)


def _lookup(gaz: Gazetteer, name: str, hint: str | None) -> tuple[list[GazEntry], list[int], str | None]:
    """Candidates for ``name``; when none, retry without a feature word it carries."""
    cands = gaz.candidates(name, limit=40)
    if not cands:
        w = _words()
        inner = _inner_after(name)
        if inner is not None:
            hint = hint or w.features.get(inner[1])
            name = name[: inner[0]].strip()
        else:
            inner = _inner_before(name)
            if inner is not None:
                hint = hint or w.features.get(inner[1])
                name = name[inner[0] :]
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


@lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    """Gazetteer ids of capital cities (GeoNames PPLC), from gazetteer_capitals.tsv."""
    return frozenset(row[2] for row in _read_tsv("gazetteer_capitals.tsv") if len(row) > 2)


def _capital(c: GazEntry, m: _Mention, capitals: frozenset[str]) -> float:
    """W_CAPITAL for a capital city (GeoNames PPLC) that shares its name with a first-level
    division (ADM1), unless the words around ask for a province: "Washington" is the US
    capital, "Washington state" the state. The report's places inside the division still
    count for it (see ``_context``)."""
    if c.id not in capitals or m.hint == "admin1":
        return 0.0
    norm = normalize_name(c.name)
    return W_CAPITAL if any(o.feature == "admin1" and normalize_name(o.name) == norm for o in m.cands) else 0.0


def _base(c: GazEntry, exact: int, hint: str | None) -> float:
    s = W_POP * math.log10(c.population + 1) + (W_MAIN if exact == 2 else W_ALT if exact else 0.0)
    s += FEATURE_BONUS.get(c.feature, 0.0) if exact else 0.0
    if hint is not None:
        want = "city" if hint == "site" else hint
        # a region answers a province word too ("the Kurdistan Region", "the Sahel region")
        feat = "admin1" if c.feature == "region" and want == "admin1" else c.feature
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
        based = BASED.match(text, end, min(len(text), end + 10)) is not None
        cands, exact, hint = _lookup(gaz, name, "city" if based else feature_hint(text, start, end))
        items.append(_Mention(name, hint, cands, exact, based) if cands else None)

    capitals = _capitals()
    base = [
        [
            _base(c, m.exact[i], m.hint) + _dominance(c, m.cands) + _capital(c, m, capitals)
            for i, c in enumerate(m.cands)
        ]
        if m
        else []
        for m in items
    ]
    # Evidence from mentions that are not ambiguous: one strong reading well ahead of the rest.
    admin1: Counter[tuple[str | None, str | None]] = Counter()
    admin2: Counter[tuple[str | None, str | None]] = Counter()
    own: dict[str, _Own] = {}  # the evidence each name gave itself, not counted for it
    for m, scores in zip(items, base, strict=True):
        if m is None or m.based:
            continue
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        top = m.cands[order[0]]
        mine = own.setdefault(m.name, _Own())
        if len(order) == 1 or scores[order[0]] - scores[order[1]] >= AMBIGUOUS:
            if top.country:
                countries[top.country] += 1
                mine.countries[top.country] += 1
            if top.feature in ("city", "admin1", "admin2") and top.admin1:
                admin1[(top.country, top.admin1)] += 1
                mine.admin1[(top.country, top.admin1)] += 1
            if top.feature in ("city", "admin2") and top.admin2:
                admin2[(top.country, top.admin2)] += 1
                mine.admin2[(top.country, top.admin2)] += 1
        else:  # the town is ambiguous, but its country may not be: every close reading in one country
            close = {m.cands[i].country for i in order if scores[order[0]] - scores[i] < AMBIGUOUS}
            if len(close) == 1 and top.country:
                countries[top.country] += 1
                mine.countries[top.country] += 1
    top_country = countries.most_common(1)[0][0] if countries else None
    # The report is about a country when it is named at least twice (or given by the caller):
    # then its towns beat bigger namesakes abroad (no dominance bonus for a place abroad).
    home = top_country if top_country and countries[top_country] >= HOME_EVIDENCE else None

    picks: list[GazEntry | None] = [None] * len(items)
    best_scores = [0.0] * len(items)
    for _round in range(2):
        neighbours = _neighbours(items, picks)
        cache: dict[tuple[str, str], float] = {}  # (mention name, candidate id): context score
        new: list[GazEntry | None] = []
        for i, (m, scores) in enumerate(zip(items, base, strict=True)):
            if m is None:
                new.append(None)
                continue
            best, best_s = None, -math.inf
            others: list[GazEntry] | None = None
            evidence = (countries, admin1, admin2)
            local = home is not None and any(c.country == home for c in m.cands)
            for c, s in zip(m.cands, scores, strict=True):
                if not m.based:  # an organisation's base is read by prominence, not the story's context
                    key = (m.name, c.id)
                    if key not in cache:
                        if others is None:  # once per mention: what the other names say
                            others = [e for e, names in neighbours if names != {m.name}]
                            given = own.get(m.name)
                            if given is not None:
                                evidence = (countries - given.countries, admin1 - given.admin1, admin2 - given.admin2)
                        cache[key] = _context(c, evidence[0], top_country, evidence[1], evidence[2], others)
                    s += cache[key]
                    if local and c.country != home and not _named_elsewhere(c, own.get(m.name), countries):
                        s -= _dominance(c, m.cands)
                if s > best_s:
                    best, best_s = c, s
            new.append(best)
            best_scores[i] = best_s
        picks = new
    out = [p if s >= MIN_SCORE else None for p, s in zip(picks, best_scores, strict=True)]
    for i, country in fixed.items():
        out[i] = country
    return out


def _named_elsewhere(c: GazEntry, mine: _Own | None, countries: Counter[str]) -> bool:
    """Whether the report points to ``c``'s country other than through this very name."""
    cc = c.country or ""
    return countries.get(cc, 0) - (mine.countries.get(cc, 0) if mine else 0) > 0


def _neighbours(items: Sequence[_Mention | None], picks: Sequence[GazEntry | None]) -> list[tuple[GazEntry, set[str]]]:
    """The distinct places picked so far, each with the mention names that picked it: at most
    MAX_NEIGHBOURS, the most often mentioned, so that a long report costs in proportion to its
    length (a report of ordinary length never reaches the cap)."""
    by_id: dict[str, tuple[GazEntry, set[str]]] = {}
    count: Counter[str] = Counter()
    for m, p in zip(items, picks, strict=True):
        if m is not None and p is not None:
            by_id.setdefault(p.id, (p, set()))[1].add(m.name)
            count[p.id] += 1
    return [by_id[pid] for pid, _ in count.most_common(MAX_NEIGHBOURS)]


def _context(
    c: GazEntry,
    countries: Counter[str],
    top_country: str | None,
    admin1: Counter[tuple[str | None, str | None]],
    admin2: Counter[tuple[str | None, str | None]],
    others: list[GazEntry],
) -> float:
    s = 0.0
    if c.feature == "country":  # a country's name is evidence for the country: no town takes its pull
        s += W_COUNTRY + W_TOP_COUNTRY
    elif c.country and countries.get(c.country):
        s += W_COUNTRY + (W_TOP_COUNTRY if c.country == top_country else 0.0)
    if admin1.get((c.country, c.admin1)):  # a province holding the report's other places, too
        s += W_ADMIN1
    if c.feature != "admin2" and c.admin2 and admin2.get((c.country, c.admin2)):
        s += W_ADMIN2
    if others and c.feature not in ("country", "continent"):
        near = min(_km(c, o) for o in others)
        s += next((w for limit, w in W_NEAR if near < limit), 0.0)
    return s
