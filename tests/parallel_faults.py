"""Faults planted in analysis worker processes by `tests/test_parallel.py` (importable there:
spawned workers get the parent's sys.path). Each is a `ProcessAnalyser(setup=...)` hook."""

from __future__ import annotations

import os
from typing import Any


def break_two_reports() -> None:
    """In this worker, analysis raises on a report naming Zarentsi and the process dies on one
    naming Halvik."""
    import crosscheck.nlp.figures as figures

    real = figures.extract_figures

    def fragile(doc: Any) -> Any:
        if "Zarentsi" in doc.text:
            raise RuntimeError("the parser broke\nsecond line")
        if "Halvik" in doc.text:
            os._exit(3)  # a worker killed mid-report (out of memory, a crash in native code)
        return real(doc)

    figures.extract_figures = fragile
