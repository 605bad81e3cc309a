"""Attributed claims: who says what, through whom, how sure, denied or not.

`extract_claims` turns each sentence of a parsed document into claim mentions. A sentence with
a reporting cue (a verb from `data/cues.yaml` with a subject, or a phrase such as "according
to") gives a claim whose source is the cue's speaker; a sentence without one is the outlet's own
claim. Sources are resolved across sentences ("the report", "she", "It added that") to the
mention introduced before, and "citing ..." / "cited by" / nested reporting fill `via`.
A quote whose speaker is named before it ("X said:") or that runs on into the next sentence
keeps its speaker. Certainty and polarity come from `certainty.assess` on the content span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Span, Token

from crosscheck.nlp.certainty import assess, no_comment_subject
from crosscheck.nlp.clauses import (
    according_scope,
    anonymity_tail,
    content_of,
    is_number,
    passive_without_agent,
    subject_of,
)
from crosscheck.nlp.quotes import QuoteIndex, quote_before_unit, quote_beside, sentence_units

__all__ = ["ClaimMention", "SourceMention", "extract_claims", "resolved_source_text"]

_DATA = Path(__file__).resolve().parent.parent / "data" / "cues.yaml"
_ORIGINS = _DATA.with_name("origins.yaml")
_NAMED_ENTS = frozenset({"PERSON", "ORG", "GPE", "FAC", "NORP", "LOC"})
_PERSON_PRONOUNS = frozenset({"he", "she", "i", "him", "her"})
_PLURAL_PRONOUNS = frozenset({"they", "we", "them"})
_THING_PRONOUNS = frozenset({"it"})
# common nouns that, with "the", point back at a named organisation mentioned before
_EDGE_TRIM = frozenset({"that", "and", "but", "to", ":", ",", ";", "-", "--", "\u2014", "\u2013"})


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceMention:
    """The words naming a source, their kind, and the earlier mention they refer to."""

    text: str
    start: int | None
    end: int | None
    kind: str  # named | anonymous | outlet | document
    antecedent: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimMention:
    """One claim read from a sentence: its content span, source chain, cue and judgements."""

    sentence_start: int
    sentence_end: int
    content_start: int
    content_end: int
    source: SourceMention
    via: tuple[SourceMention, ...] = ()
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    quote: str = "none"  # direct | indirect | none
    certainty: str = "certain"
    polarity: str = "positive"
    kind: str = "assertion"  # assertion | no_comment | question | opinion | background
    denial: bool = False  # the cue says the content is not so ("denied that ...")


@dataclass(frozen=True, slots=True)
class _Cues:
    verbs: dict[str, dict[str, Any]]
    via: frozenset[str]
    anonymous: frozenset[str]
    institutions: frozenset[str]
    documents: frozenset[str]
    records: frozenset[str]
    not_sources: frozenset[str]
    back_nouns: frozenset[str]


@lru_cache(maxsize=1)
def cue_lexicon() -> _Cues:
    """The cue lexicon from data/cues.yaml (read once)."""
    raw: dict[str, Any] = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    return _Cues(
        verbs={k: (v or {}) for k, v in raw["verbs"].items()},
        via=frozenset(w.split()[0] for w in raw["via"]),
        anonymous=frozenset(raw["anonymous_heads"]),
        institutions=frozenset(raw["institution_heads"]),
        documents=frozenset(raw["document_heads"]),
        records=frozenset(raw.get("record_heads", [])),
        not_sources=frozenset(raw.get("according_to_not_sources", [])),
        back_nouns=frozenset(raw.get("back_nouns", [])),
    )


@lru_cache(maxsize=1)
def _republication() -> re.Pattern[str]:
    """A republication notice and the name of the first publisher (data/origins.yaml)."""
    raw: dict[str, Any] = yaml.safe_load(_ORIGINS.read_text(encoding="utf-8"))
    phrases = sorted((str(p) for p in raw.get("republication_phrases", [])), key=len, reverse=True)
    words = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    name = r"(?:[Tt]he\s+)?((?:[A-Z][\w'&.\-]*|of|for|and|on)(?:\s+(?:[A-Z][\w'&.\-]*|of|for|and|on))*)"
    return re.compile(rf"(?i:\b(?:{words}))\s+{name}")


def republished_origin(doc: Doc) -> SourceMention | None:
    """The first publisher a republication notice names ("This report was first published by
    the Valley Rights Monitor."), as a named source pointing at its words; None without one."""
    for found in _republication().finditer(doc.text):
        start, end = found.span(1)
        words = doc.text[start:end].rstrip(".,;:").split()
        while words and not words[-1][:1].isupper():
            words.pop()  # "by the Valley Rights Monitor on Monday": the name ends at its last capital
        end = start + len(" ".join(words)) if words else start
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is not None and any(t.is_alpha and t.text[0].isupper() for t in span):
            return SourceMention(text=span.text, start=span.start_char, end=span.end_char, kind="named")
    return None


def resolved_source_text(source: SourceMention, text: str) -> str:
    """The source's own words, or those of its antecedent when it has one ("she" -> "his mother")."""
    if source.antecedent is not None:
        return text[source.antecedent[0] : source.antecedent[1]]
    return source.text


@dataclass(slots=True)
class _Seen:
    mention: SourceMention
    root: tuple[int, int]
    head: str
    person: bool
    plural: bool
    pos: int


@dataclass(slots=True)
class _Found:
    cue: Token | None
    cue_span: tuple[int, int]  # token range of the cue words
    source: SourceMention
    source_toks: set[int]
    content: set[int]
    via: list[SourceMention] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    colon: bool = False


# ---------------------------------------------------------------- source phrases


def _np_range(head: Token, lo: int, hi: int, stop: int | None = None) -> tuple[int, int]:
    """Token range of the noun phrase headed by `head`, cut before a comma-set addition."""
    start = max(head.left_edge.i, lo)
    end = head.i
    for t in head.subtree:
        if t.i <= head.i:
            continue
        if t.text in {",", "(", ";", "\u2014", "\u2013", "--"} or t.i >= hi or t.i == stop:
            break
        end = t.i
    doc = head.doc
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > head.i and (doc[end].is_punct or doc[end].is_space):
        end -= 1
    return start, end + 1


def _as_referent(prior: _Seen | None) -> str:
    """Kind of a pronoun or description that points back at `prior`."""
    if prior is None:
        return "anonymous"
    return "named" if prior.mention.kind in {"named", "document"} else prior.mention.kind


def _is_named(tok: Token, lex: _Cues) -> bool:
    if tok.tag_ in {"NNP", "NNPS"}:
        return True
    if tok.ent_type_ in _NAMED_ENTS and tok.ent_type_ != "NORP":
        return True
    if tok.lemma_.lower() in lex.institutions:
        return any(
            (c.tag_ in {"NNP", "NNPS"} or c.ent_type_ in {"GPE", "NORP", "ORG"})
            and c.dep_ in {"compound", "amod", "poss", "nmod"}
            for c in tok.children
        )
    return False


def _author(head: Token, lex: _Cues) -> Token | None:
    """The named author of a document noun: "a report by X", "X's statement", "the X report"."""
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in {"by", "from", "of"}:
            for p in c.children:
                if p.dep_ == "pobj" and _is_named(p, lex):
                    return p
        if c.dep_ in {"poss", "compound"} and _is_named(c, lex):
            return c
    return None


def _last_org_before(doc: Doc, owner: Token | None, noun: str | None = None) -> tuple[int, int] | None:
    """The char span of the last organisation named before `owner` ("its", "the ministry"):
    with a `noun`, the last whose name holds it ("the ministry" -> "the Interior Ministry"), or,
    for a noun that any body may be called by (`_ANY_BODY`), simply the last one."""
    if owner is None:
        return None
    orgs = [e for e in doc.ents if e.label_ == "ORG" and e.end <= owner.i]
    if noun is not None:
        named = [e for e in orgs if noun in e.text.lower()]
        orgs = named or (orgs if noun in _ANY_BODY else [])
    return (orgs[-1].start_char, orgs[-1].end_char) if orgs else None


# Nouns that can stand for any organisation named before, whatever its name.
_ANY_BODY = frozenset({"group", "organisation", "organization", "body", "agency", "mission", "monitor", "watchdog"})


def _apposed_name(doc: Doc, end: int, hi: int) -> tuple[int, int] | None:
    """The char span of a person or organisation named right after a source phrase and a comma
    ("the town's mayor, Anton Rusev"), when that name closes the clause."""
    if end + 1 >= hi or doc[end].text != ",":
        return None
    ent = next((e for e in doc.ents if e.start == end + 1 and e.label_ in {"PERSON", "ORG"}), None)
    if ent is None or (ent.end < hi and doc[ent.end].text not in {",", ".", ";", ")"} and not doc[ent.end].is_space):
        return None
    return ent.start_char, ent.end_char


class _Sources:
    """Builds source mentions and remembers them for later back-references."""

    def __init__(self, doc: Doc, lex: _Cues, blocked: frozenset[int] = frozenset()) -> None:
        self.doc = doc
        self.lex = lex
        self.seen: list[_Seen] = []
        self.blocked = blocked  # tokens of structure lines: never a source, never content

    def mention(
        self, head: Token, lo: int, hi: int, extend_to: int | None = None, stop: int | None = None
    ) -> tuple[SourceMention, set[int]]:
        """A source mention for the phrase headed by `head`, resolved against earlier ones."""
        doc, lex = self.doc, self.lex
        start, end = _np_range(head, lo, hi, stop)
        if extend_to is not None and extend_to > end:
            end = extend_to
        toks = set(range(start, end))
        words = doc[start:end]
        low = head.lower_
        lemma = head.lemma_.lower()
        antecedent: tuple[int, int] | None = None
        person = (
            head.ent_type_ == "PERSON"
            or lemma in lex.anonymous
            or (
                head.tag_ == "NNP"
                and head.ent_type_ not in {"ORG", "GPE", "NORP", "FAC", "LOC"}
                and any(c.dep_ == "compound" and c.tag_ == "NNP" for c in head.children)
            )
            or (
                head.tag_ == "NNP"
                and any(c.dep_ == "appos" and c.lemma_.lower() in lex.anonymous for c in head.children)
            )
        )
        plural = head.tag_ in {"NNS", "NNPS"}
        if head.pos_ == "PRON" or low in _PERSON_PRONOUNS | _PLURAL_PRONOUNS | _THING_PRONOUNS:
            prior = self._pronoun(low, head.idx)
            kind = _as_referent(prior)
            antecedent = prior.root if prior else None
            person = low in _PERSON_PRONOUNS
            plural = low in _PLURAL_PRONOUNS
        elif lemma in lex.documents:
            author = _author(head, lex)
            owner = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in {"its", "their"}), None)
            prior_owner = (
                self._pronoun("it" if owner is not None and owner.lower_ == "its" else "they", head.idx)
                if owner is not None
                else None
            )
            owner_span = prior_owner.root if prior_owner is not None else _last_org_before(doc, owner)
            if author is None and owner_span is not None:
                kind = "document"  # "according to its weekly report": the body named before
                antecedent = owner_span
            elif author is not None:
                a0, a1 = _np_range(author, start, end)
                antecedent = (doc[a0].idx, doc[a1 - 1].idx + len(doc[a1 - 1]))
                kind = "document"
            else:
                prior = self._definite(head, documents=True)
                kind = "document" if prior else "anonymous"
                antecedent = prior.root if prior else None
        elif _is_named(head, lex):
            kind = "named"
        elif (
            name := next(
                (c for c in head.children if c.dep_ in {"appos", "compound"} and c.i > head.i and _is_named(c, lex)),
                None,
            )
        ) is not None:
            kind = "named"  # "the Paris-based broadcaster France 24"
            a0, a1 = _np_range(name, start, end)
            antecedent = (doc[a0].idx, doc[a1 - 1].idx + len(doc[a1 - 1]))
        else:
            prior = self._definite(head, documents=False)
            kind = _as_referent(prior)
            antecedent = prior.root if prior else None
            if prior is None and lemma in lex.back_nouns and any(c.lower_ == "the" for c in head.children):
                org = _last_org_before(doc, head, lemma)  # "the mission said": the organisation named before
                if org is not None:
                    kind, antecedent = "named", org
        if kind != "named":
            apposed = _apposed_name(doc, end, hi)
            if apposed is not None:  # "the town's mayor, Anton Rusev": the parse often misses it
                kind, antecedent = "named", apposed
        mention = SourceMention(
            text=words.text, start=words.start_char, end=words.end_char, kind=kind, antecedent=antecedent
        )
        root = antecedent or (words.start_char, words.end_char)
        self.seen.append(_Seen(mention, root, lemma, person, plural, words.start_char))
        return mention, toks

    def note(self, unit: Span) -> None:
        """Remember the named subjects of a sentence: later pronouns may point at them."""
        for tok in unit:
            if tok.i in self.blocked:
                continue
            if tok.dep_ == "nsubj" and tok.pos_ == "PROPN" and _is_named(tok, self.lex):
                a, b = _np_range(tok, unit.start, unit.end)
                words = self.doc[a:b]
                m = SourceMention(text=words.text, start=words.start_char, end=words.end_char, kind="named")
                person = tok.ent_type_ == "PERSON"
                self.seen.append(
                    _Seen(m, (m.start or 0, m.end or 0), tok.lemma_.lower(), person, False, words.start_char)
                )

    def _pronoun(self, low: str, at: int) -> _Seen | None:
        recent = sorted((s for s in self.seen[-16:] if s.pos < at), key=lambda s: s.pos)
        if low in _THING_PRONOUNS | _PLURAL_PRONOUNS:
            # organisations speak as "it"/"they": prefer a named one nearby
            named = [s for s in recent[-4:] if s.mention.kind in {"named", "document"} and not s.person]
            if named:
                return named[-1]
        for s in reversed(recent):
            if s.mention.kind == "outlet":
                continue
            if low in _PERSON_PRONOUNS and s.person and not s.plural:
                return s
            if low in _PLURAL_PRONOUNS and (s.plural or (s.mention.kind == "named" and not s.person)):
                return s
            if low in _THING_PRONOUNS and not s.person:
                return s
        return None

    def _definite(self, head: Token, *, documents: bool) -> _Seen | None:
        if not any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in head.children):
            return None
        lemma = head.lemma_.lower()
        for s in reversed(self.seen[-12:]):
            if s.mention.kind not in {"named", "document"}:
                continue
            if documents and (s.mention.kind == "document" or not s.person):
                return s
            if not documents and (s.head == lemma or (lemma in self.lex.back_nouns and not s.person)):
                return s
        return None


