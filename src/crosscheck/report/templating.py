"""The Jinja2 environment the brief and the web app share: autoescaping on, the shared
templates (`report/templates`: the brief, its CSS, and `parts.html` macros) and filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader

__all__ = ["STATUS_WORDS", "TEMPLATES", "environment", "status_word"]

TEMPLATES = Path(__file__).parent / "templates"
STATUS_WORDS = {
    "corroborated": "corroborated",
    "single_source": "one source",
    "unattributed": "unattributed",
    "contested": "contested",
    "denied": "denied",
    "no_comment": "no comment",
}


def status_word(status: str | None, empty: str = "") -> str:
    """The reader's word for a status (`empty` when there is none)."""
    return STATUS_WORDS.get(status or "", status or empty)


def _short(value: Any, n: int = 80) -> Any:
    return (str(value)[: n - 1] + "…") if value and len(str(value)) > n else (value or "")


def environment(*folders: Path) -> Environment:
    """A Jinja2 environment that looks in `folders` first, then in the shared templates.
    Autoescaping is on for every template, whatever its name."""
    env = Environment(
        loader=FileSystemLoader([*folders, TEMPLATES]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["status_word"] = status_word
    env.filters["q"] = lambda value: quote(str(value), safe="")
    env.filters["short"] = _short
    return env
