"""Names of inputs made safe to print and to store: file names that are not UTF-8, lone
surrogates, control and bidi characters are shown as escapes instead of acting on a terminal."""

from __future__ import annotations

import unicodedata

__all__ = ["first_surrogate", "visible"]

# Categories shown as escapes: controls, format characters (bidi overrides, zero-width),
# line and paragraph separators, surrogates.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def visible(text: str) -> str:
    """`text` with every character that is not plainly printable written as an escape: a byte
    of a non-UTF-8 file name (kept by Python as U+DC80-U+DCFF) as `\\xNN`, others as `\\uNNNN`."""
    if text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in _HIDDEN:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def first_surrogate(text: str) -> int:
    """The index of the first lone surrogate in `text` (which UTF-8 cannot encode), or -1."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return -1
