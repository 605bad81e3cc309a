"""Entities of one document: NER mentions grouped into entities with a name, kind and aliases.

The small spaCy model splits and mislabels names in conflict reporting ("Jabhat al-Nusra"
as PERSON, "Liwa" left out of "Liwa Thuwar al-Raqqa", "Supreme" as ORG). On top of its
entities this module recovers group names from capitalised runs with a designator ("Katiba X",
"X Brigades"), strips titles, leading "the" and possessives, drops junk, reads acronyms defined
in the text ("Syrian Democratic Forces (SDF)") and "also known as" aliases, joins a
lone surname to the full name given in the same document, and sets a kind from the name or
from a describing noun ("X, a militia backed by Y"). Word lists: data/entity_kinds.yaml.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token
from wordfreq import zipf_frequency

from crosscheck.nlp.gazetteer import Gazetteer
from crosscheck.resolve.names import countries_of, fold_words, normalise

__all__ = ["DocEntity", "extract_entities", "kind_words"]

_DATA = Path(__file__).resolve().parent.parent / "data" / "entity_kinds.yaml"

_LABELS = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "FAC": "FAC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "PRODUCT": "OTHER",
    "WORK_OF_ART": "OTHER",
    "LAW": "OTHER",
}
_DETS = frozenset({"the", "a", "an"})
_SMALL = frozenset({"of", "and", "to", "the", "in", "a", "an", "for", "on", "at", "by", "with", "as"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
_CAP = re.compile(r"^[A-Z][\w'\u2019.\-]*$")
# Stated other names (a grammar rule: a naming participle or "aka" before the name):
# "also known as Y", "known locally as Y", "also called Y", "aka Y", "nicknamed Y", "dubbed Y".
_AKA = re.compile(
    r"\b(?:(?:also|better|commonly|widely|locally|popularly)\s+)?known\s+"
    r"(?:(?:locally|popularly|commonly|widely|officially|formally)\s+)?as\s+(?:the\s+)?|"
    r"\b(?:also|sometimes|commonly|locally)\s+called\s+(?:the\s+)?|"
    r"\ba\.?k\.?a\.?\s+(?:the\s+)?|\balias\s+|\bnicknamed\s+|\bdubbed\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocEntity:
    """One entity as one document names it."""

    name: str
    type: str
    kind: str | None
    aliases: tuple[str, ...]
    mentions: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Words:
    lead: frozenset[str]
    tail: frozenset[str]
    titles: frozenset[str]
    particles: frozenset[str]
    roles: frozenset[str]
    places: frozenset[str]
    kinds: tuple[tuple[str, str, frozenset[str], frozenset[str]], ...]  # kind, type, name, context


def _key(word: str) -> str:
    return word.lower().replace("'", "").replace("\u2019", "")


@lru_cache(maxsize=1)
def kind_words() -> _Words:
    """The word lists of data/entity_kinds.yaml, loaded once."""
    raw: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    kinds = tuple(
        (
            k,
            v.get("type", "ORG"),
            frozenset(map(_key, v["name_words"])),
            frozenset(map(_key, v["context_words"])),
        )
        for k, v in raw["kinds"].items()
    )
    return _Words(
        lead=frozenset(map(_key, raw["org_designators_lead"])),
        tail=frozenset(map(_key, raw["org_designators_tail"])),
        titles=frozenset(map(_key, raw["titles"])),
        particles=frozenset(map(_key, raw["particles"])),
        roles=frozenset(map(_key, raw["person_roles"])),
        places=frozenset(map(_key, raw["place_nouns"])),
        kinds=kinds,
    )


@dataclass(slots=True)
class _Cand:
    start: int  # token indices, end exclusive
    end: int
    label: str
    pattern: bool = False


@dataclass(slots=True)
class _Group:
    label_votes: Counter[str] = field(default_factory=Counter)
    spans: list[tuple[int, int]] = field(default_factory=list)  # token spans
    aliases: list[str] = field(default_factory=list)
    forced_type: str | None = None
    kind: str | None = None
    stated: list[str] = field(default_factory=list)  # other names the text states ("known as")
    title: str | None = None  # a name read from the text around the mentions ("Iraqi Hezbollah")


def _is_cap(t: Token) -> bool:
    return bool(_CAP.match(t.text)) and any(c.isalpha() for c in t.text)


def _designated(words: list[str]) -> bool:
    """True when a name opens with a lead designator or closes with a tail one."""
    w = kind_words()
    if len(words) < 2:
        return False
    last = words[-1]
    return words[0] in w.lead or last in w.tail or (last.endswith("s") and last[:-1] in w.tail)


def _headline_lines(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of title-cased lines (headlines, subheads): their NER is unreliable."""
    out = []
    pos = 0
    for line in doc.text.split("\n"):
        words = [w for w in re.findall(r"[A-Za-z][\w'\u2019\-]*", line)]
        sig = [w for w in words if w.lower() not in _SMALL]
        stripped = line.rstrip()
        if sig and len(words) <= 20 and not stripped.endswith((".", '"', "\u201d")):
            caps = sum(w[0].isupper() for w in sig)
            if caps / len(sig) >= 0.75:
                out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _runs(doc: Doc) -> list[tuple[int, int]]:
    """Capitalised token runs, joined over name particles and 'al-' hyphens."""
    particles = kind_words().particles - {"and"}
    runs: list[tuple[int, int]] = []
    n, i = len(doc), 0
    while i < n:
        if not _is_cap(doc[i]) or doc[i].is_space:
            i += 1
            continue
        end, j = i + 1, i + 1
        while j < n:
            t = doc[j]
            if t.is_space or t.is_sent_start:
                break
            if _is_cap(t) and t.lower_ not in ("'s",):
                end = j + 1
            elif t.lower_ in particles or (t.text == "-" and not doc[j - 1].whitespace_ and not t.whitespace_):
                pass
            else:
                break
            j += 1
        runs.append((i, end))
        i = max(end, i + 1)
    return runs


