"""Analysis of documents: the nlp pipeline over batches, yielding records per document.

A report longer than the pipeline's bound (`nlp.pipeline.chunk_bound`) is analysed in parts cut
at paragraph or sentence breaks; each part's records are shifted to index the whole stored text,
their offset-derived ids recomputed as `nlp.convert` derives them, and entities and places named
in several parts merged. A report whose analysis fails comes back with its exception; the others
go on.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from crosscheck.records import Analysis, Claim, Document, EntityRecord, Figure, PlaceRecord, Source, Span, content_id

__all__ = ["OnPart", "analyse_documents", "merge_parts", "part_structure", "published_date"]

OnPart = Callable[[Document, int, int], None]


def published_date(value: str | None) -> date | None:
    """The date part of an ISO publication date or datetime."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def analyse_documents(
    documents: Sequence[Document], *, watchlist: str | None = None, on_part: OnPart | None = None
) -> Iterator[tuple[Document, Analysis | Exception]]:
    """Each document with its analysis (with the actors of an optional watchlist file), or the
    exception that stopped it; languages the pipeline does not read are flagged. `on_part(document,
    done, total)` follows a long report through its parts."""
    from crosscheck.nlp.pipeline import ANALYSER_VERSION, analysable

    if watchlist:
        from crosscheck.nlp.watchlist import load_watchlist

        load_watchlist(watchlist)  # a bad file fails here, once, with its own message
    readable = [d for d in documents if analysable(d.language)]
    batch = _analyses(readable, watchlist, on_part)
    broken = False
    for document in documents:
        if not analysable(document.language):
            flag = f"language-not-analysed:{document.language}"
            yield document, Analysis(doc=document.id, version=ANALYSER_VERSION, flags=(flag,))
            continue
        result: Analysis | Exception
        try:
            result = next(batch) if not broken else _alone(document, watchlist, on_part)
        except Exception:  # noqa: BLE001 - the batch broke: from here on one report at a time,
            broken = True  # so that a bad report fails alone and the others go on
            result = _alone(document, watchlist, on_part)
        yield document, result


def _alone(document: Document, watchlist: str | None, on_part: OnPart | None) -> Analysis | Exception:
    try:
        return next(_analyses([document], watchlist, on_part))
    except Exception as exc:  # noqa: BLE001 - reported for this report by the caller
        return exc


def _analyses(documents: Sequence[Document], watchlist: str | None, on_part: OnPart | None) -> Iterator[Analysis]:
    """The analysis of each document in order, its parts run through the pipeline in batches."""
    from crosscheck.nlp.convert import to_analysis
    from crosscheck.nlp.invisible import restore_offsets, strip_invisible
    from crosscheck.nlp.pipeline import ANALYSER_VERSION, BATCH, chunk_bound, process, split_points

    bound = chunk_bound()
    plans = [split_points(d.text, bound) for d in documents]

    # Soft hyphens and bidi marks are hidden from the pipeline; spans are mapped back after.
    stripped = [
        [strip_invisible(d.text[start:stop]) for start, stop in parts]
        for d, parts in zip(documents, plans, strict=True)
    ]

    def items() -> Iterator[tuple[str, dict[str, Any]]]:
        for document, parts, texts in zip(documents, plans, stripped, strict=True):
            meta = {"watchlist": watchlist, "published": published_date(document.published), "outlet": document.outlet}
            for (start, stop), (text, where) in zip(parts, texts, strict=True):
                yield text, {**meta, "structure": part_structure(document, start, stop, where)}

    # Parts of a long report go one at a time: progress shows per part and memory stays bounded.
    docs = process(items(), batch_size=1 if any(len(parts) > 1 for parts in plans) else BATCH)
    for document, parts, texts in zip(documents, plans, stripped, strict=True):
        published = published_date(document.published)
        pieces: list[tuple[int, Analysis]] = []
        for done, ((start, stop), (_, where)) in enumerate(zip(parts, texts, strict=True), 1):
            analysis = to_analysis(next(docs), document.id, published, ANALYSER_VERSION)
            pieces.append((start, restore_offsets(analysis, document.text[start:stop], where)))
            if len(parts) > 1 and on_part is not None:
                on_part(document, done, len(parts))
        yield pieces[0][1] if len(pieces) == 1 else merge_parts(document.id, pieces)


