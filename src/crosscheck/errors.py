"""Errors raised by crosscheck, each with a code and one readable line.

    CrosscheckError
    ├── InputError            a source could not be read as a report
    │   ├── FetchError        a URL could not be fetched (refused, unreachable, too large)
    │   └── UnsupportedInput  a file of a kind crosscheck does not read
    └── LedgerError           the ledger file cannot be opened, written, or is inconsistent
        ├── ReadOnlyLedger    the ledger (or its folder) cannot be written
        └── SchemaError       the ledger was written by a newer crosscheck

The CLI prints `str(error)` on one line and maps the class to an exit code.
"""

from __future__ import annotations

__all__ = [
    "CrosscheckError",
    "FetchError",
    "InputError",
    "LedgerError",
    "ReadOnlyLedger",
    "SchemaError",
    "UnsupportedInput",
]


class CrosscheckError(Exception):
    """Base of every error crosscheck raises on purpose."""

    exit_code = 1


class InputError(CrosscheckError):
    """A source could not be read: `source` names it, the message says why."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.reason = message


class FetchError(InputError):
    """A URL was refused or could not be fetched."""


class UnsupportedInput(InputError):
    """A file whose type crosscheck does not read."""


class LedgerError(CrosscheckError):
    """The ledger cannot be opened or fails its checks."""

    exit_code = 3


class ReadOnlyLedger(LedgerError):
    """The ledger file or its folder is write-protected: only reading commands can use it."""


class SchemaError(LedgerError):
    """The ledger was written by a newer version of crosscheck."""
