"""Ingest: turn anything a user has (files, folders, URLs, stdin) into `Draft`s.

`iter_drafts` yields, for one source, a `Draft` per report, an `InputError` per report that
could not be read (the batch goes on), and `Skipped` for what a folder holds besides reports:
files of other types, and (with `warn`, to be reported) special files, dangling links and
folders it cannot list. Metadata is layered: what the file itself says, then a
`NAME.meta.json` sidecar, then options given on the command line; a value of the wrong type
or an impossible date is dropped with a note on the draft. Every name it yields is made
printable (`labels.visible`), and text no UTF-8 can hold (a lone surrogate) is refused.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crosscheck.errors import InputError, UnsupportedInput
from crosscheck.ingest.feeds import looks_like_feed, read_feed
from crosscheck.ingest.files import DEFAULT_MAX_BYTES, decode, describe_mode, read_capped
from crosscheck.ingest.html import read_html
from crosscheck.ingest.labels import first_surrogate, visible
from crosscheck.ingest.normalize import Draft, check_meta, make_document, normalise_text, parse_published
from crosscheck.ingest.text import read_jsonl, read_markdown, read_text
from crosscheck.ingest.urls import fetch

__all__ = ["Draft", "IngestOptions", "Skipped", "iter_drafts", "make_document", "normalise_text"]

TEXT = {".txt", ".text"}
MARKDOWN = {".md", ".markdown"}
HTML = {".html", ".htm", ".xhtml"}
FEED = {".xml", ".rss", ".atom"}
JSONL = {".jsonl", ".ndjson"}
SIDECAR = ".meta.json"
SIDECAR_MAX_BYTES = 1_000_000
HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Metadata overrides from the command line, and fetch limits."""

    overrides: dict[str, str] = field(default_factory=dict)
    date_from_ingest: bool = False  # a report with no publication date is dated today (the user asks for it)
    allow_private: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something inside a folder that is not a report: a file of another type (an image, plain
    JSON), or, with `warn`, a special file, dangling link or unreadable folder the user is told of."""

    path: str
    reason: str
    warn: bool = False


def iter_drafts(source: str, options: IngestOptions) -> Iterator[Draft | InputError | Skipped]:
    """Every report in one source: a file, a folder (recursively), a URL, or `-` for stdin."""
    for item in _drafts(source, options):
        if isinstance(item, Draft):
            yield _checked(item)
        elif isinstance(item, Skipped):
            yield Skipped(visible(item.path), visible(item.reason), item.warn)
        else:
            yield type(item)(visible(item.source), visible(item.reason))


def _drafts(source: str, options: IngestOptions) -> Iterator[Draft | InputError | Skipped]:
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
        special = _special(path)
        if special:
            yield InputError(source, f"{special}: crosscheck reads regular files, folders, URLs, or - for stdin")
            return
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


def _special(path: Path) -> str | None:
    """Why `path` (not a folder) is no regular file (a FIFO would block a read forever), or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "dangling symbolic link" if path.is_symlink() else None
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    return None if stat.S_ISREG(mode) else f"not a regular file ({describe_mode(mode)})"


def _checked(draft: Draft) -> Draft | InputError:
    """A draft with a printable origin and valid metadata; text no UTF-8 can hold is refused."""
    draft.origin = visible(draft.origin)
    at = first_surrogate(draft.text)
    if at >= 0:
        char = visible(draft.text[at])
        return InputError(draft.origin, f"text holds an invalid character ({char}, a lone surrogate) at {at}; refused")
    notes = [visible(n) for n in draft.notes]
    for key, value in list(draft.meta.items()):
        if value is None:
            continue
        if first_surrogate(value) >= 0:
            notes.append(f"field {key!r} holds an invalid character (a lone surrogate); stored without it")
            del draft.meta[key]
        elif key == "published":
            parsed = parse_published(value)
            if parsed is None:
                notes.append(f"field 'published' {visible(value)[:60]!r} is not a valid date; stored without it")
                del draft.meta[key]
            else:
                draft.meta[key] = parsed
    draft.notes = notes
    return draft


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
        entries = _walk(root)
    except OSError as exc:
        yield InputError(str(root), f"cannot list directory: {exc.strerror}")
        return
    for path, problem in entries:
        label = f"{root.name}/{path.relative_to(root).as_posix()}" if root.name else path.as_posix()
        if problem is not None:
            yield Skipped(label, problem, warn=True)
            continue
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


def _walk(root: Path) -> list[tuple[Path, str | None]]:
    """Everything under `root`, sorted: (path, None) for each regular file (or link to one),
    (path, why) for what cannot be read as a file. Links to folders are not followed (no loops)."""
    found: list[tuple[Path, str | None]] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as exc:
            if folder == root:
                raise
            found.append((folder, f"folder cannot be listed ({exc.strerror})"))
            continue
        for entry in entries:
            path = folder / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(path)
                    continue
                mode = entry.stat().st_mode
            except FileNotFoundError:
                found.append((path, "dangling symbolic link"))
                continue
            except OSError as exc:
                found.append((path, f"cannot be read ({exc.strerror})"))
                continue
            if stat.S_ISREG(mode):
                found.append((path, None))
            elif stat.S_ISDIR(mode):
                found.append((path, "symbolic link to a folder, not followed"))
            else:
                found.append((path, f"not a regular file ({describe_mode(mode)})"))
    return sorted(found)


def _read_with_sidecar(path: Path, label: str, kind: str, options: IngestOptions) -> Iterator[Draft | InputError]:
    try:
        sidecar, notes = _sidecar(path, label)
    except InputError as exc:
        yield exc
        return
    for item in _apply(_read_file(path, label, kind, options), sidecar, options):
        if isinstance(item, Draft):
            item.notes.extend(notes)
        yield item


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


def _sidecar(path: Path, label: str) -> tuple[dict[str, str], list[str]]:
    """The metadata of a report's sidecar, and a note for each field dropped as invalid."""
    for candidate in (path.with_name(path.stem + SIDECAR), path.with_name(path.name + SIDECAR)):
        if candidate.is_file():
            where = f"{label} sidecar {candidate.name}"
            try:
                data = json.loads(read_capped(candidate, where, SIDECAR_MAX_BYTES).decode("utf-8"))
            except ValueError as exc:
                raise InputError(where, f"unreadable: {exc}") from None
            if not isinstance(data, dict):
                return {}, [f"sidecar {candidate.name} is not a JSON object; ignored"]
            meta, notes = check_meta(data)
            return meta, [f"sidecar {candidate.name}: {note}" for note in notes]
    return {}, []


def _apply(
    items: Iterator[Draft | InputError], sidecar: dict[str, str], options: IngestOptions
) -> Iterator[Draft | InputError]:
    """Layer sidecar metadata and command-line overrides over each draft."""
    try:
        for item in items:
            if isinstance(item, Draft):
                item.meta.update(sidecar)
                item.meta.update(options.overrides)
                if options.date_from_ingest and not item.meta.get("published"):
                    item.meta["published"] = datetime.now(UTC).date().isoformat()
                    item.notes.append("no publication date; dated by the time of adding (--date-from-ingest)")
            yield item
    except InputError as exc:
        yield exc
