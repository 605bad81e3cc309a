"""Benchmark sections for analysis and incremental resolution (used by scripts/bench.py).

- `nlp_bare`: spaCy's `nlp.pipe` alone (the model, no crosscheck components) over the texts;
- `analysis`: the full crosscheck analysis of the same texts in the same run (pipeline plus
  conversion to records), reported as a ratio to `nlp_bare` (target: at least 0.6);
- `incremental`: time per document to add generated reports to an empty ledger and to one
  already holding `--base-claims` claims (synthetic records stored through the real
  store-and-resolve path), reported as a ratio (target: at most 3).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from crosscheck.records import Analysis, Claim, Document, EntityRecord, Figure, Source, Span, content_id

ANALYSIS_DOCS = 200


def _texts(ctx: Any, limit: int) -> list[str]:
    paths = sorted(Path(ctx.folder).glob("*.txt"))[:limit]
    return [p.read_text(encoding="utf-8") for p in paths]


def section_nlp_bare(ctx: Any) -> dict[str, Any]:
    """Bare `nlp.pipe` over the first documents of the corpus."""
    from crosscheck.nlp.pipeline import load_pipeline

    texts = _texts(ctx, ANALYSIS_DOCS)
    nlp = load_pipeline(bare=True)
    list(nlp.pipe(texts[:5]))  # warm up
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    seconds = time.perf_counter() - start
    return {
        "documents": len(texts),
        "words": words,
        "seconds": round(seconds, 2),
        "words_per_s": round(words / seconds),
    }


def section_analysis(ctx: Any) -> dict[str, Any]:
    """The whole analysis (components and records) over the same documents."""
    from crosscheck.analyse import analyse_documents
    from crosscheck.ingest import Draft, make_document
    from crosscheck.nlp.pipeline import load_pipeline

    texts = _texts(ctx, ANALYSIS_DOCS)
    load_pipeline()
    docs = [
        make_document(Draft(text=t, origin=f"bench/{i}", meta={"language": "en", "published": "2031-03-05"}))
        for i, t in enumerate(texts)
    ]
    list(analyse_documents(docs[:5]))  # warm up
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    records = 0
    for _doc, analysis in analyse_documents(docs):
        if isinstance(analysis, Exception):
            raise analysis
        records += len(analysis.claims) + len(analysis.entities) + len(analysis.figures)
    seconds = time.perf_counter() - start
    return {
        "documents": len(texts),
        "words": words,
        "seconds": round(seconds, 2),
        "words_per_s": round(words / seconds),
        "records": records,
    }


# -- incremental --------------------------------------------------------------------------

_VOCAB = [f"w{i}" for i in range(6000)]
_NAMES = [f"Actor{i} Group" for i in range(3000)]


def _synthetic(i: int, rng: random.Random, claims: int = 10) -> tuple[Document, Analysis]:
    """A document of `claims` sentences with matching records: entities, claims and figures."""
    import hashlib

    sentences, spans = [], []
    pos = 0
    for _ in range(claims):
        name = _NAMES[min(int(rng.paretovariate(1.2)) * 7 % len(_NAMES), len(_NAMES) - 1)]
        terms = [_VOCAB[min(int(rng.paretovariate(0.9)) * 13 % len(_VOCAB), len(_VOCAB) - 1)] for _ in range(8)]
        value = rng.randint(2, 5000)
        body = f"{' '.join(terms)} {value} people"
        sentence = f"{name} said {body}."
        spans.append((pos, name, pos + len(name) + 6, body, terms, value))
        sentences.append(sentence)
        pos += len(sentence) + 1
    text = "\n".join(sentences) + f"\nSynthetic report {i}."
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc_id = f"d{sha[:15]}"
    document = Document(
        id=doc_id,
        sha256=sha,
        text=text,
        origin=f"synthetic/{i}",
        outlet=f"Wire {i % 50}",
        published=f"2031-{1 + i % 12:02d}-{1 + i % 28:02d}",
        language="en",
    )
    entities, claim_records, figures = {}, [], []
    for start, name, body_start, body, terms, value in spans:
        ent = entities.setdefault(
            name, EntityRecord(id=content_id("e", doc_id, "ORG", name), doc=doc_id, name=name, type="ORG", mentions=())
        )
        entities[name] = EntityRecord(
            id=ent.id,
            doc=doc_id,
            name=name,
            type="ORG",
            mentions=(*ent.mentions, Span(doc=doc_id, start=start, end=start + len(name), text=name)),
        )
        content = Span(doc=doc_id, start=body_start, end=body_start + len(body), text=body)
        cid = content_id("c", doc_id, body_start, content.end)
        num = str(value)
        at = body_start + body.index(f" {num} ") + 1
        fid = content_id("f", doc_id, at)
        figures.append(
            Figure(
                id=fid,
                doc=doc_id,
                span=Span(doc=doc_id, start=at, end=at + len(num), text=num),
                value=value,
                low=None,
                high=None,
                qualifier=None,
                category="killed",
                what="people",
                as_of=document.published,
                claim=cid,
            )
        )
        claim_records.append(
            Claim(
                id=cid,
                doc=doc_id,
                span=content,
                sentence=Span(doc=doc_id, start=start, end=content.end + 1, text=text[start : content.end + 1]),
                source=Source(
                    text=name,
                    kind="named",
                    entity=ent.id,
                    span=Span(doc=doc_id, start=start, end=start + len(name), text=name),
                ),
                cue="said",
                terms=tuple(dict.fromkeys(terms)),
                figures=(fid,),
            )
        )
    analysis = Analysis(
        doc=doc_id,
        version="bench",
        entities=tuple(entities.values()),
        claims=tuple(claim_records),
        figures=tuple(figures),
    )
    return document, analysis


def _add_timed(ledger: Any, pairs: list[tuple[Document, Analysis]]) -> float:
    start = time.perf_counter()
    for document, analysis in pairs:
        ledger.add(document, analysis=analysis)
    return time.perf_counter() - start


def section_incremental(ctx: Any) -> dict[str, Any]:
    """Seconds per added document on an empty ledger and on one of `base_claims` claims."""
    from crosscheck.ledger import Ledger

    base_claims = getattr(ctx, "base_claims", 100_000)
    added = getattr(ctx, "incremental_docs", 1000)
    rng = random.Random(7)
    new = [_synthetic(10_000_000 + i, rng) for i in range(added)]
    with Ledger.open(ctx.scratch / "incr-warm.db") as warm:  # imports and caches, outside the timing
        _add_timed(warm, [_synthetic(20_000_000 + i, random.Random(i)) for i in range(20)])
    with Ledger.open(ctx.scratch / "incr-empty.db") as empty:
        t_empty = _add_timed(empty, new)
    base_rng = random.Random(11)
    build_start = time.perf_counter()
    with Ledger.open(ctx.scratch / "incr-full.db") as full:
        for i in range(base_claims // 10):
            document, analysis = _synthetic(i, base_rng)
            full.add(document, analysis=analysis)
        held = full.count("claims")
        build = time.perf_counter() - build_start
        t_full = _add_timed(full, new)
    per_empty, per_full = t_empty / added, t_full / added
    return {
        "documents": added,
        "base_claims": held,
        "build_seconds": round(build, 1),
        "ms_per_doc_empty": round(per_empty * 1000, 2),
        "ms_per_doc_full": round(per_full * 1000, 2),
        "full/empty": round(per_full / per_empty, 2),
    }


REPETITIVE_DOCS = 300


def _syndicated(rng: random.Random, paragraphs: list[str], docs: int) -> list[str]:
    """Reports built from overlapping paragraphs, as syndication produces: each takes four to
    six paragraphs of a shared pool, in a shuffled order, with its own first line."""
    out = []
    for i in range(docs):
        picked = rng.sample(paragraphs, rng.randint(4, min(6, len(paragraphs))))
        out.append(f"Report {i} on the crisis\n\n" + "\n\n".join(picked))
    return out


def section_repetitive(ctx: Any) -> dict[str, Any]:
    """`add` with analysis and resolution (store, link, re-cluster) over 300 syndicated
    reports, against bare `nlp.pipe` over the same texts, both as words per CPU-second."""
    from crosscheck.analyse import analyse_documents
    from crosscheck.ingest import Draft, make_document
    from crosscheck.ledger import Ledger
    from crosscheck.nlp.pipeline import load_pipeline

    rng = random.Random(5)
    pool = [p for t in _texts(ctx, 40) for p in t.split("\n\n") if len(p.split()) > 20][:60]
    texts = _syndicated(rng, pool, REPETITIVE_DOCS)
    words = sum(len(t.split()) for t in texts)
    bare = load_pipeline(bare=True)
    list(bare.pipe(texts[:5]))
    start = time.process_time()
    for _ in bare.pipe(texts, batch_size=32):
        pass
    bare_s = time.process_time() - start
    load_pipeline()
    docs = [
        make_document(Draft(text=t, origin=f"syndicated/{i}", meta={"language": "en", "published": "2031-03-05"}))
        for i, t in enumerate(texts)
    ]
    start = time.process_time()
    with Ledger.open(ctx.scratch / "repetitive.db") as ledger:
        for document, analysis in analyse_documents(docs):
            ledger.add(document, analysis=analysis if not isinstance(analysis, Exception) else None)
    full_s = time.process_time() - start
    return {
        "documents": len(texts),
        "words": words,
        "bare_words_per_cpu_s": round(words / bare_s),
        "add_words_per_cpu_s": round(words / full_s),
        "add/nlp_bare": round(bare_s / full_s, 3),
    }
