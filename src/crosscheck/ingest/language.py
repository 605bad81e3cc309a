"""Language identification with lingua, restricted to the languages crisis reports come in.

Preloading every language costs over a gigabyte, so the detector knows a fixed set
(`LANGUAGES`) and is built once per process, on first use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["LANGUAGES", "detect_language"]

# Characters read to tell the language: lingua is as sure on 1,000 as on the whole text.
SAMPLE = 1000
LANGUAGES = ("en", "ar", "fa", "ur", "fr", "de", "es", "ru", "tr", "uk", "he", "pt", "it", "zh")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it cannot tell."""
    sample = text[:SAMPLE]
    if not any(ch.isalpha() for ch in sample):
        return None
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else None
