"""Text normalisation and the making of `Document` records.

The normalised text is what gets hashed and stored, and what every span of later stages
points into; it is never changed after storing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from crosscheck.records import Document

__all__ = ["Draft", "META_KEYS", "check_meta", "make_document", "normalise_text", "parse_published"]

META_KEYS = ("outlet", "url", "title", "published", "language", "author")

# Runs to make one plain space. A lone plain space is left alone (not matched), so a clean text
# comes back as the same object instead of a copy built from millions of pieces.
_SPACES = re.compile(
    r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)
# Spaces at either end of a line (what str.strip() removes from each line, newlines kept).
_LINE_EDGES = re.compile(r"[^\S\n]+\n[^\S\n]*|\n[^\S\n]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# C0 and C1 control characters other than tab and newline: never text, and a NUL cuts
# SQLite's length() short.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(slots=True)
class Draft:
    """A report read from a source, before normalisation: text, metadata, where it came from,
    notes on metadata that was dropped as invalid (the report is still stored), and the lines
    its own markup calls structure, as (kind, line text) (`ingest.structure`)."""

    text: str
    origin: str
    meta: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    structure: list[tuple[str, str]] = field(default_factory=list)


def normalise_text(text: str) -> str:
    """NFC, one kind of newline and space, no zero-width or control characters, trimmed lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _CONTROLS.sub("", _ZERO_WIDTH.sub("", text))
    text = _SPACES.sub(" ", text)
    text = _LINE_EDGES.sub("\n", text)  # trims every line without splitting the text into lines
    # NFC again: removing a zero-width character can leave a base letter and a combining
    # mark side by side, which the first pass could not compose.
    return unicodedata.normalize("NFC", _BLANKS.sub("\n\n", text).strip())


def parse_published(value: object) -> str | None:
    """An ISO date (or datetime) string from what a page, feed or sidecar gives, else None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?", text):
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return None  # shaped like a date but impossible: 9999-99-99, 2026-02-31
        return text.replace(" ", "T")
    import dateparser  # slow to import: only when a date is not ISO already

    parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    return parsed.isoformat() if parsed else None


def check_meta(values: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """The known metadata fields of a sidecar, JSON record or front matter as strings, and a
    note for each field dropped: a value that is not a string, a `published` that is no date."""
    meta: dict[str, str] = {}
    notes: list[str] = []
    for key in META_KEYS:
        value = values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # absent or blank: nothing to say
        if key == "published" and isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str):
            notes.append(f"field {key!r} is {_kind(value)}, not a string; stored without it")
        elif key == "published":
            parsed = parse_published(value)
            if parsed is None:
                notes.append(f"field 'published' {value[:60]!r} is not a valid date; stored without it")
            else:
                meta[key] = parsed
        else:
            meta[key] = value
    return meta, notes


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return names.get(type(value), f"a {type(value).__name__}")


def make_document(draft: Draft) -> Document:
    """Normalise a draft's text and metadata into a content-addressed `Document`, with its
    structure lines marked."""
    from crosscheck.ingest.structure import mark_structure

    text = normalise_text(draft.text)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = {k: (str(v).strip() or None) if v is not None else None for k, v in draft.meta.items()}
    return Document(
        id=f"d{digest[:15]}",
        sha256=digest,
        text=text,
        origin=draft.origin,
        outlet=meta.get("outlet"),
        title=meta.get("title"),
        url=meta.get("url"),
        published=parse_published(meta.get("published")),
        language=(meta.get("language") or "").lower()[:2] or None,
        author=meta.get("author"),
        structure=mark_structure(text, draft.structure),
    )