# ---------------------------------------------------------------- cues in one sentence


def _reporter_above(verb: Token, lex: _Cues) -> Token | None:
    """ "She said convoys were sent and rejected reports that ...": a subjectless cue conjoined
    inside another report belongs to that report's speaker, wherever the parse hung it."""
    if verb.dep_ != "conj":
        return None
    node = verb.head
    for _ in range(4):
        if node.lemma_.lower() in lex.verbs and node.i != verb.i:
            return subject_of(node)
        if node.dep_ not in {"ccomp", "conj", "xcomp"} or node.head.i == node.i:
            return None
        node = node.head
    return None


def _find_cues(unit: Span, sources: _Sources, quotes: QuoteIndex) -> list[_Found]:
    lex = sources.lex
    found: list[_Found] = []
    doc = unit.doc
    for tok in unit:
        low = tok.lower_
        if low == "according" and tok.i + 1 < unit.end and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if (
                pobj is None
                or quotes.region_at(tok.idx) is not None
                or pobj.lemma_.lower() in lex.not_sources
                or pobj.i in sources.blocked
            ):
                continue
            if is_number(pobj):
                continue
            mention, stoks = sources.mention(pobj, unit.start, unit.end, extend_to=pobj.right_edge.i + 1)
            cut = set(range(tok.i, pobj.right_edge.i + 1)) | stoks
            rest = according_scope(tok, unit) - cut
            found.append(_Found(tok, (tok.i, tok.i + 2), mention, stoks, rest, info={}))
            continue
        if tok.pos_ != "VERB" or quotes.region_at(tok.idx) is not None:
            continue
        info = lex.verbs.get(tok.lemma_.lower())
        if info is None and _speech_frame(tok, unit, quotes):
            info = {}  # '"...," he continued.': after a quote, the speaker's verb reports it
        if info is None or tok.dep_ in {"amod", "compound"}:
            continue
        if passive_without_agent(tok) or any(c.dep_ == "neg" for c in tok.children):
            continue
        subj = subject_of(tok) or _reporter_above(tok, lex)
        if (
            subj is None
            or subj.lower_ in {"which", "who", "that", "this"}
            or not unit.start <= subj.i < unit.end
            or subj.i in sources.blocked
            or is_number(subj)
        ):
            continue
        content: set[int] | None
        if info.get("needs") and not any(c.dep_ == "prep" and c.lower_ == info["needs"] for c in tok.children):
            continue  # "put the toll at 52" estimates; "putting pressure on" reports nothing
        if info.get("preposition"):
            prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == info["preposition"]), None)
            if prep is None:
                continue
            content = {t.i for t in prep.subtree} - {prep.i}
        else:
            content = content_of(tok, info, unit)
        colon = False
        region: tuple[int, int] | None = None
        if not content:
            content, region = quote_beside(tok, subj, unit, quotes)
        if not content:
            after = tok.right_edge.i + 1
            colon = after < len(doc) and doc[after].text == ":" or unit[-1].text == ":"
            before = quote_before_unit(tok, subj, unit, quotes)
            if not colon and before is None:
                continue
            if before is not None:
                info = {**info, "quote_before": before}
            content = set()
        elif region is not None and region[1] > unit.end_char:
            colon = True  # 'Ryan said, "Sure. I get that."': the quote runs on past this sentence
        tail = anonymity_tail(tok, subj.i)
        citer = _cited_by(subj)
        via: list[SourceMention] = []
        if citer is not None:
            cited, ctoks = sources.mention(subj, unit.start, unit.end, stop=citer.head.head.i)
            mention, stoks = sources.mention(citer, unit.start, unit.end)
            via, stoks = [cited], stoks | ctoks | {t.i for t in citer.head.head.subtree}
        else:
            mention, stoks = sources.mention(subj, unit.start, unit.end, extend_to=tail)
        content -= stoks
        content.discard(tok.i)
        if region is not None:
            info = {**info, "region": region}
        found.append(_Found(tok, (tok.i, tok.i + 1), mention, stoks, content, via=via, info=info, colon=colon))
    found = [f for f in found if not any(f.cue is not None and f.cue.i in g.source_toks for g in found if g is not f)]
    return _nest(_speech_within_according(found))


