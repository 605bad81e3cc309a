"""Where a reporting cue's speaker and content are in the parse of one sentence.

`subject_of` finds a cue verb's speaker; `content_of` what it reports: its clausal complement,
an indirect question, the clause a comment clause ("as X noted") comments on, a direct object
for cues that take one, a that-clause the parse hung elsewhere, or the rest of the sentence
around a parenthetical cue. `according_scope` bounds an "according to" phrase to its clause.
Used by `nlp.attribution`.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

__all__ = [
    "according_scope",
    "anonymity_tail",
    "content_of",
    "is_number",
    "passive_without_agent",
    "subject_of",
]


def subject_of(verb: Token, depth: int = 0) -> Token | None:
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c
    for c in verb.children:
        if c.dep_ == "agent":
            return next((p for p in c.children if p.dep_ == "pobj"), None)
    if depth < 3 and verb.head.i != verb.i:
        if verb.dep_ == "conj" or (verb.dep_ in {"advcl", "xcomp"} and verb.tag_ == "VBG"):
            return subject_of(verb.head, depth + 1)
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in {"NOUN", "PROPN"}:
            return verb.head
    return None


def content_of(verb: Token, info: dict[str, Any], unit: Span) -> set[int] | None:
    lo, hi = unit.start, unit.end
    for c in verb.children:
        if c.dep_ in {"ccomp", "xcomp"} and lo <= c.i < hi:
            return {t.i for t in c.subtree}
    # an indirect question: "asked workers if they planned to attend" (if/whether clause)
    for c in verb.children:
        if (
            c.dep_ == "advcl"
            and lo <= c.i < hi
            and any(m.dep_ == "mark" and m.lower_ in {"if", "whether"} for m in c.children)
        ):
            return {t.i for t in c.subtree}
    # a comment clause: "As the Times noted, Clinton raised ..." reports the clause it comments on
    if (
        verb.dep_ == "advcl"
        and lo <= verb.head.i < hi
        and any(m.dep_ == "mark" and m.lower_ == "as" for m in verb.children)
        and all(_bare_comment_child(c) for c in verb.children)
    ):
        return {t.i for t in verb.head.subtree} - {t.i for t in verb.subtree}
    if info.get("object"):
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None:
            toks = {t.i for t in obj.subtree}
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in {"as", "at", "of", "to"} and c.i > obj.i:
                    toks |= {t.i for t in c.subtree}
            return toks
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in {"of", "about"}:
            return {t.i for t in c.subtree}
    if verb.head.i != verb.i and _parenthetical(verb, unit):
        own = {t.i for t in verb.subtree}
        return {i for i in range(lo, hi)} - own
    # "X said earlier on Friday during a news conference that he may wait": the parse hung the
    # that-clause on a word between; a complementiser "that" after the cue still opens its content
    for t in verb.subtree:
        if (
            t.dep_ == "mark"
            and t.lower_ == "that"
            and t.i > verb.i
            and lo <= t.head.i < hi
            and t.head.i != verb.i
            and t.head.dep_ in {"ccomp", "acl", "relcl", "advcl"}
            and not _reports_between(verb, t)
        ):
            return {x.i for x in t.head.subtree}
    return None


def _bare_comment_child(child: Token) -> bool:
    """A word a comment clause may hold besides its cue ("as the Times noted on Monday"); one
    that gives the verb content of its own ("as police respond with force") is not."""
    if child.dep_ in {"nsubj", "nsubjpass", "mark", "punct", "aux", "auxpass", "advmod", "npadvmod", "agent"}:
        return True
    return child.dep_ == "prep" and any(p.ent_type_ in {"DATE", "TIME"} for p in child.children)


def _reports_between(verb: Token, mark: Token) -> bool:
    """True when another verb with its own subject stands between the cue and the "that"."""
    return any(
        t.pos_ == "VERB" and any(c.dep_ in {"nsubj", "nsubjpass"} for c in t.children)
        for t in verb.doc[verb.i + 1 : mark.i]
    )


def _parenthetical(verb: Token, unit: Span) -> bool:
    """ "..., the report added." / "Rescue teams, he said, have ...": a cue set off by commas."""
    dep = verb.dep_ if unit.start <= verb.head.i < unit.end else "parataxis"
    if dep not in {"parataxis", "ccomp", "conj", "advcl"}:
        return False
    inner = [t.i for t in verb.subtree if not t.is_punct and unit.start <= t.i < unit.end]
    left, right = min(inner), max(inner)
    doc = verb.doc
    before = doc[left - 1].text if left > unit.start else ""
    after = doc[right + 1].text if right + 1 < unit.end else "."
    if dep in {"parataxis", "ccomp"}:
        return before in {",", "\u201d", '"', "\u2014", "--"} and after in {",", ".", "!", "?", ":", ";"}
    if any(c.dep_ == "mark" for c in verb.children):
        return False
    return before == "," and after in {",", ".", "!", "?"} and right - left <= 8


def passive_without_agent(verb: Token) -> bool:
    kids = {c.dep_ for c in verb.children}
    return bool(kids & {"auxpass", "nsubjpass"}) and "agent" not in kids


def anonymity_tail(verb: Token, subj_end: int) -> int | None:
    """End of ", speaking on condition of anonymity," between the subject and its verb."""
    for c in verb.children:
        if c.dep_ == "advcl" and subj_end <= c.i < verb.i:
            words = {t.lower_ for t in c.subtree}
            if words & {"anonymity", "anonymously", "condition"}:
                return c.right_edge.i + 1
    return None


def is_number(tok: Token) -> bool:
    """A number is never a source: "5,137 were counted, the monitor said" has no speaker "5,137"."""
    return tok.like_num or tok.pos_ == "NUM"


# Clauses joined to the one "according to" sits in, each with a subject of its own: "X rose,
# according to A, while B said Y" gives A only "X rose" (the clause the phrase modifies).
_JOINED = frozenset({"conj", "advcl", "parataxis"})


def according_scope(according: Token, unit: Span) -> set[int]:
    """The tokens of the clause an "according to" phrase modifies, without joined clauses
    that have their own subject; the whole sentence when it hangs on no verb."""
    whole = set(range(unit.start, unit.end))
    head = according.head
    if head.i == according.i or not unit.start <= head.i < unit.end or head.pos_ not in {"VERB", "AUX"}:
        return whole
    scope = {t.i for t in head.subtree} & whole
    for c in head.children:
        own = {t.i for t in c.subtree}
        if c.dep_ in _JOINED and according.i not in own and any(k.dep_ in {"nsubj", "nsubjpass"} for k in c.children):
            scope -= own
    if head.dep_ != "ROOT" and head.head.i != head.i:
        return scope  # "according to" inside a subordinate clause speaks for that clause only
    return scope | (whole - {t.i for t in head.subtree})  # tokens the parse hung outside the root
