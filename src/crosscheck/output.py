"""Shared output for the CLI: a rich table for people, `--json` for machines, and terminal safety.

Report text and file names are hostile: an escape sequence in them could clear the screen, set
the window title or hide text. `visible` makes every control character visible, and the two
consoles (`console`, `err_console`) apply it to everything they print; `write_json` escapes the
characters JSON itself leaves raw. Rich's own colours and cursor codes are not touched.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, HighlighterType, JustifyMethod, OverflowMethod, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

__all__ = ["SafeConsole", "console", "err_console", "print_rows", "safe_text", "visible", "write_json"]

# C0 controls but newline and tab, DEL, C1 controls, and the bidi embeddings, overrides and
# isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI) that reorder what the terminal shows.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What JSON (ensure_ascii=False) leaves raw: DEL, C1 and bidi controls (it escapes C0 itself).
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ESC is shown as ␛, BEL as ␇
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character made visible: C0 (but newline and tab) and DEL as
    their control pictures (ESC as ␛, one column each), C1 as `\\x9b` and bidi controls as
    `\\u202e`. Text without them is returned as it is."""
    return _CONTROLS.sub(_picture, text) if _CONTROLS.search(text) else text


def safe_text(value: object, style: str = "") -> Text:
    """A rich Text of `value` (None: empty) with control characters made visible."""
    return Text("" if value is None else visible(str(value)), style=style)


class SafeConsole(Console):
    """A rich Console that makes control characters visible in all it prints: strings before
    layout (so columns line up), and every rendered piece of text as a last guard. Segments
    rich marks as its own control codes (cursor moves of a progress bar) pass unchanged."""

    def render_str(
        self,
        text: str,
        *,
        style: str | Style = "",
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        emoji: bool | None = None,
        markup: bool | None = None,
        highlight: bool | None = None,
        highlighter: HighlighterType | None = None,
    ) -> Text:
        return super().render_str(
            visible(text),
            style=style,
            justify=justify,
            overflow=overflow,
            emoji=emoji,
            markup=markup,
            highlight=highlight,
            highlighter=highlighter,
        )

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and _CONTROLS.search(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment


console = SafeConsole()
err_console = SafeConsole(stderr=True, highlight=False, soft_wrap=True)


def _escape_json_raw(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def write_json(data: Any) -> None:
    """Print `data` as indented JSON on stdout. Every control character is escaped (`\\u001b`,
    `\\u009b`, `\\u202e`), so the JSON reads back the same and prints safely on a terminal."""
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    # Those characters occur only inside JSON strings, where \\uXXXX means the same character.
    sys.stdout.write(_JSON_RAW.sub(_escape_json_raw, text) + "\n")


def print_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool, title: str | None = None
) -> None:
    """Print rows as JSON lines-free array (machines) or a table (people)."""
    if as_json:
        write_json(list(rows))
        return
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col.replace("_", " "), overflow="fold", no_wrap=col == "id")
    for row in rows:
        table.add_row(*[safe_text(row.get(c)) for c in columns])
    console.print(table)
