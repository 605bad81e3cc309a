"""A claim's stance toward its cluster: supports, refutes, or discusses (data/stance.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from crosscheck.nlp.terms import stem

__all__ = ["is_anaphoric", "stance_of"]


@dataclass(frozen=True, slots=True)
class _Words:
    sources: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    cues: frozenset[str]
    anaphoric: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    data = yaml.safe_load(resources.files("crosscheck.data").joinpath("stance.yaml").read_text(encoding="utf-8"))
    return _Words(
        sources=frozenset(str(w).lower() for w in data.get("discuss_sources", [])),
        patterns=tuple(re.compile(p, re.I) for p in data.get("discuss_patterns", [])),
        cues=frozenset(str(w).lower() for w in data.get("discuss_cues", [])),
        anaphoric=frozenset(stem(str(w).lower()) for w in data.get("anaphoric_objects", [])),
    )


def is_anaphoric(terms: frozenset[str] | set[str]) -> bool:
    """True when a claim's content only points back at another claim ("the accusation",
    "these reports"), so what it denies is told by its report, not by its own words."""
    words = _words().anaphoric
    return bool(terms) and all(t in words for t in terms)


def stance_of(
    *,
    polarity: str,
    certainty: str,
    kind: str,
    text: str,
    cue: str | None,
    source_text: str = "",
    source_kind: str = "",
) -> str:
    """`refutes` for denials and counter-claims; `discusses` for questions, claims that only
    report that others claim it ("reports suggest ...", "concerned by reports that ..."), and
    unverifiable ones; else `supports`. (A denial's stance, which depends on the cluster, is
    `ledger.resolution.relative_stance`.)"""
    if polarity == "negative":
        return "refutes"
    if kind in ("question", "no_comment") or certainty == "unknown":
        return "discusses"
    words = _words()
    head = source_text.lower().split()[-1] if source_text.strip() else ""
    if (
        source_kind == "anonymous"
        and head in words.sources
        and (cue or "").lower() in words.cues | {"said", "say", "says"}
    ):
        return "discusses"
    if any(p.search(text) for p in words.patterns) or (cue or "").lower() in {"asked", "questioned", "wondered"}:
        return "discusses"
    return "supports"
