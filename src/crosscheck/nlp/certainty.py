"""Certainty and polarity of a claim's content, and statements about silence.

Certainty is the source's commitment (DESIGN.md, "Meanings"). A hedge word counts anywhere in
the claim's scope: the content with its adverbial and complement clauses ("after allegedly
killing", "said troops may have crossed"), but not a relative clause or apposition that
describes a participant ("the minister, who may resign, opened the bridge"). Negation and
conditions are read on the main clause only. An unsupported attribution (Wikipedia's "words to
watch": "some say", "many believe", "it is believed", "considered by some") lowers the claim to
`probable` whether it is inside the content or is the verb reporting it. Levels, weakest
commitment last: certain < probable < possible < unknown; a claim takes the weakest level
found. Word lists and patterns live in `data/hedges.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Span, Token

__all__ = [
    "Assessment",
    "LEVELS",
    "assess",
    "hedge_cues",
    "no_comment_subject",
    "weakest",
]

LEVELS = ("certain", "probable", "possible", "unknown")
_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
_DATA = Path(__file__).resolve().parent.parent / "data" / "hedges.yaml"
# dependencies that open a clause of their own: hedges below them are not the main assertion's
_CLAUSE_BREAK = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "csubj", "csubjpass", "pcomp", "appos", "parataxis", "prep"}
)
_SUBJ = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
_MODALS = frozenset({"may", "might", "could", "can", "would", "should", "must"})
# dependencies whose subtree describes a participant, not the claim: outside a hedge's scope
_DESCRIBES = frozenset({"relcl", "appos"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    """What certainty.py read from a content span."""

    certainty: str = "certain"
    polarity: str = "positive"
    question: bool = False
    reaction: bool = False  # the content is a reaction to a fact ("not surprised that ..."): an opinion
    hedges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Lexicon:
    words: dict[str, str]
    negatable: frozenset[str]
    passive: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    conditional: frozenset[str]
    negators: frozenset[str]
    not_negating: tuple[str, ...]
    counter: re.Pattern[str]
    privative: re.Pattern[str]
    no_comment: re.Pattern[str]
    weasel: re.Pattern[str]
    reactions: frozenset[str]
    root_modals: frozenset[str]
    vague_amounts: frozenset[str]
    frequency_nouns: frozenset[str]
    vague_heads: frozenset[str]
    vague_quantifiers: frozenset[str]
    opinion_verbs: frozenset[str]


def _alt(items: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in items) + r")\b")


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The hedge lexicon from data/hedges.yaml (read once)."""
    raw: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    words = {w: lvl for lvl, ws in raw["words"].items() for w in ws}
    passive = {w: lvl for lvl, ws in raw["passive"].items() for w in ws}
    patterns = tuple((re.compile(r"\b(?:" + p + r")\b"), lvl) for lvl, ps in raw["patterns"].items() for p in ps)
    return _Lexicon(
        words=words,
        negatable=frozenset(raw["negatable_modals"]),
        passive=passive,
        patterns=patterns,
        conditional=frozenset(raw["conditional_marks"]),
        negators=frozenset(raw["negators"]),
        not_negating=tuple(raw.get("not_negating", [])),
        counter=_alt(raw["counter_claims"]),
        privative=_alt(raw.get("privative", ["(?!x)x"])),
        no_comment=_alt(raw["no_comment"]),
        weasel=_alt(raw["weasel"]),
        reactions=frozenset(raw.get("reactions", [])),
        root_modals=frozenset(raw["root_modals"]),
        vague_amounts=frozenset(raw["vague_quantities"]["words"]),
        frequency_nouns=frozenset(raw["vague_quantities"]["not_after"]),
        vague_heads=frozenset(raw["unsupported_attribution"]["heads"]),
        vague_quantifiers=frozenset(raw["unsupported_attribution"]["quantifiers"]),
        opinion_verbs=frozenset(raw["unsupported_attribution"]["verbs"]),
    )


def weakest(*levels: str) -> str:
    """The weakest commitment among certainty levels."""
    return max(levels, key=lambda lvl: _RANK.get(lvl, 0), default="certain")


def _roots(span: Span) -> list[Token]:
    lo, hi = span.start, span.end
    return [t for t in span if t.head.i == t.i or not lo <= t.head.i < hi]


def _main_clause(span: Span) -> list[Token]:
    """Tokens of the content that belong to the clause of its main predicate(s)."""
    return _below_roots(span, _CLAUSE_BREAK)


def _scope(span: Span) -> list[Token]:
    """Tokens of the content a hedge word can sit in: all but relative clauses and appositions."""
    return _below_roots(span, _DESCRIBES)