def _speech_frame(verb: Token, unit: Span, quotes: QuoteIndex) -> bool:
    """True for the frame of direct speech, a quote then its speaker and verb closing the
    sentence ('"We are ready," he continued.'): whatever the verb, it reports the quote."""
    doc = verb.doc
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    if subj is None or any(t.pos_ == "VERB" for t in doc[verb.i + 1 : unit.end]) or unit.end - verb.i > 4:
        return False
    k = subj.left_edge.i - 1
    while k >= unit.start and doc[k].text in {",", "\u201d", '"'}:
        k -= 1
    region = quotes.region_at(doc[k].idx) if k >= unit.start else None
    return region is not None and region[1] <= subj.left_edge.idx


def _speech_within_according(found: list[_Found]) -> list[_Found]:
    """ "Residents said X, according to accounts gathered by Y": the speaker of the verb is the
    source of X; the "according to" phrase reports the speech and is cut from its content."""
    verbs = [f for f in found if f.cue is not None and f.cue.lower_ != "according"]
    out = []
    for f in found:
        if f.cue is not None and f.cue.lower_ == "according":
            # the phrase wraps a cue, or sits inside what a cue reports ("X reported that Y fled,
            # according to Z": the parse may hang it on "fled")
            wrapped = [v for v in verbs if v.cue is not None and (v.cue.i in f.content or f.cue.i in v.content)]
            if wrapped:
                cut = set(range(f.cue_span[0], f.cue_span[1])) | f.source_toks
                for v in wrapped:
                    v.content -= cut
                continue
        out.append(f)
    return out


