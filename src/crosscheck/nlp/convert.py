"""Turn a processed `Doc` into records: the only reader of `Doc._`.

Entity, place, claim and figure ids are derived from the document id and offsets, so the
same report read twice yields the same records.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from typing import Any

from spacy.tokens import Doc

from crosscheck.nlp.attribution import resolved_source_text
from crosscheck.nlp.events import event_type
from crosscheck.nlp.terms import claim_terms
from crosscheck.records import (
    Analysis,
    Claim,
    DateRange,
    EntityRecord,
    Figure,
    PlaceRecord,
    Relation,
    Source,
    Span,
    content_id,
)

__all__ = ["to_analysis"]


def _span(doc_id: str, text: str, start: int, end: int) -> Span:
    return Span(doc=doc_id, start=start, end=end, text=text[start:end])


class _Index:
    """Char-offset lookups of entity mentions inside a document."""

    def __init__(self, entities: Sequence[EntityRecord]) -> None:
        pairs = sorted((m.start, m.end, e.id) for e in entities for m in e.mentions)
        self.starts = [p[0] for p in pairs]
        self.pairs = pairs

    def within(self, start: int, end: int) -> list[str]:
        """Entity ids with a mention inside [start, end)."""
        out: list[str] = []
        i = bisect_right(self.starts, start - 1)
        while i < len(self.pairs) and self.pairs[i][0] < end:
            if self.pairs[i][1] <= end and self.pairs[i][2] not in out:
                out.append(self.pairs[i][2])
            i += 1
        return out

    def at(self, start: int, end: int) -> str | None:
        """The entity whose mention best overlaps [start, end) (the longest overlap)."""
        best, best_len = None, 0
        i = max(0, bisect_right(self.starts, start) - 8)
        while i < len(self.pairs) and self.pairs[i][0] < end:
            s, e, ent = self.pairs[i]
            overlap = min(e, end) - max(s, start)
            if overlap > best_len:
                best, best_len = ent, overlap
            i += 1
        return best


def _entities(doc: Doc, doc_id: str) -> tuple[list[EntityRecord], dict[int, str]]:
    """Entity records, and the record id of each entity by its index in `doc._.cc_entities`."""
    out: list[EntityRecord] = []
    by_index: dict[int, str] = {}
    for i, ent in enumerate(doc._.cc_entities or []):
        mentions = tuple(_span(doc_id, doc.text, s, e) for s, e in ent.mentions)
        if not mentions:
            continue
        by_index[i] = content_id("e", doc_id, ent.type, ent.name)
        out.append(
            EntityRecord(
                id=content_id("e", doc_id, ent.type, ent.name),
                doc=doc_id,
                name=ent.name,
                type=ent.type,
                kind=ent.kind,
                aliases=tuple(a for a in ent.aliases if a != ent.name),
                mentions=mentions,
            )
        )
    return out, by_index


def _places(doc: Doc, doc_id: str) -> tuple[list[PlaceRecord], list[tuple[int, int, str]]]:
    """Places grouped by gazetteer entry (or by name when unresolved), and (start, end, id) per mention."""
    groups: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, str]] = []
    for mention in doc._.cc_places or []:
        entry = mention.entry
        key = entry.id if entry is not None else f"name:{mention.text.lower()}"
        pid = content_id("p", doc_id, key)
        group = groups.setdefault(pid, {"entry": entry, "name": entry.name if entry else mention.text, "mentions": []})
        group["mentions"].append(_span(doc_id, doc.text, mention.start, mention.end))
        spans.append((mention.start, mention.end, pid))
    places = []
    for pid, g in groups.items():
        e = g["entry"]
        places.append(
            PlaceRecord(
                id=pid,
                doc=doc_id,
                name=g["name"],
                country=e.country if e else None,
                admin1=e.admin1 if e else None,
                lat=e.lat if e else None,
                lon=e.lon if e else None,
                feature=e.feature if e else "unknown",
                gazetteer_id=e.id if e else None,
                mentions=tuple(g["mentions"]),
            )
        )
    return places, sorted(spans)


def _source(doc_id: str, text: str, mention: Any, index: _Index) -> Source:
    """The source record: resolved to the entity its words (or their antecedent) name; a
    pronoun or description whose antecedent is no entity keeps the antecedent's words
    ("she" -> "his mother")."""
    span = _span(doc_id, text, mention.start, mention.end) if mention.start is not None else None
    entity = None
    if mention.antecedent is not None:
        entity = index.at(*mention.antecedent)
    if entity is None and span is not None:
        entity = index.at(span.start, span.end)
    words = mention.text if entity is not None else resolved_source_text(mention, text)
    return Source(text=words, kind=mention.kind, entity=entity, span=span)


def _when(times: Sequence[Any], start: int, end: int) -> DateRange | None:
    for t in times:
        if t.range is not None and not t.duration and t.start >= start and t.end <= end:
            found: DateRange = t.range
            return found
    return None


def to_analysis(doc: Doc, doc_id: str, published: date | None, version: str) -> Analysis:
    """All records of one processed document."""
    text = doc.text
    entities, by_index = _entities(doc, doc_id)
    index = _Index(entities)
    places, place_spans = _places(doc, doc_id)
    times = [t for t in (doc._.cc_times or []) if t.range is not None and not t.duration]

    claims: list[Claim] = []
    for c in doc._.cc_claims or []:
        content = _span(doc_id, text, c.content_start, c.content_end)
        sentence = _span(doc_id, text, c.sentence_start, c.sentence_end)
        cue_text = c.cue
        claim_id = content_id("c", doc_id, c.content_start, c.content_end)
        src = _source(doc_id, text, c.source, index)
        content_doc_span = doc.char_span(content.start, content.end, alignment_mode="expand")
        claims.append(
            Claim(
                id=claim_id,
                doc=doc_id,
                span=content,
                sentence=sentence,
                source=src,
                via=tuple(_source(doc_id, text, v, index) for v in c.via),
                cue=cue_text,
                quote=c.quote,
                certainty=c.certainty,
                polarity=c.polarity,
                kind=c.kind,
                entities=tuple(e for e in _content_entities(index, content_doc_span, sentence) if e != src.entity),
                places=tuple(dict.fromkeys(p for s, e, p in place_spans if s >= content.start and e <= content.end)),
                when=_when(times, content.start, content.end) or _when(times, sentence.start, sentence.end),
                event_type=event_type(content_doc_span),
                terms=claim_terms(content_doc_span) if content_doc_span is not None else (),
                subjects=tuple(e for e in _subject_entities(index, content_doc_span) if e != src.entity),
                denial=bool(getattr(c, "denial", False)),
            )
        )

    figures = _figures(doc, doc_id, claims, place_spans, times, published)
    by_claim: dict[str, list[str]] = {}
    for f in figures:
        if f.claim:
            by_claim.setdefault(f.claim, []).append(f.id)
    claims = [_with_figures(c, by_claim.get(c.id, [])) for c in claims]

    relations = []
    for r in doc._.cc_relations or []:
        subject, obj = by_index.get(r.subject), by_index.get(r.object)
        if subject is None or obj is None or subject == obj:
            continue
        evidence = _span(doc_id, text, *r.evidence)
        relations.append(
            Relation(
                id=content_id("r", doc_id, subject, r.predicate, obj, evidence.start),
                doc=doc_id,
                subject=subject,
                predicate=r.predicate,
                object=obj,
                evidence=evidence,
            )
        )
    return Analysis(
        doc=doc_id,
        version=version,
        entities=tuple(entities),
        places=tuple(places),
        relations=tuple(relations),
        claims=tuple(claims),
        figures=tuple(figures),
    )


_PRONOUNS = {"they", "he", "she", "it", "them", "him", "her"}


def _content_entities(index: _Index, content: Any, sentence: Span) -> list[str]:
    """Entities named in the content; when its subject is a pronoun ("..., said they crossed"),
    also those named elsewhere in the sentence, where the pronoun's referent usually stands."""
    if content is None:
        return []
    found = index.within(content.start_char, content.end_char)
    if any(t.lower_ in _PRONOUNS and t.dep_ in ("nsubj", "nsubjpass") for t in content):
        found += [e for e in index.within(sentence.start, sentence.end) if e not in found]
    return found


