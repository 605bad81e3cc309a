"""A claim's stance toward its cluster: supports, refutes, or discusses."""

from __future__ import annotations

import re

__all__ = ["stance_of"]

# Claims that report that others claim something, without taking a side.
_DISCUSS = re.compile(
    r"\b(reports?|allegations?|claims?|rumou?rs?|speculation)\s+(that|of|suggest\w*|indicate\w*|say|claim\w*|surfaced|emerged)\b"
    r"|\bconcern(ed)?\s+(over|about|by)\s+reports\b|\bif\s+reports\b|\bquestions?\s+about\b",
    re.I,
)


def stance_of(*, polarity: str, certainty: str, kind: str, text: str, cue: str | None) -> str:
    """`refutes` for denials and counter-claims, `discusses` for reports about reports and
    questions, else `supports`."""
    if polarity == "negative":
        return "refutes"
    if kind in ("question", "no_comment") or certainty == "unknown":
        return "discusses"
    if _DISCUSS.search(text) or (cue or "").lower() in {"asked", "questioned", "wondered"}:
        return "discusses"
    return "supports"
