"""Reading bytes from files and decoding them: size caps, binary detection, legacy encodings."""

from __future__ import annotations

from pathlib import Path

from crosscheck.errors import InputError

__all__ = ["DEFAULT_MAX_BYTES", "decode", "read_capped"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def read_capped(path: Path, label: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing (without reading it whole) a file over `max_bytes`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(label, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB cap")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(label, "no such file or directory") from None
    except IsADirectoryError:
        raise InputError(label, "is a directory") from None
    except PermissionError:
        raise InputError(label, "permission denied") from None
    if len(data) > max_bytes:
        raise InputError(label, f"file is over the {max_bytes / 1e6:.0f} MB cap")
    return data


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
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(label, "cannot decode: not UTF-8 and no known encoding fits")
    text = str(best)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise InputError(label, "binary file, not text")
    return text