def _subject_entities(index: _Index, content: Any) -> list[str]:
    """Entities named in the grammatical subject of the content's main clause: who the claim
    is about ("Wagner fighters entered ..." -> Wagner)."""
    if content is None or len(content) == 0:
        return []
    roots = [t for t in content if t.head == t or not (content.start <= t.head.i < content.end)]
    found: list[str] = []
    for root in roots[:2]:
        phrases = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"]
        if not phrases and root.pos_ in ("NOUN", "PROPN"):
            phrases = [root]  # a headline without a verb: "X and Y deployed inside Z" is about X and Y
        for head in phrases:
            toks = _naming_tokens(head)
            start = min(t.idx for t in toks)
            end = max(t.idx + len(t) for t in toks)
            found += [e for e in index.within(start, end) if e not in found]
    return found


# Attachments that say what the subject did or where, not who it is.
_NOT_SUBJECT = frozenset({"acl", "relcl", "prep", "appos", "punct"})


def _naming_tokens(head: Any) -> list[Any]:
    """The words that name a noun phrase's referent: the head, its modifiers and conjuncts,
    without the clauses and prepositional phrases attached to any of them."""
    out = [head]
    for child in head.children:
        if child.dep_ not in _NOT_SUBJECT:
            out += _naming_tokens(child)
    return out


def _with_figures(claim: Claim, figure_ids: list[str]) -> Claim:
    if not figure_ids:
        return claim
    from dataclasses import replace

    return replace(claim, figures=tuple(figure_ids))


def _figures(
    doc: Doc,
    doc_id: str,
    claims: Sequence[Claim],
    place_spans: Sequence[tuple[int, int, str]],
    times: Sequence[Any],
    published: date | None,
) -> list[Figure]:
    text = doc.text
    mentions = list(doc._.cc_figures or [])
    ids = [content_id("f", doc_id, m.start, m.end) for m in mentions]
    out = []
    for i, m in enumerate(mentions):
        claim = _claim_for(claims, m.start, m.end)
        when = _when(times, m.sentence_start, m.sentence_end)
        as_of = when.end if when and when.precision == "day" else (published.isoformat() if published else None)
        place = next((p for s, e, p in place_spans if s >= m.sentence_start and e <= m.sentence_end), None)
        parent = ids[m.part_of_index] if m.part_of_index is not None and 0 <= m.part_of_index < len(ids) else None
        out.append(
            Figure(
                id=ids[i],
                doc=doc_id,
                span=_span(doc_id, text, m.start, m.end),
                value=m.value,
                low=m.low,
                high=m.high,
                qualifier=m.qualifier,
                category=m.category,
                what=m.what,
                as_of=as_of,
                place=place,
                claim=claim,
                part_of=parent,
            )
        )
    return out


def _claim_for(claims: Sequence[Claim], start: int, end: int) -> str | None:
    """The claim whose content holds the span, else the one whose sentence does."""
    inside = [c for c in claims if c.span.start <= start and end <= c.span.end]
    if inside:
        return min(inside, key=lambda c: c.span.end - c.span.start).id
    around = [c for c in claims if c.sentence.start <= start and end <= c.sentence.end]
    return around[0].id if around else None
