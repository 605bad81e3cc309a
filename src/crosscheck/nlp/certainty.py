"""Certainty and polarity of a claim's content, and statements about silence.

Certainty is the source's commitment (DESIGN.md, "Meanings"): a hedge counts only when it sits
in the clause of the content's main assertion, so "may" inside a relative clause does not hedge
the claim. Levels, weakest commitment last: certain < probable < possible < unknown; a claim
takes the weakest level found. Word lists and patterns live in `data/hedges.yaml`.
"""

from __future__ import annotations

import re
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
    )


def weakest(*levels: str) -> str:
    """The weakest commitment among certainty levels."""
    return max(levels, key=lambda lvl: _RANK.get(lvl, 0), default="certain")


def _roots(span: Span) -> list[Token]:
    lo, hi = span.start, span.end
    return [t for t in span if t.head.i == t.i or not lo <= t.head.i < hi]


def _main_clause(span: Span) -> list[Token]:
    """Tokens of the content that belong to the clause of its main predicate(s)."""
    lo, hi = span.start, span.end
    out: list[Token] = []
    stack = _roots(span)
    while stack:
        tok = stack.pop()
        out.append(tok)
        for child in tok.children:
            if lo <= child.i < hi and child.dep_ not in _CLAUSE_BREAK:
                stack.append(child)
    return out


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
    for tok in clause:
        low = tok.lower_
        lvl = lex.words.get(low)
        if lvl is not None and (
            (low in lex.negatable and any(c.dep_ == "neg" for c in tok.head.children))
            or (tok.dep_ == "amod" and low in {"likely", "unlikely"})
        ):
            lvl = None
        if lvl is None and tok.pos_ == "VERB" and tok.lemma_.lower() in lex.passive and _is_passive(tok):
            lvl = lex.passive[tok.lemma_.lower()]
        if lvl is not None:
            level = weakest(level, lvl)
            hedges.append(tok.text)
        # negation of the main verb, or of an auxiliary chain it heads
        if (
            tok.pos_ in {"VERB", "AUX", "ADJ", "NOUN"}
            and _negated(tok, lex)
            and tok.dep_ not in {"amod"}
            and (tok in roots or (tok.dep_ == "xcomp" and tok.head in roots))
        ):
            negative = True
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
