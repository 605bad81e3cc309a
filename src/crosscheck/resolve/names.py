"""Cross-document name matching: scored, explainable judgements on whether two names are one entity.

`normalise` folds case, accents, apostrophes and hyphens; `name_keys` gives blocking keys so a
new entity is compared only with candidates that share one; `compare` scores two entities
(name, aliases, type) and returns a `Judgement` whose `features` say why. Spelling variants
(Jaish / Jaysh, Ansar Allah / Ansarullah, Defence / Defense), acronyms and their
expansions, designators in two languages ("Liwa X" / "X Brigades") and a lone surname against a
full name of the same type match; names that only share a word ("Ansar Allah" / "Liwa Ansar
Allah") do not. Two names tied to different countries ("Iraqi Hezbollah" / "Lebanese Hezbollah",
by the demonyms of data/gazetteer_demonyms.tsv and the ISO 3166 country names of pycountry)
never match, and a person never matches an organisation. Rules and thresholds live in
data/transliteration.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii
from rapidfuzz.distance import Indel

__all__ = ["Judgement", "NameInfo", "compare", "countries_of", "exact_key", "fold_words", "name_keys", "normalise"]

_DATA = Path(__file__).resolve().parent.parent / "data" / "transliteration.yaml"
_DEMONYMS = _DATA.parent / "gazetteer_demonyms.tsv"


@dataclass(frozen=True, slots=True, kw_only=True)
class NameInfo:
    """What matching needs to know about an entity: its name, other names, NER type and kind."""

    name: str
    type: str = "OTHER"
    kind: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Judgement:
    """A scored decision; `features` holds one value per rule and `pair` the names that decided."""

    score: float
    same: bool
    features: dict[str, float] = field(default_factory=dict)
    pair: tuple[str, str] = ("", "")


@dataclass(frozen=True, slots=True)
class _Rules:
    spelling: tuple[tuple[re.Pattern[str], str], ...]
    translit: tuple[tuple[re.Pattern[str], str], ...]
    designator: dict[str, str]
    droppable: frozenset[str]
    optional: frozenset[str]
    stopwords: frozenset[str]
    thresholds: dict[str, float]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    raw: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    designator = {word: cls for cls, words in raw["designator_classes"].items() for word in words}
    return _Rules(
        spelling=tuple((re.compile(p), r) for p, r in raw["spelling"]),
        translit=tuple((re.compile(p), r) for p, r in raw["translit"]),
        designator=designator,
        droppable=frozenset(raw["droppable"]),
        optional=frozenset(raw["optional_modifiers"]),
        stopwords=frozenset(raw["stopwords"]),
        thresholds={k: float(v) for k, v in raw["thresholds"].items()},
    )


_APOS = re.compile(r"['`\u2019\u2018\u02bc\u02bf\u02be]")
_POSS = re.compile(r"(?<=\w)['\u2019]s\b", re.IGNORECASE)
_NONWORD = re.compile(r"[^\w]+")
_LEAD_THE = re.compile(r"^the\s+")
_VOWELS = re.compile(r"[aeiouy]")


def normalise(name: str) -> str:
    """Lower case; no accents, apostrophes, punctuation (hyphens become spaces) or leading 'the'.

    Letters of other scripts are kept as they are (case-folded); see `fold_words` for a
    transliterated form.
    """
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _POSS.sub("", s)
    s = _APOS.sub("", s).casefold()
    s = " ".join(_NONWORD.sub(" ", s).split())
    return _LEAD_THE.sub("", s)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    rules = _rules()
    w = word if word.isascii() else anyascii(word).lower()
    for pat, rep in rules.spelling:
        w = pat.sub(rep, w)
    w = _stem(w)
    for pat, rep in rules.translit:
        w = pat.sub(rep, w)
    return w


def _words(name: str) -> list[str]:
    """Normalised words without stopwords and name particles (al, bin, of ...)."""
    stop = _rules().stopwords
    return [w for w in normalise(name).split() if w not in stop]


def fold_words(name: str) -> tuple[str, ...]:
    """The significant words of a name, folded by the spelling and transliteration rules."""
    return tuple(_fold_word(w) for w in _words(name))


def _skeleton(folded: str) -> str:
    """Consonants of a folded word, keeping its first letter (hizbula -> hzbl)."""
    return folded[:1] + _VOWELS.sub("", folded[1:])


def _first_vowel(folded: str) -> str:
    m = _VOWELS.search(folded)
    return m.group(0) if m else ""


_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")


def _is_acronym(name: str) -> bool:
    s = name.strip()
    return bool(_ACRONYM.match(s)) and sum(c.isalpha() for c in s) >= 2


def _initials(name: str) -> set[str]:
    """Initials of a multiword name, with and without its small words ('of', 'al')."""
    words = normalise(name).split()
    if len(words) < 2:
        return set()
    stop = _rules().stopwords
    out = {"".join(w[0] for w in words)}
    sig = [w for w in words if w not in stop]
    if len(sig) >= 2:
        out.add("".join(w[0] for w in sig))
    return out


def exact_key(name: str) -> str:
    """The name key of a name as written, once normalised ("n:..."): the key an origin given in
    words is looked up by."""
    return "n:" + normalise(name)


def name_keys(name: str) -> set[str]:
    """Blocking keys: any entity sharing one is a candidate worth a `compare`."""
    keys: set[str] = set()
    norm = normalise(name)
    if not norm:
        return keys
    keys.add("n:" + norm)  # exact_key(name)
    folded = fold_words(name)
    if folded:
        keys.add("f:" + " ".join(folded))
    designator = _rules().designator
    for raw, f in zip(_words(name), folded, strict=True):
        if raw not in designator and len(f) >= 3:
            keys.add("w:" + _skeleton(f))
    if _is_acronym(name):
        keys.add("a:" + norm.replace(" ", ""))
    keys.update("a:" + i for i in _initials(name) if len(i) >= 2)
    return keys


_GROUP = {"PERSON": "PER", "ORG": "ORG", "NORP": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def _type_agreement(a: str, b: str) -> float:
    """1 for the same type, 0.75 for neighbours (ORG/NORP, GPE/LOC), 0.5 if one is unknown."""
    if a == b:
        return 1.0
    ga, gb = _GROUP.get(a), _GROUP.get(b)
    if ga is None or gb is None:
        return 0.5
    return 0.75 if ga == gb else 0.0


def _split_designator(words: list[str]) -> tuple[str | None, list[str]]:
    """A designator class at the start or end of a name, and the remaining core words."""
    designator = _rules().designator
    if len(words) >= 2 and words[0] in designator:
        return designator[words[0]], words[1:]
    if len(words) >= 2 and _stem(words[-1]) in designator:
        return designator[_stem(words[-1])], words[:-1]
    if len(words) >= 2 and words[-1] in designator:
        return designator[words[-1]], words[:-1]
    return None, words


def _word_match(x: str, y: str, person: bool) -> float:
    """Similarity of two folded words: 1 equal, else a fuzzy ratio when close enough, else 0."""
    if x == y:
        return 1.0
    th = _rules().thresholds
    ratio = Indel.normalized_similarity(x, y)
    # persons must also share the first vowel: Muhammad/Mohammed, never Kemal/Kamil
    if (
        _skeleton(x) == _skeleton(y)
        and ratio >= th["fuzzy_token"]
        and (not person or _first_vowel(x) == _first_vowel(y))
    ):
        return ratio
    return ratio if ratio >= th["fuzzy_token_strict"] else 0.0


def _words_match(xs: list[str], ys: list[str], person: bool) -> float:
    if len(xs) != len(ys) or not xs:
        return 0.0
    scores = [_word_match(_fold_word(x), _fold_word(y), person) for x, y in zip(xs, ys, strict=True)]
    return 0.0 if min(scores) == 0.0 else sum(scores) / len(scores)


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(any(s == w for w in it) for s in short)


def _pair(x: str, y: str, person: bool, org: bool) -> tuple[float, dict[str, float]]:
    """Score two single names; the features dict names the rule that fired."""
    th = _rules().thresholds
    nx, ny = normalise(x), normalise(y)
    if not nx or not ny:
        return 0.0, {}
    if nx == ny:
        return 1.0, {"exact": 1.0}
    wx, wy = _words(x), _words(y)
    fx, fy = [_fold_word(w) for w in wx], [_fold_word(w) for w in wy]
    if fx and fx == fy:
        return 0.95, {"translit": 1.0}
    for acr, full in ((x, y), (y, x)):
        if _is_acronym(acr) and not _is_acronym(full):
            if normalise(acr).replace(" ", "") in _initials(full):
                return th["acronym"], {"acronym": 1.0}
            return 0.1, {"acronym": 0.0}
    feats: dict[str, float] = {}
    fuzzy = _words_match(wx, wy, person)
    if fuzzy:
        return 0.9 * fuzzy + 0.05, {"fuzzy": fuzzy}
    if org:
        dx, cx = _split_designator(wx)
        dy, cy = _split_designator(wy)
        if (dx or dy) and cx and cy:
            core = _words_match(cx, cy, person=False)
            if core and dx == dy:
                return 0.9 * core, {"designator": 1.0, "fuzzy": core}
            drop = _rules().droppable
            if core and (dx is None or dx in drop) and (dy is None or dy in drop):
                return 0.85 * core, {"designator": 0.5, "fuzzy": core}
            if core:
                # "Liwa Ansar Allah" vs "Ansar Allah": one name carries a unit word the other lacks
                return 0.3, {"designator": 0.0}
        short, long = (fx, fy) if len(fx) <= len(fy) else (fy, fx)
        raw_long = wy if len(fx) <= len(fy) else wx
        if len(short) >= 2 and len(short) < len(long):
            extra = [w for w, f in zip(raw_long, long, strict=True) if f not in short]
            optional = _rules().optional
            designator = _rules().designator
            if _subsequence(short, long):
                if short[0] == long[0] and short[-1] == long[-1] and raw_long[-1] not in designator:
                    return th["subsequence"], {"subsequence": 1.0}
                if all(w in optional or w in designator or _stem(w) in designator for w in extra):
                    return th["subsequence"], {"subsequence": 0.9}
            feats["subsequence"] = 0.0
    if person and len(fx) != len(fy) and min(len(fx), len(fy)) >= 1:
        short, long = (fx, fy) if len(fx) < len(fy) else (fy, fx)
        if len(short) == 1 and len(long) >= 2 and short[-1] == long[-1]:
            return th["surname"], {"surname": 1.0}
        if short[-1] == long[-1] and short[0] != long[0] and len(short[0]) > 1:
            return 0.2, {"surname": 1.0, "given_name": 0.0}
    if person and len(fx) == len(fy) >= 2 and fx[-1] == fy[-1]:
        given = list(zip(fx[:-1], fy[:-1], strict=True))
        if all((len(a) == 1 or len(b) == 1) and a[0] == b[0] for a, b in given):
            return th["surname"], {"initials": 1.0}  # "D. Ortega" / "Daniel Ortega"
        feats["given_name"] = 0.0
    ratio = Indel.normalized_similarity(" ".join(fx), " ".join(fy))
    feats["ratio"] = ratio
    return min(0.6 * ratio, 0.6), feats


def _names(info: NameInfo) -> list[str]:
    """Name and aliases, without a person's lone surname (it adds nothing and misleads)."""
    out = [info.name]
    last = fold_words(info.name)[-1:] if info.type == "PERSON" else ()
    for alias in info.aliases:
        if alias in out:
            continue
        if last and len(info.name.split()) > 1 and fold_words(alias) == last:
            continue
        out.append(alias)
    return out