def _below_roots(span: Span, stop: Collection[str]) -> list[Token]:
    """The content's roots and the tokens under them, not descending through `stop` relations."""
    lo, hi = span.start, span.end
    out: list[Token] = []
    stack = _roots(span)
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if lo <= c.i < hi and c.dep_ not in stop)
    return out


def _vague(np: Token, lex: _Lexicon) -> bool:
    """A noun phrase that names no one: "some", "many people", "critics", "several scholars"."""
    named = [np, *(c for c in np.children if c.i < np.i)]
    if any(t.pos_ == "PROPN" or t.ent_type_ in {"ORG", "PERSON", "NORP", "GPE"} for t in named):
        return False
    if np.lower_ in lex.vague_quantifiers and np.pos_ in {"PRON", "DET", "ADJ", "NOUN"}:
        return True  # "some say", "many believe"
    quantified = any(c.dep_ in {"det", "amod", "nummod"} and c.lower_ in lex.vague_quantifiers for c in np.children)
    head = np.lower_ in lex.vague_heads or np.lemma_.lower() in lex.vague_heads
    return head and (quantified or not any(c.dep_ == "det" for c in np.children))


_GENERIC_DETS = frozenset({"a", "an", "any", "each", "every", "certain"})


def _root_possibility(modal: Token) -> bool:
    """ "may"/"can"/"could" of what a kind of thing can do ("patients may fly into rages", "a
    potential may refer to"): a generic subject (a bare plural, "a"/"any" + noun, "one", "you")
    and a simple verb. A perfect or progressive ("may have died", "may be fleeing") is epistemic."""
    verb = modal.head
    perfect = any(c.dep_ == "aux" and c.lower_ in {"have", "been"} for c in verb.children)
    progressive = verb.tag_ == "VBG"
    if perfect or progressive:
        return False
    subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subj is None:
        return False
    if subj.lower_ in {"one", "you"}:  # the generic pronouns
        return True
    if subj.pos_ != "NOUN" or any(t.ent_type_ for t in subj.subtree):
        return False
    dets = [c for c in subj.children if c.dep_ in {"det", "poss", "nummod"}]
    if not dets:
        return True  # a bare plural or a mass noun: "patients", "uneven pressure"
    return all(d.lower_ in _GENERIC_DETS for d in dets)


def _vague_quantity(tok: Token, lex: _Lexicon) -> bool:
    """A vague quantity standing for unnamed members of a group ("some argue", "many of the
    residents", "others"), not "some 300" (a qualified number) or "for many years" (frequency)."""
    if tok.lower_ not in lex.vague_amounts:
        return False
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.like_num:
        return False
    if tok.dep_ in {"det", "amod"} and tok.head.lemma_.lower() in lex.frequency_nouns:
        return False
    return tok.dep_ in {"det", "amod", "nsubj", "nsubjpass", "dobj", "pobj", "attr"}


def _unsupported(verb: Token, lex: _Lexicon) -> bool:
    """A verb of saying or believing whose holder is vague or left out: "some argue", "it is
    believed", "regarded by many as"."""
    if verb.lemma_.lower() not in lex.opinion_verbs:
        return False
    for c in verb.children:
        if c.dep_ == "nsubj" and _vague(c, lex):
            return True
        if c.dep_ == "agent" and any(g.dep_ == "pobj" and _vague(g, lex) for g in c.children):
            return True
    return False


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in tok.children) and not any(
        c.dep_ == "agent" for c in tok.children
    )


def _negated(tok: Token, lex: _Lexicon) -> bool:
    for c in tok.children:
        if c.dep_ == "neg":
            if c.doc.text[c.idx : c.idx + 40].lower().startswith(lex.not_negating):
                continue
            return True
        if c.dep_ in {"nsubj", "nsubjpass", "dobj", "attr"}:
            if c.lower_ in lex.negators and c.lower_ not in {"not", "without"}:
                return True
            if any(d.dep_ == "det" and d.lower_ in {"no", "neither"} for d in c.children):
                return True
    return False


