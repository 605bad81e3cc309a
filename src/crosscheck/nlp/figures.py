"""Figures: numbers in a parsed text that count something, what they count and what happened.

`extract_figures(doc)` finds number phrases with `numbers.find_numbers`, drops those that are
not counts (ages, years, dates, times, percentages, ordinals, labels such as "Day 24",
measurements), and reads from the dependency parse the counted thing ("312 demonstrators"),
the category of what happened to it ("left ... dead" -> killed) and breakdowns ("Of these,
1,040 were students" -> part of the total before). The lexicon is
`data/figure_categories.yaml`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from crosscheck.nlp.numbers import NumberMatch, find_numbers

__all__ = ["CATEGORIES", "FigureMention", "extract_figures"]

CATEGORIES = (
    "killed", "injured", "arrested", "missing", "displaced", "deployed", "executed",
    "under_investigation", "protests", "locations", "money", "duration", "other",
)  # fmt: skip
_PEOPLE_CATEGORIES = frozenset(CATEGORIES[:8])


@dataclass(frozen=True, slots=True, kw_only=True)
class FigureMention:
    """A count found in a Doc: character offsets into `doc.text`, value and what it counts."""

    start: int
    end: int
    value: float
    low: float | None
    high: float | None
    qualifier: str | None
    category: str
    what: str
    what_start: int
    what_end: int
    sentence_start: int
    sentence_end: int
    part_of_index: int | None = None


@dataclass(frozen=True, slots=True)
class _Lexicon:
    word_category: dict[str, str]
    forces: frozenset[str]
    locations: frozenset[str]
    duration: frozenset[str]
    under_nouns: frozenset[str]
    under_verbs: frozenset[str]
    labels: frozenset[str]
    units: frozenset[str]
    capacity: frozenset[str]
    age_bound: frozenset[str]
    part_openers: tuple[str, ...]
    part_inline: tuple[str, ...]
    experience: frozenset[str]
    money: frozenset[str]
    leave_verbs: frozenset[str]
    home_nouns: frozenset[str]
    need_verbs: frozenset[str]
    prevented: frozenset[str]
    armed: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = resources.files("crosscheck.data").joinpath("figure_categories.yaml").read_text("utf-8")
    d: dict[str, Any] = yaml.safe_load(raw)
    word_category: dict[str, str] = {}
    for cat, spec in d["categories"].items():
        if cat not in CATEGORIES:
            raise ValueError(f"figure_categories.yaml: unknown category {cat!r}")
        for w in spec["words"]:
            word_category.setdefault(str(w).lower(), cat)

    def s(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in d[key])

    return _Lexicon(
        word_category, s("forces"), s("locations"), s("duration"),
        s("under_investigation_nouns"), s("under_investigation_verbs"), s("labels"), s("units"),
        s("capacity"), s("age_bound_words"),
        tuple(str(w).lower() for w in d["part_openers"]),
        tuple(str(w).lower() for w in d["part_inline"]),
        s("experience_verbs"), s("money"), s("leave_verbs"), s("home_nouns"), s("need_verbs"),
        s("prevented_verbs"), s("armed_people"),
    )  # fmt: skip


_LEX = _lexicon()
_SUBJ_OBJ = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "oprd", "obj", "dative"})
_MOD_DEPS = frozenset({"amod", "acl", "oprd", "acomp", "relcl", "advcl"})
_LEVEL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "dep"})


def _lemma(t: Token) -> str:
    return str(t.lemma_ or t.lower_).lower()


def _cat(t: Token, target: Token | None) -> str | None:
    """The category a single word signals, with `deployed` limited to armed people."""
    cat = _LEX.word_category.get(_lemma(t)) or _LEX.word_category.get(t.lower_)
    if cat == "deployed" and target is not None and _lemma(target) not in _LEX.forces:
        return None
    return cat


def _under_investigation(tokens: list[Token]) -> Token | None:
    """A token saying "under investigation/review" or "being verified" among `tokens`' children."""
    for t in tokens:
        for c in t.children:
            if c.lower_ == "under" and any(_lemma(g) in _LEX.under_nouns for g in c.children):
                return c
            if _lemma(c) in _LEX.under_verbs and any(a.lower_ == "being" for a in c.children):
                return c
    return None


