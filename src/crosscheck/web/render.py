"""Markup built from hostile text: highlighted documents and sentences (charts are drawn by
`report.charts` through `web/charts.py`).

Nothing here inserts raw report text into HTML: text is cut at span offsets and each
segment is escaped on its own; attributes take only ids and escaped labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Mark", "highlight", "highlight_at"]


@dataclass(frozen=True, slots=True)
class Mark:
    """A span of a text to highlight: `kind` picks the style, `href` where a click goes."""

    start: int
    end: int
    kind: str
    href: str
    label: str = ""
    ident: str = ""


def _a(href: str, cls: str, title: str, body: Markup, ident: str = "") -> Markup:
    attr = f' id="{escape(ident)}"' if ident else ""
    return (
        Markup(f'<a class="{escape(cls)}" href="{escape(href)}" title="{escape(title)}"{attr}>') + body + Markup("</a>")
    )


def highlight(text: str, marks: Sequence[Mark]) -> Markup:
    """`text` escaped, with claims shown as highlighted runs (class `claim`, a click opens the
    claim) and entities, places and figures as links inside them. Overlaps are resolved by
    cutting the text at every span boundary; the innermost mark of a piece wins."""
    n = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    claims = [m for m in marks if m.kind == "claim"]
    inner = [m for m in marks if m.kind != "claim"]
    out: list[Markup] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        over = [m for m in inner if m.start <= a and b <= m.end]
        if over:
            m = min(over, key=lambda x: x.end - x.start)
            piece = _a(m.href, f"hl {m.kind}", m.label or m.kind, piece)
        claim = [m for m in claims if m.start <= a and b <= m.end]
        if claim:
            c = min(claim, key=lambda x: x.end - x.start)
            first = c.start == a
            lead = _a(c.href, "claim-link", c.label or "claim", Markup("¶"), c.ident) if first else Markup("")
            piece = lead + Markup(f'<span class="hl claim" data-href="{escape(c.href)}">') + piece + Markup("</span>")
        out.append(piece)
    return Markup("").join(out)


def highlight_at(text: str, spans: Sequence[tuple[int, int, str]]) -> Markup:
    """`text` escaped with `<mark class=KIND>` around each (start, end, kind), no links."""
    n = len(text)
    spans = sorted((s for s in spans if 0 <= s[0] < s[1] <= n), key=lambda s: s[0])
    out: list[Markup] = []
    at = 0
    for start, end, kind in spans:
        if start < at:
            continue
        out.append(escape(text[at:start]))
        out.append(Markup(f'<mark class="{escape(kind)}">') + escape(text[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)