def assess(content: Span, *, cue_certainty: str | None = None, cue_negative: bool = False) -> Assessment:
    """Certainty and polarity of `content`, given what the reporting cue already says."""
    lex = lexicon()
    clause = _main_clause(content)
    level = cue_certainty or "certain"
    hedges: list[str] = []
    roots = _roots(content)
    heads = roots + [
        c for r in roots for c in r.children if c.dep_ in {"acomp", "attr", "oprd"}
    ]  # "was (not) surprised"
    reaction = any(t.lemma_.lower() in lex.reactions or t.lower_ in lex.reactions for t in heads)
    negative = False
    in_clause = {t.i for t in clause}
    for tok in _scope(content):
        low = tok.lower_
        lvl = lex.words.get(low)
        if lvl is not None and low in _MODALS and tok.tag_ != "MD":
            lvl = None  # "in May", "the Might of ...": a modal hedges only as a modal
        if lvl is not None and (
            (low in lex.negatable and any(c.dep_ == "neg" for c in tok.head.children))
            or (low in lex.root_modals and _root_possibility(tok))
            or (tok.dep_ == "amod" and low in {"likely", "unlikely"})
        ):
            lvl = None
        if lvl is None and tok.pos_ == "VERB" and tok.lemma_.lower() in lex.passive and _is_passive(tok):
            lvl = lex.passive[tok.lemma_.lower()]
        if lvl is None and tok.pos_ in {"VERB", "AUX"} and _unsupported(tok, lex):
            lvl = "probable"
        if lvl is None and _vague_quantity(tok, lex):
            lvl = "probable"
        if lvl is not None:
            level = weakest(level, lvl)
            hedges.append(tok.text)
        if tok.i not in in_clause:
            continue
        # negation of the main verb, or of an auxiliary chain it heads
        if (
            tok.pos_ in {"VERB", "AUX", "ADJ", "NOUN"}
            and _negated(tok, lex)
            and tok.dep_ not in {"amod"}
            and (tok in roots or (tok.dep_ == "xcomp" and tok.head in roots))
        ):
            negative = True
    # the verb reporting the content, outside it: "some critics argue that ...", "it is believed that ..."
    for root in roots:
        gov = root.head
        if gov.i != root.i and not content.start <= gov.i < content.end and root.dep_ in {"ccomp", "xcomp", "oprd"}:
            passive = gov.lemma_.lower() in lex.passive and _is_passive(gov)
            if _unsupported(gov, lex) or passive:
                level = weakest(level, lex.passive.get(gov.lemma_.lower(), "probable") if passive else "probable")
                hedges.append(gov.text)
    # conditional clauses attached to the main predicate
    for root in roots:
        for c in root.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in lex.conditional for m in c.children):
                level = weakest(level, "unknown")
                hedges.append("if")
    # subject-level negators: "no foreign forces took part", "none of them ..."
    for root in roots:
        for c in root.children:
            if c.dep_ in _SUBJ and (
                c.lower_ in {"none", "nobody", "nothing", "neither"}
                or any(d.dep_ == "det" and d.lower_ in {"no", "neither"} for d in c.children)
            ):
                negative = True
    text = content.text.lower()
    for pat, lvl in lex.patterns:
        m = pat.search(text)
        if m:
            level = weakest(level, lvl)
            hedges.append(m.group(0))
            if lvl == "unknown":
                negative = False  # "could not be verified": the negation belongs to the hedge
    if lex.counter.search(text) or lex.privative.search(text):
        negative = True
    after = content.doc[content.end : content.end + 2]
    question = content.text.rstrip(" \"'\u201d\u2019)\n").endswith("?") or any(t.text == "?" for t in after)
    if question:
        level = "unknown"
    if reaction:
        negative = False  # "not surprised that X" does not deny X
    polarity = "negative" if negative != cue_negative else "positive"
    return Assessment(certainty=level, polarity=polarity, question=question, reaction=reaction, hedges=tuple(hedges))


def no_comment_subject(span: Span) -> Span | None:
    """When `span` says a party stays silent, the words naming that party; else None."""
    lex = lexicon()
    text = span.text.lower()
    m = lex.no_comment.search(text)
    if m is None:
        return None
    at = span.start_char + m.start()
    # the verb the silence pattern starts at, then its subject
    anchor = next((t for t in span if t.idx >= at), None)
    if anchor is None:
        return None
    tok: Token | None = anchor
    seen = 0
    while tok is not None and seen < 6:
        subj = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None:
            return span.doc[subj.left_edge.i : _np_end(subj) + 1]
        tok = tok.head if tok.head.i != tok.i else None
        seen += 1
    return None


def _np_end(head: Token) -> int:
    """Last token of a noun phrase, stopping before a comma-introduced addition."""
    end = head.i
    for t in head.subtree:
        if t.i > head.i and t.text == ",":
            break
        end = max(end, t.i)
    return end


def hedge_cues(span: Span) -> list[str]:
    """Every hedge or weasel expression in `span` (sentence-level uncertainty detector)."""
    lex = lexicon()
    text = span.text.lower()
    found = [m.group(0) for m in lex.weasel.finditer(text)]
    for tok in span:
        # modals hedge a claim, but alone they do not make a sentence vague about its source
        if lex.words.get(tok.lower_) == "probable":
            found.append(tok.text)
    found += [m.group(0) for pat, _ in lex.patterns if (m := pat.search(text))]
    return found
