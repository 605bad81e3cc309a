"""CLI command for the brief (`crosscheck brief`)."""

from crosscheck.cli import app  # noqa: F401