def part_structure(
    document: Document, start: int, stop: int, positions: list[int] | None
) -> list[tuple[int, int, str]] | None:
    """The document's structure marks inside text[start:stop], as offsets into the text the
    pipeline reads (the part, invisible characters removed); None when the document has no
    stored marks (a ledger from before them), so that the pipeline marks lines by their shape."""
    if not document.structure:
        return None

    def at(offset: int) -> int:
        return offset - start if positions is None else bisect_left(positions, offset - start)

    return [
        (at(max(m.start, start)), at(min(m.end, stop)), m.kind)
        for m in document.structure
        if m.start < stop and m.end > start
    ]


# -- records of parts into records of the whole -----------------------------------------------


def _shift(span: Span, offset: int) -> Span:
    return replace(span, start=span.start + offset, end=span.end + offset)


def _shift_source(source: Source, offset: int) -> Source:
    return source if source.span is None else replace(source, span=_shift(source.span, offset))


def merge_parts(doc_id: str, pieces: Sequence[tuple[int, Analysis]]) -> Analysis:
    """One analysis of a whole text from the analyses of its parts, each given with the offset
    of its part: spans shifted, ids derived from offsets recomputed (as `nlp.convert` does), and
    the entities and places named in several parts merged (same id: same name and type, or same
    gazetteer entry)."""
    entities: dict[str, EntityRecord] = {}
    places: dict[str, PlaceRecord] = {}
    claims: list[Claim] = []
    figures: list[Figure] = []
    relations = []
    flags: dict[str, None] = {}
    for offset, part in pieces:
        for e in part.entities:
            mentions = tuple(_shift(m, offset) for m in e.mentions)
            old = entities.get(e.id)
            if old is None:
                entities[e.id] = replace(e, mentions=mentions)
            else:
                aliases = tuple(dict.fromkeys((*old.aliases, *e.aliases)))
                entities[e.id] = replace(
                    old, kind=old.kind or e.kind, aliases=aliases, mentions=old.mentions + mentions
                )
        for p in part.places:
            mentions = tuple(_shift(m, offset) for m in p.mentions)
            old_place = places.get(p.id)
            places[p.id] = (
                replace(p, mentions=mentions)
                if old_place is None
                else replace(old_place, mentions=old_place.mentions + mentions)
            )
        claim_id = {c.id: content_id("c", doc_id, c.span.start + offset, c.span.end + offset) for c in part.claims}
        figure_id = {f.id: content_id("f", doc_id, f.span.start + offset, f.span.end + offset) for f in part.figures}
        for c in part.claims:
            claims.append(
                replace(
                    c,
                    id=claim_id[c.id],
                    span=_shift(c.span, offset),
                    sentence=_shift(c.sentence, offset),
                    source=_shift_source(c.source, offset),
                    via=tuple(_shift_source(v, offset) for v in c.via),
                    figures=tuple(figure_id.get(f, f) for f in c.figures),
                )
            )
        for f in part.figures:
            figures.append(
                replace(
                    f,
                    id=figure_id[f.id],
                    span=_shift(f.span, offset),
                    claim=claim_id.get(f.claim, f.claim) if f.claim else None,
                    part_of=figure_id.get(f.part_of, f.part_of) if f.part_of else None,
                )
            )
        for r in part.relations:
            evidence = _shift(r.evidence, offset)
            rid = content_id("r", doc_id, r.subject, r.predicate, r.object, evidence.start)
            relations.append(replace(r, id=rid, evidence=evidence))
        flags.update(dict.fromkeys(part.flags))
    flags[f"analysed-in-parts:{len(pieces)}"] = None
    return Analysis(
        doc=doc_id,
        version=pieces[0][1].version,
        entities=tuple(entities.values()),
        places=tuple(places.values()),
        relations=tuple(relations),
        claims=tuple(claims),
        figures=tuple(figures),
        flags=tuple(flags),
    )