@lru_cache(maxsize=1)
def _country_words() -> dict[tuple[str, ...], str]:
    """Normalised word sequences that tie a name to a country -> ISO 3166-1 alpha-2 code (or the
    word itself when the table gives no country): demonyms from data/gazetteer_demonyms.tsv
    (with their plural) and pycountry's country names (name, common and official name)."""
    import pycountry

    out: dict[tuple[str, ...], str] = {}
    for line in _DEMONYMS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, code = line.partition("\t")
        key = normalise(word)
        if key:
            out[tuple(key.split())] = code.strip() or key
            out[tuple((key + "s").split())] = code.strip() or key
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            label = getattr(c, attr, None)
            if label and "," not in label:
                out[tuple(normalise(label).split())] = c.alpha_2
    return out


@lru_cache(maxsize=65536)
def countries_of(name: str) -> frozenset[str]:
    """The countries a name's own words tie it to ("Iraqi Hezbollah" -> IQ)."""
    table = _country_words()
    words = normalise(name).split()
    found = set()
    for i in range(len(words)):
        for n in (3, 2, 1):
            code = table.get(tuple(words[i : i + n]))
            if code is not None:
                found.add(code)
                break
    return frozenset(found)


def _countries(info: NameInfo) -> frozenset[str]:
    out: set[str] = set()
    for name in (info.name, *info.aliases):
        out |= countries_of(name)
    return frozenset(out)