def _verb_of(t: Token) -> Token | None:
    """The verb (or noun) governing `t` through subject/object, conj or preposition links."""
    seen = 0
    while seen < 6:
        seen += 1
        if t.dep_ == "conj" or t.dep_ == "appos":
            t = t.head
            continue
        if t.dep_ in _SUBJ_OBJ or t.dep_ in ("pobj", "dep", "npadvmod", "ROOT"):
            if t.dep_ == "pobj":
                found = t.head.head if t.head.head.i != t.head.i else None
                # "between 30 and 40 of them had been injured": the pronoun stands for the verb's subject
                if (
                    found is not None
                    and found.pos_ not in ("VERB", "AUX", "NOUN", "PROPN", "ADJ")
                    and found.dep_ in _SUBJ_OBJ
                ):
                    return found.head
                return found
            return t.head if t.dep_ != "ROOT" else t
        return t.head if t.head.i != t.i else None
    return None


_SCALED = re.compile(r"\d\s*(?:million|billion|thousand|trillion|mn|bn|m|k)\b", re.I)
_WHERE_PREPS = frozenset({"in", "into", "at", "to"})
_WHERE_CATEGORIES = frozenset({"displaced", "arrested", "injured"})


def _level(verb: Token, anchor: Token, core: set[int], target: Token | None) -> tuple[str, Token | None] | None:
    """The category of a bare level from the noun whose level it states: the verb's subject or
    object and the words inside it ("the toll", "the number of people killed")."""
    for c in verb.children:
        if c.dep_ in _LEVEL_DEPS and c.i != anchor.i and c.i not in core:
            words = [*c.children, c, *(g for p in c.children if p.dep_ == "prep" for g in p.children)]
            words += [t for t in c.subtree if t not in words][:_LEVEL_DEPTH]
            for w in words:
                if w.i not in core and (cat := _cat(w, target)):
                    keep = w.dep_ == "compound" or w.pos_ not in ("NOUN", "PROPN")
                    return cat, (c if keep or target is not None else w)
    return None


_LEVEL_DEPTH = 8


