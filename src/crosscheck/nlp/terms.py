"""Content terms of a claim: lemmas of its content words, mapped to shared concepts and
stemmed, so that differently worded claims about one thing share terms."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Span

__all__ = ["claim_terms", "concept_of", "stem"]

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
_SUFFIXES = (
    "isation",
    "ization",
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ised",
    "ized",
    "ise",
    "ize",
    "ers",
    "er",
    "ed",
    "es",
    "s",
)


@lru_cache(maxsize=1)
def _concepts() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Single-word and two-word lemmas -> the concept's name."""
    data = yaml.safe_load(resources.files("crosscheck.data").joinpath("concepts.yaml").read_text(encoding="utf-8"))
    words: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    for group in data:
        name = str(group[0]).lower()
        for item in group:
            parts = str(item).lower().split()
            if len(parts) == 1:
                words.setdefault(parts[0], name)
            elif len(parts) == 2:
                pairs.setdefault((parts[0], parts[1]), name)
    return words, pairs


def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to join 'deployment' and 'deployed'."""
    w = word.lower()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def concept_of(lemma: str) -> str:
    """The concept a lemma belongs to, else its stem."""
    words, _ = _concepts()
    low = lemma.lower()
    return "c:" + words[low] if low in words else stem(low)


def claim_terms(span: Span) -> tuple[str, ...]:
    """Distinct content terms of a span, in order of first appearance."""
    words, pairs = _concepts()
    out: dict[str, None] = {}
    tokens = [t for t in span if not t.is_space and not t.is_punct]
    skip = False
    for i, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        lemma = tok.lemma_.lower()
        if i + 1 < len(tokens):
            pair = pairs.get((lemma, tokens[i + 1].lemma_.lower()))
            if pair:
                out["c:" + pair] = None
                skip = True
                continue
        if tok.is_stop or tok.pos_ not in _POS or lemma in _LIGHT or tok.like_num or len(lemma) < 2:
            continue
        out["c:" + words[lemma] if lemma in words else stem(lemma)] = None
    return tuple(out)