_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$", re.IGNORECASE)


def _numbered_units(doc: Doc) -> list[_Cand]:
    """Numbered unit names (a grammar rule of military unit naming): a designator and its
    number ("Brigade 9", "Battalion 214") or an ordinal before a designated capitalised run
    ("the 93rd Mechanised Brigade")."""
    tail = kind_words().tail
    out = []
    for t in doc[:-1]:
        nxt = doc[t.i + 1]
        if _is_cap(t) and _key(t.text) in tail and nxt.like_num and not _ORDINAL.match(nxt.text):
            out.append(_Cand(t.i, t.i + 2, "ORG", pattern=True))
    for start, end in _runs(doc):
        if start > 0 and _ORDINAL.match(doc[start - 1].text) and _designated(["x", _key(doc[end - 1].text)]):
            out.append(_Cand(start - 1, end, "ORG", pattern=True))
    return out


def _pattern_cands(doc: Doc) -> list[_Cand]:
    """ORG names recovered from capitalised runs with a designator."""
    w = kind_words()
    out = _numbered_units(doc)
    for start, end in _runs(doc):
        keys = [_key(t.text) for t in doc[start:end]]
        if keys[0] in w.titles and 2 <= end - start <= 4 and all(t.pos_ == "PROPN" for t in doc[start + 1 : end]):
            out.append(_Cand(start, end, "PERSON"))  # "President Anders X": a title opens a person's name
            continue
        if (
            end + 2 < len(doc)
            and doc[end].text == "("
            and doc[end + 2].text == ")"
            and _ACRONYM.match(doc[end + 1].text)
        ):
            first = start + 1 if keys[0] in _DETS else start
            if end - first >= 2:
                out.append(_Cand(first, end, "ORG", pattern=True))  # "Doctors Without Borders (MSF)"
                continue
        while start < end and (
            keys[0] in _SMALL or (doc[start].is_sent_start and doc[start].pos_ != "PROPN" and keys[0] not in w.lead)
        ):
            start, keys = start + 1, keys[1:]
        if end - start < 2:
            continue
        lead = next((k for k, key in enumerate(keys) if key in w.lead), None)
        if lead is not None and end - (start + lead) >= 2:
            s = start + lead
            # stop a lead-designated name at "of" ("Liwa X of Y" keeps Y apart)
            e = next((k for k in range(s, end) if doc[k].lower_ == "of"), end)
            if e - s >= 2:
                out.append(_Cand(s, e, "ORG", pattern=True))
                continue
        tail = max(
            (k for k, key in enumerate(keys) if key in w.tail or (key.endswith("s") and key[:-1] in w.tail)),
            default=None,
        )
        if tail is not None and tail >= 1:
            e = start + tail + 1
            while e > start and doc[e - 1].lower_ in w.particles:
                e -= 1
            if e - start >= 2:
                out.append(_Cand(start, e, "ORG", pattern=True))
    return out