def _classify(n: Token, target: Token | None, core: set[int]) -> tuple[str, Token | None]:
    """(category, the noun to report as `what` when there is no counted noun)."""
    thing = target if target is not None else n
    anchor = n if target is not None and target.head.head.i == n.i else thing  # "hundreds of fighters"
    # 2. "cases still under investigation", "injuries remain under investigation"
    verb = _verb_of(anchor)
    probe = [thing] + ([verb] if verb is not None and anchor.dep_ in ("nsubj", "nsubjpass") else [])
    if _under_investigation(probe) is not None:
        return "under_investigation", None
    # 3. adjectives and participles on the counted thing
    for c in thing.children:
        if c.dep_ in _MOD_DEPS and c.i not in core and (cat := _cat(c, target)):
            return cat, None
    # 4. the counted noun itself
    if target is not None and (cat := _cat(target, target)) and cat != "deployed":
        return cat, None
    # 5. the governing verb, its predicates, and raising chains ("are believed to have entered")
    if verb is not None:
        if verb.pos_ in ("NOUN", "PROPN") and verb.i != thing.i:
            # "arrests near 9,500", "the number of injured at 2,915"
            for w in [
                verb,
                *verb.children,
                *(g for c in verb.children if c.dep_ == "prep" for g in c.children),
            ]:
                if w.i not in core and (cat := _cat(w, target)):
                    return cat, (w if w.pos_ in ("NOUN", "PROPN") else verb)
        chain = [verb]
        for v in chain:
            if len(chain) < 5:
                chain.extend(c for c in v.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"))
        if _lemma(verb) in _LEX.capacity:
            return "other", None
        if anchor.dep_ == "pobj" and anchor.head.lower_ in ("to", "at"):
            # a level reached: "bringing the toll to five", "put total arrests at 9,530"
            level = _level(verb, anchor, core, target)
            if level is not None:
                return level
        for v in chain:
            if v.i != thing.i and (cat := _cat(v, target)):
                return cat, (v if target is None else None)
            for c in v.children:
                if c.dep_ in ("oprd", "acomp") and (cat := _cat(c, target)):
                    return cat, (c if target is None else None)
        # people leaving their homes: "1,300 residents had left villages along the line"
        for v in chain:
            if _lemma(v) in _LEX.leave_verbs and any(
                c.dep_ == "dobj" and _lemma(c) in _LEX.home_nouns for c in v.children
            ):
                return "displaced", None
            # people in need of shelter: "50,000 people needed shelter"
            if _lemma(v) in _LEX.need_verbs and any(
                c.dep_ == "dobj" and _cat(c, target) == "displaced" for c in v.children
            ):
                return "displaced", None
        # where the counted people are: "4,000 people are living in shelters", "held in custody"
        for v in chain:
            for c in v.children:
                if c.dep_ == "prep" and c.lower_ in _WHERE_PREPS:
                    for w in c.children:
                        if w.dep_ == "pobj" and (cat := _cat(w, target)) in _WHERE_CATEGORIES:
                            return cat, None
        if target is None or anchor.dep_ == "pobj" or _lemma(verb) in _LEX.experience:
            level = _level(verb, anchor, core, target)
            if level is not None:
                return level
    # 6. other words before the counted noun ("protest-related incidents")
    if target is not None:
        for w in target.subtree:
            if w.i < target.i and w.i not in core and (cat := _cat(w, target)) and cat != "deployed":
                return cat, None
    # people under arms with no other event: "4,000 fighters in the valley" counts a force
    if target is not None and _lemma(target) in _LEX.armed:
        return "deployed", None
    # bare number that is subject of "were protesters": report the attribute
    if target is None:
        doc = n.doc
        for k in range(n.i + 1, min(len(doc), n.i + 5)):
            if doc[k].dep_ == "attr" and doc[k].pos_ in ("NOUN", "PROPN"):
                return "other", doc[k]
    return "other", None


def _phrase(head: Token, core: set[int]) -> tuple[int, int]:
    """Character span of a noun with its left modifiers, leaving out the number and determiners."""
    doc = head.doc
    inside = {head.i}
    start = head.i
    for k in range(head.i - 1, max(-1, head.i - 8), -1):
        t = doc[k]
        if t.i in core or t.head.i not in inside and not (t.head.i < head.i and t.head.i > t.i):
            break
        if t.dep_ in ("amod", "compound", "nmod", "npadvmod", "advmod") or (t.is_punct and t.text == "-"):
            inside.add(k)
            start = k
        else:
            break
    return doc[start].idx, head.idx + len(head.text)


def _is_not_count(n: Token, m: NumberMatch, target: Token | None, prev: Token | None) -> bool:
    """Ages, years, dates, labels, measurements and capacities (see the module docstring)."""
    if m.note in ("percent", "age", "date", "ordinal", "decade"):
        return True
    if m.value != int(m.value) and not m.currency and not _SCALED.search(m.text):
        return True  # "a magnitude 7.1 earthquake", "3.5 metres": counts are whole numbers

    if m.note == "year" and (target is None or n.ent_type_ == "DATE" or target.tag_ != "NNS"):
        return True
    if (
        prev is not None
        and (prev.lower_ in _LEX.labels or prev.text in ("#", "No."))
        and (target is None or target.i < n.i)
        and m.qualifier is None
    ):
        return True
    if m.kind == "words" and m.value == 1 and n.dep_ != "nummod":
        return True  # "one of them", "no one"
    after = n.doc[n.i + 1] if n.i + 1 < len(n.doc) else None
    is_unit = after is not None and (after.lower_ in _LEX.units or _lemma(after) in _LEX.units)
    if is_unit and after is not None and not (target is not None and target.i > after.i):
        return True
    if target is not None and _lemma(target) in _LEX.units:
        return True
    if n.ent_type_ == "TIME" and (target is None or _lemma(target) not in _LEX.duration):
        return True
    # "minors under 18": a bound on age, the number counts nothing
    # "anyone under 18": the bound word governs the number as a preposition ("Over 20 were killed"
    # has it as a quantity modifier of a counted subject instead)
    qual = (m.qualifier_text or "").lower()
    bound = target is None and qual in _LEX.age_bound and m.value <= 21 and n.dep_ == "pobj"
    if bound and n.head.lower_ in _LEX.age_bound:
        return True
    if target is None and m.value < 120 and _age_of_person(n):
        return True
    # "Ahmed Karimi, 23, was arrested": an age in apposition
    appos = target is None and m.value < 120 and n.dep_ in ("appos", "npadvmod", "amod")
    return appos and prev is not None and prev.text == "," and n.head.ent_type_ == "PERSON"


_ONE_PERSON = frozenset({"he", "she", "i", "you"})


def _age_of_person(n: Token) -> bool:
    """A bare number predicated of one person ("she was 17") is an age: the subject of the copula
    is a singular personal pronoun or a person's name."""
    if n.dep_ not in ("attr", "acomp") or _lemma(n.head) != "be":
        return False
    subj = next((c for c in n.head.children if c.dep_ == "nsubj"), None)
    return subj is not None and (subj.lower_ in _ONE_PERSON or subj.ent_type_ == "PERSON")


def _number_token(doc: Doc, m: NumberMatch) -> tuple[Token, set[int]] | None:
    span = doc.char_span(m.num_start, m.num_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    core = {t.i for t in span}
    heads = [t for t in span if t.head.i not in core or t.head.i == t.i]
    return (heads[-1] if heads else span[-1]), core


def _target(n: Token, core: set[int]) -> Token | None:
    """The counted noun: the head of a nummod, or the object of a partitive "27 of the cities"."""
    if (
        n.dep_ in ("nummod", "quantmod", "compound", "amod")
        and n.head.pos_ in ("NOUN", "PROPN")
        and n.head.i not in core
    ):
        return n.head
    for c in n.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ == "pobj" and g.pos_ in ("NOUN", "PROPN"):
                    return g
    return None


def _part_cue(text: str, sent: Span, m: NumberMatch) -> str | None:
    """'opener' if the sentence opens with a breakdown cue, 'inline' if one precedes `m`."""
    head = text[sent.start_char : sent.start_char + 40].lower().lstrip(" \"'“")
    if any(head.startswith(c) for c in _LEX.part_openers):
        return "opener"
    before = text[max(sent.start_char, m.start - 24) : m.start].lower()
    after = text[m.end : m.end + 12].lower()
    if any(before.rstrip(" ,:").endswith(c) for c in _LEX.part_inline) or after.startswith(" of them"):
        return "inline"
    return None


def extract_figures(doc: Doc) -> list[FigureMention]:
    """Every number in `doc` that counts something, in text order."""
    out: list[FigureMention] = []
    cues: list[str | None] = []
    sents = list(doc.sents)  # Token.sent walks the Doc each time: look sentences up by index
    starts = [s.start for s in sents]
    text = doc.text  # Doc.text joins every token on each access
    for m in find_numbers(text):
        got = _number_token(doc, m)
        if got is None:
            continue
        n, core = got
        qual_span = doc.char_span(m.start, m.num_start, alignment_mode="expand")
        if qual_span is not None:
            core |= {t.i for t in qual_span}
        target = _target(n, core)
        first = min(core)
        prev = doc[first - 1] if first > 0 else None
        if _is_not_count(n, m, target, prev):
            continue
        what_tok: Token | None = None
        if m.currency:
            category = "money"
            core_text = text[m.num_start : m.num_end]
            k = core_text.find(m.currency)
            ws = m.num_start + max(k, 0)
            we = ws + len(m.currency) if k >= 0 else m.num_end
            what = text[ws:we]
            out.append(_mention(m, _sent(sents, starts, n), category, what, ws, we))
            cues.append(None)
            continue
        if target is not None and _lemma(target) in _LEX.money:
            category = "money"
        elif target is not None and _lemma(target) in _LEX.duration:
            category = "duration"
        elif target is not None and _lemma(target) in _LEX.locations:
            total = target.i == n.head.i and any(c.lower_ == "all" or c.dep_ == "poss" for c in target.children)
            category = "other" if total else "locations"
        else:
            category, what_tok = _classify(n, target, core)
        noun = target or what_tok
        if noun is not None:
            ws, we = _phrase(noun, core)
            if category == "under_investigation" and target is not None:
                inv = _under_investigation([target])
                if inv is not None:
                    we = max(we, inv.right_edge.idx + len(inv.right_edge.text))
                    ws = min(ws, target.idx)
        else:
            ws, we = n.idx, n.idx + len(n.text)
            for c in n.children:
                if c.dep_ in _MOD_DEPS and c.i not in core and c.i > n.i:
                    ws, we = c.idx, c.idx + len(c.text)
                    break
        if category in _PEOPLE_CATEGORIES and _prevented(n):
            category = "other"
        sent = _sent(sents, starts, n)
        mention = _mention(m, sent, category, text[ws:we], ws, we)
        if category in _PEOPLE_CATEGORIES and _THOUSANDS_DOT.match(text[m.num_start : m.num_end]):
            mention = _as_thousands(mention)
        out.append(mention)
        cues.append(_part_cue(text, sent, m))
    return _earlier_levels(doc.text, _link_parts(out, cues))


# "26.000 people": a count of people is a whole number, so a dot before exactly three digits
# is a thousands separator (as in German, Spanish, Turkish or Indonesian copy), not a decimal.
_THOUSANDS_DOT = re.compile(r"^\d{1,3}\.\d{3}$")


def _as_thousands(f: FigureMention) -> FigureMention:
    scale = 1000.0

    def up(v: float | None) -> float | None:
        return None if v is None else v * scale

    return replace(f, value=f.value * scale, low=up(f.low), high=up(f.high))


def _prevented(n: Token) -> bool:
    """The number counts an event that was called off or averted (data/figure_categories.yaml)."""
    tok = n
    for _ in range(4):
        if tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.pos_ == "VERB" and tok.lemma_.lower() in _LEX.prevented:
            return True
    return False


def _sent(sents: list[Span], starts: list[int], n: Token) -> Span:
    return sents[bisect_right(starts, n.i) - 1]


def _mention(m: NumberMatch, sent: Span, category: str, what: str, ws: int, we: int) -> FigureMention:
    return FigureMention(
        start=m.start, end=m.end, value=m.value, low=m.low, high=m.high, qualifier=m.qualifier,
        category=category, what=what, what_start=ws, what_end=we,
        sentence_start=sent.start_char, sentence_end=sent.end_char,
    )  # fmt: skip


_EARLIER = re.compile(r"\b(?:up|down|rising|falling|risen|fallen|compared|against)\s+(?:from|with|to)\s+$", re.I)


def _earlier_levels(text: str, figs: list[FigureMention]) -> list[FigureMention]:
    """ "310 arrested, up from 120": the earlier level counts the same thing as the figure it
    is compared with, earlier in the sentence."""
    out = list(figs)
    for i, f in enumerate(out):
        if f.category != "other" or not _EARLIER.search(text[max(0, f.start - 20) : f.start]):
            continue
        before = [g for g in out[:i] if g.sentence_start == f.sentence_start and g.category != "other"]
        if before:
            g = before[-1]
            out[i] = replace(f, category=g.category, what=g.what, what_start=g.what_start, what_end=g.what_end)
    return out


def _link_parts(figs: list[FigureMention], cues: list[str | None]) -> list[FigureMention]:
    """Point breakdown figures at the total they break down; parts inherit its category."""
    out = list(figs)
    for i, (f, cue) in enumerate(zip(figs, cues, strict=True)):
        if cue is None:
            continue
        total: int | None = None
        for j in range(i - 1, -1, -1):
            g = out[j]
            if cue == "opener" and g.sentence_start == f.sentence_start:
                continue
            if cues[j] is not None and g.sentence_start == f.sentence_start:
                continue
            if cue == "inline" and g.sentence_start != f.sentence_start:
                break
            if g.category in _PEOPLE_CATEGORIES or (g.category == "other" and g.value > f.value):
                total = j
                break
            if cue == "opener" and g.sentence_end < f.sentence_start - 400:
                break
        if total is None or out[total].value < f.value:
            continue
        category = f.category
        if category == "other" and out[total].category in _PEOPLE_CATEGORIES:
            category = out[total].category
        out[i] = replace(f, part_of_index=total, category=category)
    return out