def _nest(found: list[_Found]) -> list[_Found]:
    """A cue inside another cue's content becomes that claim's `via` ("X said Y told them ...")."""
    inside = {
        id(g): f for f in found for g in found if g is not f and g.cue is not None and _reports_inside(g.cue, f.content)
    }
    # "X said it had targeted a depot and denied striking the hospital": a second cue of the
    # same speaker is a second claim beside the first, not a report nested in it
    for g_id, f in list(inside.items()):
        g = next(x for x in found if id(x) == g_id)
        if g.cue is None:
            continue
        same = g.source.start is not None and g.source.start == f.source.start
        # a conjoined cue with no subject of its own belongs to the outer speaker, whatever the
        # parse borrowed for it ("said it had targeted ... and denied ...")
        elided = g.cue.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in g.cue.children)
        if same or elided:
            f.content -= g.content | {t.i for t in g.cue.subtree}
            g.source, g.source_toks, g.via = f.source, f.source_toks, list(f.via)
            del inside[g_id]
    out: list[_Found] = []
    for f in found:
        if id(f) in inside and id(inside[id(f)]) not in inside:
            continue
        inner = [g for g in found if inside.get(id(g)) is f and g.content]
        if inner:
            g = min(inner, key=lambda x: len(x.content))
            # "X said they had recorded ...": a pronoun speaker inside is X again, not a new source
            same = g.source.start is not None and _is_pronoun_words(g.source.text)
            f.via = [*f.via, *g.via] if same else [*f.via, g.source, *g.via]
            f.content = g.content
            f.info = {**f.info, **{k: v for k, v in g.info.items() if k in {"polarity", "certainty"}}}
        out.append(f)
    return out


