"""PLOVER event types for claims, from the lemma of the content's main verb (data/plover.yaml)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml
from spacy.tokens import Span

__all__ = ["event_type", "plover_lexicon"]


@lru_cache(maxsize=1)
def plover_lexicon() -> dict[str, str]:
    """Lemma -> PLOVER type; the first type listing a lemma wins."""
    data = yaml.safe_load(resources.files("crosscheck.data").joinpath("plover.yaml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for kind, lemmas in data.items():
        for lemma in lemmas:
            out.setdefault(str(lemma).lower(), str(kind))
    return out


def event_type(content: Span | None) -> str | None:
    """The event type of the content's main verb, else of its first verb or event noun."""
    if content is None or len(content) == 0:
        return None
    lexicon = plover_lexicon()
    roots = [t for t in content if t.head == t or t.head.i < content.start or t.head.i >= content.end]
    ordered = roots + [t for t in content if t.pos_ == "VERB"] + [t for t in content if t.pos_ == "NOUN"]
    for tok in ordered:
        kind = lexicon.get(tok.lemma_.lower())
        if kind:
            return kind
    return None