def _clean(doc: Doc, c: _Cand) -> _Cand | None:
    """Strip determiners, titles and possessives; None for junk."""
    w = kind_words()
    s, e = c.start, c.end
    # "Yemen's Ansar Allah": keep what follows the possessive
    for k in range(s, e):
        if (doc[k].tag_ == "POS" or doc[k].lower_ in ("'s", "\u2019s")) and not all(t.is_punct for t in doc[k + 1 : e]):
            s = k + 1  # ("Tarsa Logistics'" ends with its possessive: the name is before it)
    while e > s and (doc[e - 1].is_punct or doc[e - 1].tag_ == "POS"):
        e -= 1
    while s < e and (doc[s].lower_ in _DETS or doc[s].is_punct):
        s += 1
    words = [_key(t.text) for t in doc[s:e]]
    if c.label == "PERSON" and not _designated(words):
        while s < e - 1 and _key(doc[s].text) in w.titles and _is_cap(doc[s + 1]):
            s += 1
    span = doc[s:e]
    text = span.text
    # an English model reads other scripts badly: a name needs Latin letters to be trusted
    if not text or "\n" in text or not any(ch.isascii() and ch.isalpha() for ch in text):
        return None
    keys = [_key(t.text) for t in span]
    if all(k in w.titles or k in _DETS for k in keys):
        return None
    if e - s == 1 and (not span[0].text[:1].isupper() or span[0].like_num):
        return None
    if e - s == 1 and len(text) < 2:
        return None
    return _Cand(s, e, c.label, c.pattern)


def _candidates(doc: Doc) -> list[_Cand]:
    base = [_Cand(e.start, e.end, _LABELS[e.label_]) for e in doc.ents if e.label_ in _LABELS]
    for p in _pattern_cands(doc):
        overl = [b for b in base if b.start < p.end and p.start < b.end]
        if any(b.label == "ORG" and b.end == p.end and b.start <= p.start for b in overl):
            continue
        # a leading country or nationality stays its own entity ("Syrian" + "Liwa X")
        lead_gpe = [b for b in overl if b.start == p.start and b.label in ("GPE", "NORP") and b.end < p.end - 1]
        if lead_gpe and not any(b.label == "ORG" for b in overl):
            p.start = lead_gpe[0].end
        base = [b for b in base if not (b.start < p.end and p.start < b.end) or b in lead_gpe]
        base.append(p)
    base.sort(key=lambda c: c.start)
    out = []
    for c in base:
        cleaned = _clean(doc, c)
        if cleaned is not None:
            out.append(cleaned)
    return out


def _kind_from_words(words: list[str], context: bool) -> tuple[str, str] | None:
    for kind, typ, names, ctx in kind_words().kinds:
        pool = ctx if context else names
        if any(wd in pool for wd in words) or (not context and " ".join(words) in pool):
            return kind, typ
    return None