def _is_pronoun_words(text: str) -> bool:
    return text.lower() in _PERSON_PRONOUNS | _PLURAL_PRONOUNS | _THING_PRONOUNS


def _reports_inside(cue: Token, content: set[int]) -> bool:
    """True when `cue` is in `content` and reached from its root through clauses only."""
    tok = cue
    while tok.i in content:
        if tok.head.i == tok.i or tok.head.i not in content:
            return True
        if tok.dep_ not in {"ccomp", "xcomp", "conj", "parataxis"}:
            return False
        tok = tok.head
    return False


def _via_phrases(unit: Span, sources: _Sources) -> tuple[list[SourceMention], set[int]]:
    """Sources introduced by "citing ..."/"quoting ..." in the sentence, and their tokens."""
    via: list[SourceMention] = []
    cut: set[int] = set()
    for tok in unit:
        if tok.lower_ in sources.lex.via and tok.tag_ == "VBG":
            obj = next((c for c in tok.children if c.dep_ in {"dobj", "pobj"}), None)
            if obj is None:
                continue
            mention, _ = sources.mention(obj, unit.start, unit.end, extend_to=obj.right_edge.i + 1)
            via.append(mention)
            cut |= {t.i for t in tok.subtree}
    return via, cut


def _cited_by(head: Token) -> Token | None:
    """ "sources cited by local media": the agent who cites."""
    for c in head.children:
        if c.dep_ == "acl" and c.lemma_.lower() in {"cite", "quote"}:
            for a in c.children:
                if a.dep_ == "agent":
                    return next((p for p in a.children if p.dep_ == "pobj"), None)
    return None


