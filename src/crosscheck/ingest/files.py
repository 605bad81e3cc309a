"""Reading bytes from files and decoding them: size caps, binary detection, legacy encodings."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path
from typing import Any

from crosscheck.errors import InputError

__all__ = ["DEFAULT_MAX_BYTES", "decode", "describe_mode", "read_capped"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def read_capped(path: Path, label: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing (without reading it whole) a file over `max_bytes`, and
    anything that is not a regular file: it is opened without blocking, so a FIFO cannot hang."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(label, "no such file or directory") from None
    except IsADirectoryError:
        raise InputError(label, "is a directory") from None
    except PermissionError:
        raise InputError(label, "permission denied") from None
    except OSError as exc:
        raise InputError(label, f"cannot open: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        mode, size = info.st_mode, info.st_size
        if stat.S_ISDIR(mode):
            raise InputError(label, "is a directory")
        if not stat.S_ISREG(mode):
            raise InputError(label, f"not a regular file ({describe_mode(mode)})")
        if size > max_bytes:
            raise InputError(label, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB cap")
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(label, f"cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise InputError(label, f"file is over the {max_bytes / 1e6:.0f} MB cap")
    return data


def describe_mode(mode: int) -> str:
    """What kind of special file a `st_mode` is, in words."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "a special file"


def decode(data: bytes, label: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM, or UTF-16 with BOM), else a detected legacy
    encoding; binary data and bytes no encoding explains are refused."""
    if not data.strip():
        raise InputError(label, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(label, "invalid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise InputError(label, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = _legacy(data)
    if text is None:
        raise InputError(label, "cannot decode: not UTF-8 and no known encoding fits")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise InputError(label, "binary file, not text")
    return text


# Legacy encodings in the order news text most often comes in; used to break ties between
# decodings that charset_normalizer finds equally clean (it cannot tell cp1252 French from
# cp775 on a short text, and prefers iso8859_3 for cp1250 Polish).
PREFERRED = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1256",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "koi8_r",
    "gb18030",
    "big5",
    "cp932",
    "shift_jis",
    "euc_kr",
)
# Letters that a wrong single-byte guess yields for Turkish (and few living languages use).
_RARE = frozenset("ðþÐÞýÝ")
_CHAOS_MARGIN = 0.05


def _legacy(data: bytes) -> str | None:
    """The most plausible decoding of bytes that are not UTF-8, or None."""
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    if not results:
        return None
    best = min(m.chaos for m in results)
    candidates = [m for m in results if m.chaos <= best + _CHAOS_MARGIN]

    def rank(item: tuple[int, Any]) -> tuple[int, int, int]:
        order, match = item
        names = [match.encoding, *match.could_be_from_charset]
        priority = min([PREFERRED.index(n) for n in names if n in PREFERRED] or [len(PREFERRED)])
        return (_oddities(str(match)[:20000]), priority, order)

    _, chosen = min(enumerate(candidates), key=rank)
    return str(chosen)


def _oddities(text: str) -> int:
    """Signs of a wrong decoding: symbols or digits inside words (Rz¹d), control or
    private-use characters, and rare letters."""
    count = sum(1 for ch in text if ch in _RARE)
    for i in range(1, len(text) - 1):
        ch = text[i]
        if ord(ch) < 128:
            continue
        kind = unicodedata.category(ch)
        if kind in ("Cc", "Co", "Cn") or (kind[0] in "SN" and text[i - 1].isalpha() and text[i + 1].isalpha()):
            count += 1
    return count