def _described_by(doc: Doc, span: Span) -> list[Token]:
    """Nouns that describe a mention: its appositions, the noun it is in apposition to, a noun
    right before it ("the broadcaster X"), and the attribute of a copula ("X is a militia")."""
    root = span.root
    out = [c for c in root.children if c.dep_ == "appos" and not c.ent_type_]
    if root.dep_ == "appos" and not root.head.ent_type_:
        out.append(root.head)
    if span.start > 0:
        prev = doc[span.start - 1]
        if prev.pos_ == "NOUN" and prev.head.i in range(span.start, span.end):
            out.append(prev)
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        out.extend(c for c in root.head.children if c.dep_ == "attr")
    if root.dep_ == "compound" and root.head.i == span.end and root.head.pos_ == "NOUN" and not root.head.ent_type_:
        out.append(root.head)  # "the Hezbollah group", "the Wagner militia": the noun the name modifies
    return out


def _surname_owner(words: list[str], persons: dict[str, list[int]]) -> int | None:
    owners = persons.get(words[-1]) if len(words) == 1 else None
    if owners and len(set(owners)) == 1:
        return owners[0]
    return None


def extract_entities(doc: Doc) -> list[DocEntity]:
    """Group the named mentions of `doc` into entities, in order of first mention."""
    w = kind_words()
    heads = _headline_lines(doc)
    cands = _candidates(doc)

    def in_headline(c: _Cand) -> bool:
        a = doc[c.start].idx
        return any(lo <= a < hi for lo, hi in heads)

    body_names = {normalise(doc[c.start : c.end].text) for c in cands if not in_headline(c)}
    cands = [c for c in cands if not in_headline(c) or normalise(doc[c.start : c.end].text) in body_names]

    groups: list[_Group] = []
    by_name: dict[str, int] = {}
    by_fold: dict[tuple[str, str], int] = {}
    persons: dict[str, list[int]] = {}  # folded surname -> person groups
    acronyms: dict[str, int] = {}
    span_group: dict[tuple[int, int], int] = {}

    def add(c: _Cand, gi: int) -> None:
        g = groups[gi]
        g.spans.append((c.start, c.end))
        g.label_votes[c.label] += 3 if c.pattern else 1
        span_group[(c.start, c.end)] = gi
        if c.pattern:
            g.forced_type = "ORG"

    qualifier = _qualifiers(doc, cands)
    countries: dict[int, frozenset[str]] = {}  # group -> the countries its mentions are tied to
    national: dict[tuple[str, frozenset[str]], int] = {}  # (name, countries) -> group
    for k, c in enumerate(cands):
        span = doc[c.start : c.end]
        text = span.text
        norm = normalise(text)
        folded = fold_words(text)
        gtype = "PERSON" if c.label == "PERSON" else ("ORG" if c.label in ("ORG", "NORP") else c.label)
        gi = by_name.get(norm)
        if gi is None and _ACRONYM.match(text):
            gi = acronyms.get(text)
        if gi is None and len(folded) == 1 and c.label in ("PERSON", "LOC", "ORG", "FAC") and not c.pattern:
            gi = _surname_owner(list(folded), persons)
        if gi is None and folded:
            gi = by_fold.get((gtype, " ".join(folded)))
        tied = qualifier.get(k, frozenset())
        if gi is not None and tied and countries.get(gi) and not countries[gi] & tied:
            gi = national.get((norm, tied))  # "Iraqi Hezbollah" after "Lebanese Hezbollah": another group
        if gi is None:
            gi = len(groups)
            groups.append(_Group())
        add(c, gi)
        if tied:
            countries[gi] = countries.get(gi, frozenset()) | tied
            national.setdefault((norm, tied), gi)
        by_name.setdefault(norm, gi)
        if folded:
            by_fold.setdefault((gtype, " ".join(folded)), gi)
        if c.label == "PERSON" and len(folded) >= 2:
            persons.setdefault(folded[-1], []).append(gi)
        if c.end - c.start >= 2 and c.label != "PERSON":
            # acronym defined right after the name, or initials used later
            nxt = c.end
            if nxt + 2 < len(doc) and doc[nxt].text == "(" and doc[nxt + 2].text == ")":
                acr = doc[nxt + 1].text
                if _ACRONYM.match(acr):
                    acronyms.setdefault(acr, gi)
                    groups[gi].aliases.append(acr)
            else:
                longer = _name_before_acronym(doc, c.start, c.end, w.particles)
                if longer is not None:
                    acr, full_end = longer
                    acronyms.setdefault(acr, gi)
                    groups[gi].aliases.extend([acr, doc[c.start : full_end].text])
            initials = "".join(t.text[0] for t in span if t.lower_ not in w.particles and t.text[:1].isupper())
            if len(initials) >= 3:
                acronyms.setdefault(initials.upper(), gi)

    _aliases_from_aka(doc, groups, span_group, by_name)
    _acronym_mentions(doc, groups, acronyms, span_group)
    _national_names(doc, cands, groups, span_group)
    return [_finish(doc, g) for g in groups if g.spans and not _common_word(doc, g)]