# ---------------------------------------------------------------- whole document


def _trim(doc: Doc, toks: set[int]) -> tuple[int, int] | None:
    if not toks:
        return None
    lo, hi = min(toks), max(toks) + 1

    def junk(t: Token) -> bool:
        return t.i not in toks or t.is_space or t.is_punct or t.lower_ in _EDGE_TRIM

    while lo < hi and junk(doc[lo]):
        lo += 1
    while hi > lo and junk(doc[hi - 1]):
        hi -= 1
    return (lo, hi) if hi > lo else None


def _quote_kind(quotes: QuoteIndex, text: str, start: int, end: int) -> str:
    """direct when most of the content is quoted or it holds a quoted clause of 4+ words."""
    if end <= start:
        return "indirect"
    if quotes.quoted_chars(start, end) >= 0.5 * (end - start):
        return "direct"
    for s, e in quotes.regions:
        if s >= start - 1 and e <= end + 1 and len(text[s:e].split()) >= 4:
            return "direct"
    return "indirect"


def _asserts(unit: Span) -> bool:
    words = [t for t in unit if t.is_alpha or t.like_num]
    return len(words) >= 3 and any(t.pos_ in {"VERB", "AUX"} for t in words)


def _blocked_tokens(doc: Doc, structure: Sequence[tuple[int, int, str]] | None) -> frozenset[int]:
    """Tokens inside structure lines (headings, captions, datelines, credits); with no marks
    given, the lines are marked from their shape (`ingest.structure`)."""
    if structure is None:
        from crosscheck.ingest.structure import mark_structure

        structure = [(m.start, m.end, m.kind) for m in mark_structure(doc.text)]
    blocked: set[int] = set()
    for start, end, _kind in structure:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            blocked.update(range(span.start, span.end))
    return frozenset(blocked)


