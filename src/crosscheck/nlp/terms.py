"""Content terms of a claim: the Snowball (Porter 2) stems of the lemmas of its content words,
so that "shelled", "shelling" and "shells" are one term. Differently worded claims about one
thing are joined by the sentence embedding (resolve/embedding.py), not by word lists."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer
from spacy.tokens import Span

__all__ = ["claim_terms", "stem"]

_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
_LIGHT = {
    "be",
    "have",
    "do",
    "say",
    "tell",
    "report",
    "state",
    "add",
    "claim",
    "include",
    "make",
    "take",
    "also",
    "other",
    "several",
    "many",
    "such",
    "own",
    "so",
    "far",
    "more",
    "most",
    "some",
    "any",
    "accord",
    "cite",
    "according",
    "people",
    "thing",
    "way",
    "time",
    "part",
    "lot",
    "one",
}


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The English Snowball stem of a lower-case word."""
    return str(_STEMMER.stemWord(word))


def claim_terms(span: Span) -> tuple[str, ...]:
    """Distinct stems of a span's content lemmas (lower case), in order of first appearance."""
    out: dict[str, None] = {}
    for tok in span:
        lemma = tok.lemma_.lower()
        if tok.is_space or tok.is_punct or tok.is_stop or tok.pos_ not in _POS or lemma in _LIGHT:
            continue
        if tok.like_num or len(lemma) < 2:
            continue
        out[stem(lemma)] = None
    return tuple(out)
