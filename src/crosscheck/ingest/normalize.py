"""Text normalisation and the making of `Document` records.

The normalised text is what gets hashed and stored, and what every span of later stages
points into; it is never changed after storing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from crosscheck.records import Document

__all__ = ["Draft", "META_KEYS", "make_document", "normalise_text", "parse_published"]

META_KEYS = ("outlet", "url", "title", "published", "language", "author")

# Runs to make one plain space. A lone plain space is left alone (not matched), so a clean text
# comes back as the same object instead of a copy built from millions of pieces.
_SPACES = re.compile(
    r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)
# Spaces at either end of a line (what str.strip() removes from each line, newlines kept).
_LINE_EDGES = re.compile(r"[^\S\n]+\n[^\S\n]*|\n[^\S\n]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(slots=True)
class Draft:
    """A report read from a source, before normalisation: text, metadata, where it came from."""

    text: str
    origin: str
    meta: dict[str, str | None] = field(default_factory=dict)


def normalise_text(text: str) -> str:
    """NFC, one kind of newline and space, no zero-width characters, trimmed lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _ZERO_WIDTH.sub("", text)
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
        return text.replace(" ", "T")
    import dateparser  # slow to import: only when a date is not ISO already

    parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    return parsed.isoformat() if parsed else None


def make_document(draft: Draft) -> Document:
    """Normalise a draft's text and metadata into a content-addressed `Document`."""
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
    )
