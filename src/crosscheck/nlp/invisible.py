"""Invisible format characters that split words: removed for analysis, kept in the stored text.

A soft hyphen (U+00AD) or a bidi mark (LRM, RLM, ALM, the embeddings and overrides U+202A-202E,
the isolates U+2066-2069) inside "Hez\\u00adbollah" makes the tokenizer and the entity model see
another word, and one actor becomes two. The pipeline reads the text without them; every
span it finds is then mapped back onto the stored text, which spans must index exactly.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

from crosscheck.records import Span

__all__ = ["INVISIBLE", "restore_offsets", "strip_invisible"]

INVISIBLE = re.compile("[\u00ad\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

T = TypeVar("T")


def strip_invisible(text: str) -> tuple[str, list[int] | None]:
    """The text without invisible characters, and for each of its characters (plus one past
    the end) its index in `text`; None when there was nothing to remove."""
    if not INVISIBLE.search(text):
        return text, None
    kept = [i for i, ch in enumerate(text) if not INVISIBLE.match(ch)]
    kept.append(len(text))
    return "".join(text[i] for i in kept[:-1]), kept


def restore_offsets(record: T, raw: str, positions: list[int] | None) -> T:
    """`record` (an `Analysis`, or any record holding `Span`s) with every span's offsets and text
    taken from the stored text `raw` instead of the stripped text the pipeline read."""
    if positions is None:
        return record
    return _restore(record, raw, positions)


def _restore(value: T, raw: str, positions: list[int]) -> T:
    if isinstance(value, Span):
        start = positions[value.start]
        # The end follows the span's last character, not the invisible ones after it.
        end = positions[value.end - 1] + 1 if value.end > value.start else start
        restored: T = replace(value, start=start, end=end, text=raw[start:end])
        return restored
    if isinstance(value, tuple):
        return tuple(_restore(v, raw, positions) for v in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            old = getattr(value, f.name)
            new = _restore(old, raw, positions)
            if new is not old:
                changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value