def _qualifiers(doc: Doc, cands: list[_Cand]) -> dict[int, frozenset[str]]:
    """Candidates (by index) right after a nationality word or country that ties them to it
    ("the Iraqi Hezbollah group" -> IQ), by resolve.names.countries_of."""
    out = {}
    for k in range(1, len(cands)):
        a, b = cands[k - 1], cands[k]
        if a.end != b.start or a.label not in ("NORP", "GPE") or b.label == "PERSON" or b.end - a.start > 8:
            continue
        tied = countries_of(doc[a.start : a.end].text)
        if tied:
            out[k] = tied
    return out


def _national_names(doc: Doc, cands: list[_Cand], groups: list[_Group], span_group: dict[tuple[int, int], int]) -> None:
    """'the Iraqi Hezbollah group': a nationality word or country right before an organisation's
    name is kept as another name of it ("Iraqi Hezbollah"), so that names tied to different
    countries are not merged, in one report or across reports."""
    qualified: dict[int, list[str]] = {}
    for k in _qualifiers(doc, cands):
        a, b = cands[k - 1], cands[k]
        gi = span_group.get((b.start, b.end))
        if gi is not None and groups[gi].spans:
            groups[gi].aliases.append(doc[a.start : b.end].text)
            qualified.setdefault(gi, []).append(doc[a.start : b.end].text)
    for gi, names in qualified.items():
        if len(names) == len(groups[gi].spans):
            groups[gi].title = names[0]  # named only with its country: that is its name


# A common English count noun by wordfreq (Zipf frequency of the word and of its plural, from
# Wikipedia, subtitles, news and web text): "bazaar" 3.4 / "bazaars" 2.4, but "hamas" 3.6 / 0.
_COMMON_ZIPF = 3.0
_PLURAL_ZIPF = 2.0


def _common_word(doc: Doc, g: _Group) -> bool:
    """A capitalised common noun taken for a name ("Bazaar traders said ..."): one word, every
    mention at the start of a sentence (where capitals say nothing), the word a common count
    noun by wordfreq, and the text itself using it as a noun: modifying the noun after it or
    written in lower case elsewhere. Such a group is no actor."""
    if g.forced_type or any(e - s != 1 for s, e in g.spans) or g.stated:
        return False
    if g.label_votes.most_common(1)[0][0] not in ("PERSON", "ORG"):
        return False
    tok = doc[g.spans[0][0]]
    word = tok.lower_
    if tok.text.isupper() or zipf_frequency(word, "en") < _COMMON_ZIPF:
        return False
    if zipf_frequency(word + "s", "en") < _PLURAL_ZIPF and zipf_frequency(word + "es", "en") < _PLURAL_ZIPF:
        return False
    lower_use = any(t.text == word for t in doc)
    for s, _ in g.spans:
        t = doc[s]
        first = t.is_sent_start or (t.i > 0 and doc[t.i - 1].is_sent_start and doc[t.i - 1].lower_ in _DETS)
        if not first:
            return False
        modifier = t.dep_ in ("compound", "amod", "nmod") and t.head.i == t.i + 1 and t.head.pos_ == "NOUN"
        if not (modifier or lower_use):
            return False
    return True


