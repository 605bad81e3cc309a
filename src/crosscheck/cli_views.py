"""CLI commands over the analysis: entities, places, claims, figures, clusters, changes."""

from crosscheck.cli import app  # noqa: F401
