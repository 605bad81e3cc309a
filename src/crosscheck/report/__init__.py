"""The brief: what a user reads, as one HTML file or Markdown with a folder of SVG images.

gather_brief(ledger) -> Brief     what the brief says (report.brief)
render_html(brief) -> str         one self-contained page (report.html)
render_markdown(brief, folder)    Markdown plus SVG files (report.markdown)
write_brief(ledger, path)         picks the format from the file name
"""

from __future__ import annotations

from pathlib import Path

from crosscheck.ledger import Ledger
from crosscheck.report.brief import Brief, Limits, gather_brief

__all__ = ["Brief", "Limits", "gather_brief", "write_brief"]


def write_brief(
    ledger: Ledger,
    path: str | Path,
    *,
    topic: str | None = None,
    since: str | None = None,
    limits: Limits | None = None,
) -> Path:
    """Write the brief to `path`: Markdown (images in `<stem>_files/`) when it ends in .md,
    else HTML. Returns the path written."""
    target = Path(path)
    brief = gather_brief(ledger, topic=topic, since=since, limits=limits)
    if target.suffix.lower() in (".md", ".markdown"):
        from crosscheck.report.markdown import render_markdown

        text = render_markdown(brief, target.parent / f"{target.stem}_files")
    else:
        from crosscheck.report.html import render_html

        text = render_html(brief)
    target.write_text(text, encoding="utf-8")
    return target