def _after_article(doc: Doc, spans: list[tuple[int, int]]) -> bool:
    """True when every mention follows an article and none modifies a noun: English personal
    names take no article (a grammar rule), while "the Isar river" is left to its noun's reading."""
    if not all(s > 0 and doc[s - 1].lower_ in _DETS for s, _ in spans):
        return False
    return not any(e < len(doc) and doc[e].pos_ == "NOUN" and doc[s:e].root.head.i == e for s, e in spans)


# Prepositions that put what follows in a place (a grammar rule): "in X", "near X".
_LOCATIVE = frozenset({"in", "near", "outside", "around", "inside", "into", "across", "towards", "toward", "at"})


# An organisation's name is read as a town only when it is a town's main name in the GeoNames
# "cities15000" size class (a GeoNames standard extract): "divisions in Hamas" stays a group.
_ORG_TOWN_POPULATION = 15000


def _place_named(doc: Doc, spans: list[tuple[int, int]], name: str, org: bool = False) -> bool:
    """A name the model took for a person (or, with `org`, an organisation) that the gazetteer
    knows as a place, in a mention governed by a locative preposition ("fighting near Tarnow")."""
    located = any(doc[s:e].root.dep_ == "pobj" and doc[s:e].root.head.lower_ in _LOCATIVE for s, e in spans)
    if not located:
        return False
    gaz = Gazetteer.load()
    for c in gaz.candidates(name, limit=5):
        exact = gaz.is_exact(c, name)
        if exact == 2 if org else exact:
            return not org or c.population >= _ORG_TOWN_POPULATION
    return False


# Small words that may sit inside an organisation's name ("... in Europe", "... on Climate").
_NAME_LINKS = frozenset({"in", "on", "of", "for", "and", "the", "&"})


def _name_before_acronym(doc: Doc, start: int, end: int, particles: frozenset[str]) -> tuple[str, int] | None:
    """A name the model cut short before its acronym: "the Organization for Security and
    Co-operation | in Europe (OSCE)". Looks a few words past `end` for "(ACRONYM)" whose letters
    are the initials of the whole name; returns the acronym and where the full name ends."""
    particles = particles | _NAME_LINKS
    for k in range(end, min(end + 4, len(doc) - 2)):
        if doc[k].text == "(":
            acr = doc[k + 1].text
            if doc[k + 2].text != ")" or not _ACRONYM.match(acr):
                return None
            words = [t for t in doc[start:k] if t.lower_ not in particles and t.text[:1].isupper()]
            initials = "".join(part[0] for t in words for part in t.text.split("-") if part[:1].isupper())
            return (acr, k) if initials.upper() == acr.replace(".", "").upper() and k > end else None
        if not (doc[k].text[:1].isupper() or doc[k].lower_ in particles):
            return None
    return None


def _org_named(doc: Doc, g: _Group) -> bool:
    """True when a group's own words make it an organisation (a designator, or the pattern)."""
    return g.forced_type == "ORG" or any(_designated([_key(t.text) for t in doc[s:e]]) for s, e in g.spans)


def _person(doc: Doc, g: _Group) -> bool:
    return bool(g.spans) and g.label_votes.most_common(1)[0][0] == "PERSON" and not _org_named(doc, g)


def _alias_fits(doc: Doc, owner: _Group, alias: _Group, stated: bool = False) -> bool:
    """A stated other name joins only an entity of its family: a person's other name is a
    person's, an organisation's an organisation's (a person is never an alias of a group).
    Places are never aliases. `stated` ("X, known as Y." / "X, or Y,", closed by punctuation):
    when one of the two names is an organisation by its own words (a designator), the other is
    the same group whatever label the model gave it."""
    if any(g.label_votes.most_common(1)[0][0] in ("GPE", "LOC", "FAC") for g in (owner, alias)):
        return False
    if _person(doc, owner) == _person(doc, alias):
        return True
    return stated and (_org_named(doc, owner) or _org_named(doc, alias))


def _closed(doc: Doc, end: int) -> bool:
    """True when a name ends its phrase: punctuation or the end of the text follows it."""
    return end >= len(doc) or doc[end].is_punct


