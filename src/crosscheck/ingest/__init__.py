"""Ingest: turn anything a user has (files, folders, URLs, stdin) into `Draft`s.

`iter_drafts` yields, for one source, a `Draft` per report, an `InputError` per report that
could not be read (the batch goes on), and `Skipped` for files of other types met inside a
folder. Metadata is layered: what the file itself says, then a `NAME.meta.json` sidecar,
then options given on the command line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crosscheck.errors import InputError, UnsupportedInput
from crosscheck.ingest.feeds import looks_like_feed, read_feed
from crosscheck.ingest.files import DEFAULT_MAX_BYTES, decode, read_capped
from crosscheck.ingest.html import read_html
from crosscheck.ingest.normalize import META_KEYS, Draft, make_document, normalise_text
from crosscheck.ingest.text import read_jsonl, read_markdown, read_text
from crosscheck.ingest.urls import fetch

__all__ = ["Draft", "IngestOptions", "Skipped", "iter_drafts", "make_document", "normalise_text"]

TEXT = {".txt", ".text"}
MARKDOWN = {".md", ".markdown"}
HTML = {".html", ".htm", ".xhtml"}
FEED = {".xml", ".rss", ".atom"}
JSONL = {".jsonl", ".ndjson"}
SIDECAR = ".meta.json"
HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Metadata overrides from the command line, and fetch limits."""

    overrides: dict[str, str] = field(default_factory=dict)
    allow_private: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file inside a folder that is not a report (an image, an archive, plain JSON)."""

    path: str
    reason: str


def iter_drafts(source: str, options: IngestOptions) -> Iterator[Draft | InputError | Skipped]:
    """Every report in one source: a file, a folder (recursively), a URL, or `-` for stdin."""
    if source == "-":
        yield from _apply(_read_bytes(sys.stdin.buffer.read(options.max_bytes + 1), "stdin", options), {}, options)
        return
    if "://" in source or source.lower().startswith(("http:", "https:")):
        yield from _apply(_read_url(source, options), {}, options)
        return
    path = Path(source)
    if path.is_dir():
        yield from _read_dir(path, options)
    elif path.exists() or path.is_symlink():
        kind = _kind(path)
        if kind is None:
            yield UnsupportedInput(
                source,
                f"unsupported file type {path.suffix or '(none)'!r}: crosscheck reads .txt .md .html .xml/.rss/.atom .jsonl",
            )
            return
        yield from _read_with_sidecar(path, source, kind, options)
    else:
        yield InputError(source, "no such file or directory")


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(SIDECAR):
        return None
    suffix = path.suffix.lower()
    for kind, suffixes in (("text", TEXT), ("markdown", MARKDOWN), ("html", HTML), ("feed", FEED), ("jsonl", JSONL)):
        if suffix in suffixes:
            return kind
    return None


def _read_dir(root: Path, options: IngestOptions) -> Iterator[Draft | InputError | Skipped]:
    found = False
    try:
        paths = sorted(p for p in root.rglob("*") if p.is_file())
    except OSError as exc:
        yield InputError(str(root), f"cannot list directory: {exc.strerror}")
        return
    for path in paths:
        label = f"{root.name}/{path.relative_to(root).as_posix()}" if root.name else path.as_posix()
        if path.name.lower().endswith(SIDECAR):
            continue
        kind = _kind(path)
        if kind is None:
            yield Skipped(label, f"not a report type ({path.suffix or 'no extension'})")
            continue
        found = True
        yield from _read_with_sidecar(path, label, kind, options)
    if not found:
        yield InputError(str(root), "directory holds no readable reports (.txt .md .html .xml .jsonl)")


def _read_with_sidecar(path: Path, label: str, kind: str, options: IngestOptions) -> Iterator[Draft | InputError]:
    try:
        sidecar = _sidecar(path, label)
    except InputError as exc:
        yield exc
        return
    yield from _apply(_read_file(path, label, kind, options), sidecar, options)


def _read_file(path: Path, label: str, kind: str, options: IngestOptions) -> Iterator[Draft | InputError]:
    try:
        data = read_capped(path, label, options.max_bytes)
        if kind == "feed":
            yield from _feed(data, label)
            return
        text = decode(data, label)
        del data  # not kept alive (a second copy of the input) while the report is stored
        if kind == "text":
            yield read_text(text, label)
        elif kind == "markdown":
            yield read_markdown(text, label)
        elif kind == "html":
            yield read_html(text, label)
        elif kind == "jsonl":
            yield from read_jsonl(text, label)
    except InputError as exc:
        yield exc


def _feed(data: bytes, label: str) -> Iterator[Draft | InputError]:
    if not data.strip():
        raise InputError(label, "empty file")
    if not looks_like_feed(data[:2048].decode("utf-8", "replace")):
        raise InputError(label, "XML is not an RSS or Atom feed")
    yield from read_feed(data, label)


def _read_bytes(
    data: bytes, label: str, options: IngestOptions, content_type: str = ""
) -> Iterator[Draft | InputError]:
    if len(data) > options.max_bytes:
        yield InputError(label, f"input is over the {options.max_bytes / 1e6:.0f} MB cap")
        return
    try:
        head = data[:2048].decode("utf-8", "replace").lstrip().lower()
        if looks_like_feed(head):
            yield from read_feed(data, label)
        elif content_type in HTML_TYPES or head.startswith(("<!doctype html", "<html")) or "<body" in head:
            yield read_html(decode(data, label), label)
        elif head.startswith(("---\n", "---\r\n")):
            yield read_markdown(decode(data, label), label)
        else:
            yield read_text(decode(data, label), label)
    except InputError as exc:
        yield exc


def _read_url(url: str, options: IngestOptions) -> Iterator[Draft | InputError]:
    try:
        got = fetch(url, allow_private=options.allow_private, max_bytes=options.max_bytes)
    except InputError as exc:
        yield exc
        return
    for item in _read_bytes(got.body, url, options, got.content_type):
        if isinstance(item, Draft) and not item.meta.get("url") and item.origin == url:
            item.meta["url"] = got.url
        yield item


def _sidecar(path: Path, label: str) -> dict[str, str]:
    for candidate in (path.with_name(path.stem + SIDECAR), path.with_name(path.name + SIDECAR)):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"{label} sidecar {candidate.name}", f"unreadable: {exc}") from None
            if isinstance(data, dict):
                return {k: str(data[k]) for k in META_KEYS if data.get(k) is not None}
    return {}


def _apply(
    items: Iterator[Draft | InputError], sidecar: dict[str, str], options: IngestOptions
) -> Iterator[Draft | InputError]:
    """Layer sidecar metadata and command-line overrides over each draft."""
    try:
        for item in items:
            if isinstance(item, Draft):
                item.meta.update(sidecar)
                item.meta.update(options.overrides)
            yield item
    except InputError as exc:
        yield exc
