"""Web pages: the main text and metadata through trafilatura, without boilerplate.

libxml2 (under trafilatura) stops reading a page nested deeper than 255 elements; such a page
falls back to the text of its body read by Python's own HTML parser, which has no depth limit.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from crosscheck.errors import InputError
from crosscheck.ingest.normalize import Draft

__all__ = ["html_to_text", "read_html", "structure_hints"]

_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
# Publication dates declared in the page head, read when trafilatura gives none (it refuses
# dates it cannot check, e.g. later than the machine's clock).
_META_DATE = re.compile(
    r"<meta\b[^>]*?(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|og:published_time|"
    r"datePublished|date|DC\.date(?:\.issued)?|pubdate|publishdate|sailthru\.date)[\"'][^>]*?"
    r"content\s*=\s*[\"']([^\"']{4,40})[\"']",
    re.I,
)
_TIME = re.compile(r"<time\b[^>]*?datetime\s*=\s*[\"']([^\"']{4,40})[\"']", re.I)
# Words a fallback extraction must hold to count as main text rather than leftover menus.
FALLBACK_MIN_WORDS = 25
# Nesting past which libxml2 drops the rest of a page (it stops at 256 levels).
LXML_MAX_DEPTH = 250


def read_html(html: str, origin: str, url: str | None = None) -> Draft:
    """The main text of a page (no navigation, ads, banners, scripts or related links) with its
    title, outlet (og:site_name), author, date, URL and declared language."""
    import trafilatura

    def extract(fast: bool) -> dict[str, Any]:
        found = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            fast=fast,
        )
        return found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})

    # trafilatura's own extractor first; its fallbacks (readability, baseline) also return
    # the navigation of a page that has no article, so their output must be substantial.
    data = extract(fast=True)
    text = (data.get("text") or "").strip()
    if not text:
        data = extract(fast=False)
        text = (data.get("text") or "").strip()
        if len(_WORD.findall(text)) < FALLBACK_MIN_WORDS:
            text = ""
    if not text:
        text, deep_title = _deep_page_text(html)
        data = {**data, "title": data.get("title") or deep_title}
    if not text:
        raise InputError(origin, "HTML page has no main text")
    title = (data.get("title") or "").strip() or None
    if title and not text.startswith(title):
        text = f"{title}\n{text}"
    lang = _LANG.search(html[:4096])
    meta = {
        "title": title,
        "outlet": data.get("sitename") or None,
        "author": data.get("author") or None,
        "published": data.get("date") or _declared_date(html),
        "url": data.get("url") or url,
        "language": data.get("language") or (lang.group(1).lower() if lang else None),
    }
    draft = Draft(text=text, origin=origin, meta={k: v for k, v in meta.items() if v})
    draft.structure = structure_hints(html)
    return draft


# Elements that are structure, not statement (HTML Living Standard: h1-h6 "section headings",
# figcaption "a caption for the figure"), and the class, id, itemprop or rel words that CMSs and
# schema.org (`author`, `caption`, `creditText`) give to bylines, credits and captions.
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MARK_WORDS = (
    ("caption", ("caption", "credittext", "photo-credit", "image-credit")),
    ("credit", ("byline", "author", "credit", "contributor")),
    ("dateline", ("dateline",)),
)
MAX_HINTS = 500
MAX_HINT_CHARS = 400


def _attr_kind(tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
    if tag in _HEADING_TAGS:
        return "heading"
    if tag == "figcaption":
        return "caption"
    words = " ".join((v or "").lower() for k, v in attrs if k in {"class", "id", "itemprop", "rel"})
    if not words:
        return None
    for kind, keys in _MARK_WORDS:
        if any(key in words for key in keys):
            return kind
    return None


class _StructureText(HTMLParser):
    """The text of each heading, caption and byline/credit element of a page, as (kind, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []
        self.found: list[tuple[str, str]] = []
        self.buffers: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        kind = _attr_kind(tag, attrs)
        if kind is not None:
            self.buffers.append((kind, []))
        self.open.append((tag, kind))

    def handle_endtag(self, tag: str) -> None:
        for back in range(1, min(len(self.open), 16) + 1):
            if self.open[-back][0] == tag:
                for _, kind in self.open[-back:]:
                    if kind is not None and self.buffers:
                        self._close()
                del self.open[-back:]
                break

    def _close(self) -> None:
        kind, parts = self.buffers.pop()
        words = " ".join("".join(parts).split())
        if words and len(words) <= MAX_HINT_CHARS and len(self.found) < MAX_HINTS:
            self.found.append((kind, words))

    def handle_data(self, data: str) -> None:
        for _, parts in self.buffers:  # a heading inside a wrapper classed "byline" is both
            parts.append(data)


def structure_hints(html: str) -> list[tuple[str, str]]:
    """(kind, text) of the page's headings, figure captions and byline/credit elements."""
    parser = _StructureText()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        pass  # a malformed marked section: keep what was read
    while parser.buffers:
        parser._close()
    return parser.found


_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
_HIDDEN = frozenset({"script", "style", "noscript", "template", "title", "head"})
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)


class _BodyText(HTMLParser):
    """The text of a page outside scripts, styles and the head, its title, its deepest nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.hidden = 0
        self.depth = 0
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in _VOID:
            return
        if tag == "body":
            self.hidden = 0  # an unclosed <head> ends here
        elif tag in _HIDDEN:
            self.hidden += 1
        self.open.append(tag)
        self.depth = max(self.depth, len(self.open))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        # Close up to the matching tag when it is near the top; ignore stray end tags.
        for back in range(1, min(len(self.open), 16) + 1):
            if self.open[-back] == tag:
                for name in self.open[-back:]:
                    if name in _HIDDEN and self.hidden:
                        self.hidden -= 1
                del self.open[-back:]
                break

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "title":
            self.title.append(data)
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def _deep_page_text(html: str) -> tuple[str, str | None]:
    """The body text and title of a page too deeply nested for libxml2, else ("", None): a
    shallow page in which trafilatura found no text has none worth keeping."""
    if html.count("<") <= LXML_MAX_DEPTH:
        return "", None
    parser = _BodyText()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:
        pass  # html.parser gives up on a malformed marked section (<![foo); keep what it read
    if parser.depth <= LXML_MAX_DEPTH:
        return "", None
    text = "\n".join(line.strip() for line in "".join(parser.parts).split("\n") if line.strip())
    return text, " ".join("".join(parser.title).split()) or None


def _declared_date(html: str) -> str | None:
    """The date a page's head (or first <time>) declares, as given."""
    head = html[:65536]
    found = _META_DATE.search(head) or _TIME.search(head)
    return found.group(1).strip() if found else None


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed item's body): block tags become line breaks."""
    import html as htmllib

    if "<" not in fragment:
        return htmllib.unescape(fragment)
    spaced = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d|/blockquote|/tr)\b[^>]*>", "\n", fragment)
    spaced = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", spaced)
    return htmllib.unescape(_TAGS.sub("", spaced))
