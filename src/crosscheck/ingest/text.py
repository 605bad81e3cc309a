"""Plain text, Markdown with YAML front matter, and JSON Lines records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import yaml

from crosscheck.errors import InputError
from crosscheck.ingest.normalize import Draft, check_meta

__all__ = ["read_jsonl", "read_markdown", "read_text"]

# YAML front matter: a first line of ---, then YAML, closed by --- (or ...) on its own line.
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S | re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+", re.M)
# ATX headings ("## Title"), setext headings (a line underlined by === or ---) and images
# ("![alt](src)", whose alt text stays as a line): CommonMark 0.31, sections 4.2, 4.3 and 6.4.
_ATX = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
_SETEXT = re.compile(r"^([^\n]*\S[^\n]*)\n[ \t]{0,3}(?:=+|-+)[ \t]*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]+)\]\(")
_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_FIRST_LINE = re.compile(r"\S[^\n]{0,999}")  # enough for a 300-character title


def read_text(text: str, origin: str) -> Draft:
    """A plain-text report: the first line is usually its headline."""
    line = _FIRST_LINE.search(text)  # found in place: no copy of a long text
    first = line.group().strip() if line else ""
    return Draft(text=text, origin=origin, meta={"title": first[:300] or None})


def read_markdown(text: str, origin: str) -> Draft:
    """Markdown: front matter gives metadata; headings and link syntax are reduced to text."""
    meta: dict[str, str] = {}
    notes: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT.match(text)
    if match:
        try:
            front = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise InputError(origin, f"bad YAML front matter: {str(exc).splitlines()[0]}") from None
        # A block that is not a mapping is a horizontal rule pair, not front matter: keep it.
        if isinstance(front, dict) or front is None:
            meta, notes = check_meta(front or {})
            notes = [f"front matter {note}" for note in notes]
            text = text[match.end() :]
    body = _EMPHASIS.sub(r"\2", _LINK.sub(r"\1", _HEADING.sub("", text)))
    draft = read_text(body, origin)
    draft.structure = _markdown_structure(text)
    draft.meta.update({k: v for k, v in meta.items() if v})
    draft.notes.extend(notes)
    return draft


def _markdown_structure(text: str) -> list[tuple[str, str]]:
    """(kind, line text as it reads once the markup is reduced) for headings and image alt text."""

    def plain(words: str) -> str:
        return _EMPHASIS.sub(r"\2", _LINK.sub(r"\1", words)).strip()

    found = [("heading", plain(m.group(1))) for m in _ATX.finditer(text)]
    found += [("heading", plain(m.group(1))) for m in _SETEXT.finditer(text) if not m.group(1).lstrip().startswith("#")]
    found += [("caption", m.group(1).strip()) for m in _IMAGE.finditer(text)]
    return [(kind, words) for kind, words in found if words]


def read_jsonl(text: str, origin: str) -> Iterator[Draft | InputError]:
    """One report per line: `text` plus metadata fields; a bad line is an error, not the end."""
    found = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = True
        label = f"{origin}#line-{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(label, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputError(label, "record has no 'text' string")
            continue
        meta, notes = check_meta(record)
        ident = record.get("id") or record.get("url")
        where = f"{origin}#{ident}" if ident else label
        yield Draft(text=record["text"], origin=where, meta={k: v for k, v in meta.items() if v}, notes=notes)
    if not found:
        yield InputError(origin, "no records: every line is blank")