def extract_claims(
    doc: Doc, *, outlet: str | None = None, structure: Sequence[tuple[int, int, str]] | None = None
) -> list[ClaimMention]:
    """Every claim of a parsed document, in text order (the first line is the headline). No
    claim comes from a structure line and no structure word is a source: `structure` gives
    their (start, end, kind) in `doc.text`, else they are found from the lines' shape."""
    lex = cue_lexicon()
    quotes = QuoteIndex(doc.text)
    sources = _Sources(doc, lex, _blocked_tokens(doc, structure))
    # a republished report's own sentences are its first publisher's (data/origins.yaml)
    outlet_source = republished_origin(doc) or SourceMention(
        text=outlet or "outlet", start=None, end=None, kind="outlet"
    )
    claims: list[ClaimMention] = []
    pending: _Found | None = None
    pending_region: tuple[int, int] | None = None
    previous: ClaimMention | None = None
    prev_unit_end = -1
    for n, (s, e) in enumerate(sentence_units(doc)):
        unit = doc[s:e]
        if not any((t.is_alpha or t.like_num) and t.i not in sources.blocked for t in unit):
            pending, pending_region = None, None  # a heading or credit line ends a running quote
            continue
        if n > 0 and (not _asserts(unit) and pending is None):
            continue
        sources.note(unit)
        new = _claims_for_unit(unit, n == 0, sources, quotes, outlet_source, lex)
        region = quotes.region_at(unit.start_char) or quotes.region_at(doc[s + 1].idx if e - s > 1 else unit.start_char)
        carried: _Found | None = None
        if new is None:
            if pending is not None and (pending_region is None or (region is not None and region == pending_region)):
                carried = pending
                pending_region = region
            elif (
                previous is not None
                and _follows(doc, prev_unit_end, s)
                and previous.quote == "direct"
                and _mostly_quoted(unit, quotes)
            ) or (
                previous is not None
                and _continues_figures(previous, unit, prev_unit_end == s)
                and no_comment_subject(unit) is None
            ):
                carried = _Found(None, (0, 0), previous.source, set(), set(), list(previous.via))
                carried.info = {"cue": previous.cue, "cue_start": previous.cue_start, "cue_end": previous.cue_end}
            else:
                pending, pending_region = None, None
            if carried is not None:
                new = [_claim(doc, unit, carried, set(range(s, e)), quotes, carried_cue=True, blocked=sources.blocked)]
            else:
                new = [_outlet_claim(doc, unit, n == 0, sources, quotes, outlet_source)]
        else:
            pending, pending_region = None, None
            colon = [f for f in new if isinstance(f, _Found)]
            back = colon[0].info.get("quote_before") if colon else None
            if back is not None:
                # the quote just before is this speaker's: its claims take the speaker and cue
                claims = [_requoted(c, colon[0], doc) if back[0] <= c.content_start < back[1] else c for c in claims]
                previous = claims[-1] if claims else previous
                new = []
            elif colon:
                pending = colon[0]
                pending_region = pending.info.get("region")
                new = [c for c in new if not isinstance(c, _Found)]
        for c in new:
            assert isinstance(c, ClaimMention)
            claims.append(c)
            previous = c
        prev_unit_end = e
    return claims


def _requoted(claim: ClaimMention, f: _Found, doc: Doc) -> ClaimMention:
    """An outlet's quoted claim given the speaker and cue named in the sentence after it."""
    if claim.source.kind != "outlet":
        return claim
    cue, cs, ce = _cue_fields(doc, f)
    return replace(claim, source=f.source, via=tuple(f.via), cue=cue, cue_start=cs, cue_end=ce, quote="direct")


def _follows(doc: Doc, prev_end: int, start: int) -> bool:
    """True when only spaces and line breaks lie between the previous unit and this one: a
    paragraph of quoted words right after a quoted claim goes on quoting its speaker (AP
    Stylebook, "quotation marks": running quotations over paragraphs)."""
    return 0 <= prev_end <= start and all(t.is_space for t in doc[prev_end:start])


def _mostly_quoted(unit: Span, quotes: QuoteIndex) -> bool:
    text = unit.text.strip()
    return bool(text) and quotes.quoted_chars(unit.start_char, unit.end_char) >= 0.8 * len(text)


def _claims_for_unit(
    unit: Span, headline: bool, sources: _Sources, quotes: QuoteIndex, outlet: SourceMention, lex: _Cues
) -> list[ClaimMention | _Found] | None:
    doc = unit.doc
    found = _find_cues(unit, sources, quotes)
    if not found:
        return None
    via, via_toks = _via_phrases(unit, sources)
    out: list[ClaimMention | _Found] = []
    for k, f in enumerate(found):
        if (f.colon or "quote_before" in f.info) and not f.content:
            return [f]
        if k == 0 and via:
            f.via = [*via, *f.via]
        content = f.content - via_toks
        out.append(_claim(doc, unit, f, content, quotes, blocked=sources.blocked))
        if f.colon:
            out.append(f)  # its quote runs on: the next sentences inside it are carried
    return out


