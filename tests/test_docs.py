"""Every command of the CLI is documented in the README (the sqlite-utils habit)."""

from pathlib import Path

import typer.main

from crosscheck.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def test_docs_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert len(names) > 10
    missing = [
        name
        for name in names
        if f"crosscheck {name}" not in text and f"`{name} " not in text and f"/ `{name}" not in text
    ]
    assert not missing, f"commands missing from README.md: {missing}"


def test_docs_readme_gives_exactly_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