def compare(a: NameInfo, b: NameInfo) -> Judgement:
    """Judge whether `a` and `b` name one entity: their best pair of names, weighed by type."""
    th = _rules().thresholds
    agree = _type_agreement(a.type, b.type)
    person = a.type == "PERSON" and b.type == "PERSON"
    org = not (a.type == "PERSON" or b.type == "PERSON") or agree < 1.0
    best, best_pair = 0.0, ("", "")
    best_feats: dict[str, float] = {}
    for x in _names(a):
        for y in _names(b):
            score, feats = _pair(x, y, person, org)
            if score > best:
                best, best_feats, best_pair = score, feats, (x, y)
                if score >= 1.0:
                    break
        if best >= 1.0:
            break
    features = dict(best_feats)
    features["type"] = agree
    if agree < 1.0:
        multiword = len(_words(best_pair[0])) >= 2
        if agree == 0.0:
            # Types from different families: only a long identical name survives a model's
            # mislabel ("Hayat Tahrir al-Sham" tagged PERSON in one report, ORG in another).
            best = best * 0.85 if (multiword and best >= 0.95) else best * 0.5
        else:
            best *= 0.95 if agree >= 0.75 else 0.9
        if best_feats.get("surname") and agree < 1.0:
            best = min(best, 0.5)
    if {_GROUP.get(a.type), _GROUP.get(b.type)} == {"PER", "ORG"}:
        # a person is never another name of an organisation: a leader relation ties them
        best, features["person_org"] = min(best, 0.3), 0.0
    ca, cb = _countries(a), _countries(b)
    if ca and cb and not ca & cb and a.type != "GPE" and b.type != "GPE":
        # "Iraqi Hezbollah" / "Lebanese Hezbollah": names tied to different countries
        best, features["country"] = min(best, 0.3), 0.0
    score = round(best, 4)
    return Judgement(score=score, same=score >= th["same"], features=features, pair=best_pair)
