"""Analysis of documents: the nlp pipeline over batches, yielding records per document."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from crosscheck.records import Analysis, Document

__all__ = ["analyse_documents", "published_date"]


def published_date(value: str | None) -> date | None:
    """The date part of an ISO publication date or datetime."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def analyse_documents(
    documents: Sequence[Document], *, watchlist: str | None = None
) -> Iterator[tuple[Document, Analysis]]:
    """Each document with its analysis (with the actors of an optional watchlist file);
    languages the pipeline does not read are flagged."""
    from crosscheck.nlp.convert import to_analysis
    from crosscheck.nlp.invisible import restore_offsets, strip_invisible
    from crosscheck.nlp.pipeline import ANALYSER_VERSION, analysable, process

    readable = [d for d in documents if analysable(d.language)]
    if watchlist:
        from crosscheck.nlp.watchlist import load_watchlist

        load_watchlist(watchlist)  # a bad file fails here, once, with its own message
    meta = {"watchlist": watchlist}
    # Soft hyphens and bidi marks are hidden from the pipeline; spans are mapped back after.
    stripped = [strip_invisible(d.text) for d in readable]
    positions = iter([where for _, where in stripped])
    docs = iter(
        process(
            (text, {**meta, "published": published_date(d.published), "outlet": d.outlet})
            for d, (text, _) in zip(readable, stripped, strict=True)
        )
    )
    for document in documents:
        if not analysable(document.language):
            yield (
                document,
                Analysis(
                    doc=document.id, version=ANALYSER_VERSION, flags=(f"language-not-analysed:{document.language}",)
                ),
            )
            continue
        doc = next(docs)
        analysis = to_analysis(doc, document.id, published_date(document.published), ANALYSER_VERSION)
        yield document, restore_offsets(analysis, document.text, next(positions))