def _aliases_from_aka(
    doc: Doc, groups: list[_Group], span_group: dict[tuple[int, int], int], by_name: dict[str, int]
) -> None:
    """Stated other names join the entity they name (grammar rules, not word lists):
    'X, also known as Y' / 'X, known locally as Y' (the nearest fitting name before the phrase
    in its sentence), 'X (Y)' and 'X, or Y,' (an apposition of two names of one family)."""
    starts = {s: (s, e) for s, e in span_group}

    def join(owner: int, alias_span: tuple[int, int], stated: bool) -> None:
        alias_g = span_group[alias_span]
        if alias_g == owner or not _alias_fits(doc, groups[owner], groups[alias_g], stated):
            return
        forced = groups[owner].forced_type or groups[alias_g].forced_type
        if _org_named(doc, groups[alias_g]) or _org_named(doc, groups[owner]):
            forced = "ORG"  # "Asayish al-Jabal, known as the Mountain Guard": a group the model took for a person
        _merge(groups, span_group, by_name, alias_g, owner)
        groups[owner].aliases.append(doc[alias_span[0] : alias_span[1]].text)
        groups[owner].stated.append(doc[alias_span[0] : alias_span[1]].text)
        groups[owner].forced_type = forced

    for m in _AKA.finditer(doc.text):
        tok = doc.char_span(m.end(), m.end(), alignment_mode="expand")
        if tok is None:
            continue
        at = tok.start
        alias_span = starts.get(at)
        if alias_span is None:
            continue
        alias_g = span_group[alias_span]
        sent = doc[at].sent
        closed = _closed(doc, alias_span[1])
        for (s, e), gi in sorted(span_group.items(), reverse=True):
            if e <= at and s >= sent.start and gi != alias_g:
                gap = doc.text[doc[e - 1].idx + len(doc[e - 1].text) : m.start()].lower().split()
                if "who" in gap and not _person(doc, groups[gi]):
                    continue  # "..., who is also known as Y": 'who' points back to a person
                # "X, also known as Y": only punctuation between X and the phrase
                stated = closed and all(not any(c.isalnum() for c in w) for w in gap)
                if _alias_fits(doc, groups[gi], groups[alias_g], stated):
                    join(gi, alias_span, stated)
                    break
    for (_, e), gi in sorted(span_group.items()):
        if not groups[gi].spans or e + 2 >= len(doc):
            continue
        if doc[e].text == "(":
            inner = starts.get(e + 1)  # "X (Y)"
            close = ")"
        elif doc[e].text == "," and doc[e + 1].lower_ == "or":
            inner = starts.get(e + 2) or starts.get(e + 3) if doc[e + 2].lower_ != "the" else starts.get(e + 3)
            close = ","  # "X, or Y," / "X, or Y." : an apposition, not a list
        else:
            continue
        if inner is None or inner[1] - inner[0] < 2 and _ACRONYM.match(doc[inner[0]].text):
            continue  # acronyms are read elsewhere
        after = doc[inner[1]].text if inner[1] < len(doc) else "."
        if after == close or (close == "," and after in (".", ";")):
            join(gi, inner, close == ",")


def _merge(
    groups: list[_Group],
    span_group: dict[tuple[int, int], int],
    by_name: dict[str, int],
    src: int,
    dst: int,
) -> None:
    if src == dst:
        return
    g, d = groups[src], groups[dst]
    d.spans.extend(g.spans)
    d.aliases.extend(g.aliases)
    for sp in g.spans:
        span_group[sp] = dst
    for k, v in list(by_name.items()):
        if v == src:
            by_name[k] = dst
    g.spans, g.aliases = [], []
    g.label_votes.clear()


def _acronym_mentions(
    doc: Doc, groups: list[_Group], acronyms: dict[str, int], span_group: dict[tuple[int, int], int]
) -> None:
    """Acronym tokens the model missed become mentions of the entity they abbreviate."""
    if not acronyms:
        return
    taken = {i for s, e in span_group for i in range(s, e)}
    for t in doc:
        if t.i in taken or t.text not in acronyms:
            continue
        gi = acronyms[t.text]
        if groups[gi].spans:
            groups[gi].spans.append((t.i, t.i + 1))
            span_group[(t.i, t.i + 1)] = gi


