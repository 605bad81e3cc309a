"""CLI command for the local web app (`crosscheck serve`)."""

from crosscheck.cli import app  # noqa: F401