def _cue_fields(doc: Doc, f: _Found) -> tuple[str | None, int | None, int | None]:
    if f.cue is None:
        return f.info.get("cue"), f.info.get("cue_start"), f.info.get("cue_end")
    a, b = f.cue_span
    return doc[a:b].text, doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


def _claim(
    doc: Doc,
    unit: Span,
    f: _Found,
    content: set[int],
    quotes: QuoteIndex,
    carried_cue: bool = False,
    blocked: frozenset[int] = frozenset(),
) -> ClaimMention:
    rng = _trim(doc, content - blocked) or (unit.start, unit.end)
    span = doc[rng[0] : rng[1]]
    info = f.info
    a = assess(span, cue_certainty=info.get("certainty"), cue_negative=info.get("polarity") == "negative")
    cue, cs, ce = _cue_fields(doc, f)
    quote = _quote_kind(quotes, quotes.text, span.start_char, span.end_char)
    if carried_cue and quote != "direct":
        quote = "indirect"
    kind = "question" if a.question else "opinion" if a.reaction else info.get("kind", "assertion")
    return ClaimMention(
        sentence_start=unit.start_char,
        sentence_end=unit.end_char,
        content_start=span.start_char,
        content_end=span.end_char,
        source=f.source,
        via=tuple(f.via),
        cue=cue,
        cue_start=cs,
        cue_end=ce,
        quote=quote,
        certainty=a.certainty,
        polarity=a.polarity,
        kind=kind,
        denial=info.get("polarity") == "negative",
    )


def _record_source(unit: Span, sources: _Sources) -> tuple[SourceMention, Token] | None:
    """ "X's tally stood at ...": the subject is a record noun owned by a named body."""
    lex = sources.lex
    for tok in unit:
        if tok.lemma_.lower() not in lex.records or tok.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        owner = next((c for c in tok.children if c.dep_ == "poss" and _is_named(c, lex)), None)
        if owner is not None:
            mention, _ = sources.mention(owner, unit.start, tok.i)
            return mention, tok
    return None


def _continues_figures(previous: ClaimMention | None, unit: Span, adjacent: bool) -> bool:
    """A sentence of figures right after an attributed sentence of figures, in the same
    paragraph and with no attribution of its own, goes on reporting the same source's count."""
    if previous is None or not adjacent or previous.source.kind not in {"named", "document"}:
        return False
    doc = unit.doc
    before = doc.text[previous.sentence_start : previous.sentence_end]
    gap = doc.text[previous.sentence_end : unit.start_char]
    # a sentence whose subject names someone goes on with that one's count, not the last source's
    names_own = any(
        t.dep_ in {"nsubj", "nsubjpass"} and (t.pos_ == "PROPN" or t.ent_type_ in _NAMED_ENTS) for t in unit
    )
    return (
        "\n" not in gap
        and not names_own
        and any(ch.isdigit() for ch in before)
        and any(t.like_num and any(ch.isdigit() for ch in t.text) for t in unit)
    )


def _outlet_claim(
    doc: Doc, unit: Span, headline: bool, sources: _Sources, quotes: QuoteIndex, outlet: SourceMention
) -> ClaimMention:
    silent = no_comment_subject(unit)
    rng = _trim(doc, set(range(unit.start, unit.end)) - sources.blocked) or (unit.start, unit.end)
    span = doc[rng[0] : rng[1]]
    if silent is not None:
        head = silent.root
        mention, _ = sources.mention(head, silent.start, silent.end)
        return ClaimMention(
            sentence_start=unit.start_char,
            sentence_end=unit.end_char,
            content_start=span.start_char,
            content_end=span.end_char,
            source=mention,
            kind="no_comment",
        )
    a = assess(span)
    kind = (
        "question" if a.question else "opinion" if a.reaction else ("background" if not _asserts(unit) else "assertion")
    )
    record = _record_source(unit, sources)  # "X's tally stood at ...": X's claim, cued by the record noun
    source, noun = record if record is not None else (outlet, None)
    return ClaimMention(
        sentence_start=unit.start_char,
        sentence_end=unit.end_char,
        content_start=span.start_char,
        content_end=span.end_char,
        source=source,
        cue=noun.text if noun is not None else None,
        cue_start=noun.idx if noun is not None else None,
        cue_end=noun.idx + len(noun) if noun is not None else None,
        certainty=a.certainty,
        polarity=a.polarity,
        kind=kind,
    )