def _finish(doc: Doc, g: _Group) -> DocEntity:
    w = kind_words()
    spans = sorted(set(g.spans))
    texts = [doc[s:e].text for s, e in spans]
    typ = g.forced_type
    if typ is None:
        typ = g.label_votes.most_common(1)[0][0]
        # the small model often tags towns ORG; one GPE/LOC reading of an undesignated name wins
        if typ == "ORG":
            place = [lab for lab in ("GPE", "LOC") if g.label_votes[lab]]
            if place:
                typ = place[0]
    full = (
        [t for t in texts if not _ACRONYM.match(t) and t not in g.stated]
        or [t for t in texts if not _ACRONYM.match(t)]
        or texts
    )
    name = max(full, key=lambda t: (len(fold_words(t)), len(t), -texts.index(t)))
    # a name the model cut short before its acronym: the whole name read from the text wins
    name = max((a for a in g.aliases if a.startswith(name) and not _ACRONYM.match(a)), key=len, default=name)
    name = g.title or name
    words = [_key(x) for x in name.split()]
    kind = None
    role = None
    for s, e in spans:
        for noun in _described_by(doc, doc[s:e]):
            lemma = noun.lemma_.lower()
            if lemma in w.places and g.forced_type is None and typ in ("PERSON", "ORG", "NORP"):
                typ = "GPE"  # "X, a city in Y"
                continue
            if lemma in w.roles and typ != "ORG" or (typ == "PERSON" and lemma in w.roles):
                role = role or lemma
                continue
            # "the rights group X": a kind word modifying the describing noun says more than the noun
            mods = [_key(c.text) for c in noun.children if c.dep_ in ("compound", "amod")]
            hit = _kind_from_words(mods, context=False) or _kind_from_words([lemma], context=True)
            if hit and kind is None:
                kind, ktype = hit
                if typ in ("PERSON", "GPE", "LOC", "FAC") and g.forced_type is None:
                    typ = ktype  # "X, a militia backed by Y": not a person, whatever the model says
        if s > 0 and typ == "PERSON" and role is None and _key(doc[s - 1].text) in w.roles:
            role = _key(doc[s - 1].text)
    if typ != "ORG" and g.forced_type is None and _designated(words):
        typ = "ORG"
    if role and typ in ("GPE", "LOC", "FAC", "NORP") and len(words) >= 2:
        typ = "PERSON"
    media = next((names for k, _, names, _ in w.kinds if k == "media"), frozenset())
    if typ == "PERSON" and len(words) >= 2 and (words[-1] in media or _designated(words)):
        typ = "ORG"  # "Valley Herald": a masthead the model took for a person
    if typ == "PERSON" and role is None and _after_article(doc, spans):
        typ = "ORG"  # "the Khayyam": English personal names take no article
    if typ == "PERSON" and role is None and g.forced_type is None and _place_named(doc, spans, name):
        typ = "GPE"  # "fighting near Tarnow": a town the model took for a person
    if typ == "PERSON":
        kind = role
    elif kind is None and typ in ("ORG", "NORP", "FAC", "OTHER"):
        hit = _kind_from_words(words, context=False)
        kind = hit[0] if hit else None
    if (
        typ == "ORG"
        and kind is None
        and g.forced_type is None
        and not g.stated
        and not _designated(words)
        and _place_named(doc, spans, name, org=True)
    ):
        typ = "GPE"  # "shelling in Mariupol": a town the model took for an organisation
    aliases = []
    for t in [*texts, *g.aliases]:
        if t != name and t not in aliases:
            aliases.append(t)
    mentions = tuple(sorted({(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for s, e in spans}))
    return DocEntity(name=name, type=typ, kind=kind, aliases=tuple(aliases), mentions=mentions)
