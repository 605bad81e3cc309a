"""RSS and Atom feeds: one report per item, guarded against XML entity bombs.

Feeds often use HTML's named entities (`&eacute;`, `&nbsp;`), which XML does not know without
a DTD. They are rewritten as numeric character references before the guard, so the guard can
go on refusing every DTD that declares entities.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html.entities import html5
from typing import Any

from crosscheck.errors import InputError
from crosscheck.ingest.html import html_to_text
from crosscheck.ingest.normalize import Draft

__all__ = ["looks_like_feed", "read_feed"]


def looks_like_feed(head: str) -> bool:
    """True when the start of a document is an RSS, RDF or Atom feed."""
    sample = head[:2048].lower()
    return "<rss" in sample or "<rdf:rdf" in sample or ("<feed" in sample and "atom" in sample)


# XML's own five entities stay as they are; they need no declaration.
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")


def _numeric_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1).decode("ascii")
    value = html5.get(name + ";")
    if value is None or name in _XML_ENTITIES:
        return match.group(0)
    return "".join(f"&#{ord(ch)};" for ch in value).encode("ascii")


def html_entities_to_numeric(data: bytes) -> bytes:
    """Feed bytes with each named HTML entity written as a numeric character reference
    (`&eacute;` -> `&#233;`); unknown names are left for the guard to refuse."""
    return _ENTITY.sub(_numeric_entity, data) if b"&" in data else data


def _guard(data: bytes, origin: str) -> None:
    """Refuse DTD entity declarations (billion laughs, external entities) and malformed XML
    before feedparser sees the bytes."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InputError(origin, "XML declares entities (possible entity bomb); refused") from None
    except ParseError as exc:
        raise InputError(origin, f"malformed XML: {exc}") from None


def _date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return time.strftime("%Y-%m-%dT%H:%M:%S", parsed)
    value = entry.get("published") or entry.get("updated")
    return str(value) if value else None


def read_feed(data: bytes, origin: str) -> Iterator[Draft | InputError]:
    """One draft per item: title, link, date, author; HTML inside items reduced to text. The
    feed's title is each item's outlet unless the item names its own source."""
    import feedparser

    data = html_entities_to_numeric(data)
    _guard(data, origin)
    feed = feedparser.parse(data)
    if not feed.entries:
        raise InputError(origin, "feed has no items")
    outlet = (feed.feed.get("title") or "").strip() or None
    language = (feed.feed.get("language") or "")[:2].lower() or None
    for number, entry in enumerate(feed.entries, 1):
        link = entry.get("link") or entry.get("id") or f"item-{number}"
        label = f"{origin}#{link}"
        body = ""
        if entry.get("content"):
            body = entry["content"][0].get("value", "")
        body = body or entry.get("summary") or entry.get("description") or ""
        title = html_to_text(entry.get("title") or "").strip()
        text = html_to_text(body).strip()
        if not text and not title:
            yield InputError(label, "feed item has no text")
            continue
        if title and not text.startswith(title):
            text = f"{title}\n{text}"
        source = entry.get("source") or {}
        meta = {
            "title": title or None,
            "url": entry.get("link"),
            "published": _date(entry),
            "author": entry.get("author"),
            "outlet": (source.get("title") if isinstance(source, dict) else None) or outlet,
            "language": language,
        }
        yield Draft(text=text, origin=label, meta={k: v for k, v in meta.items() if v})
