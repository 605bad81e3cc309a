"""crosscheck: turn news reports about a crisis into an evidence ledger."""

from crosscheck.api import AddSummary, add_sources
from crosscheck.errors import CrosscheckError, InputError, LedgerError
from crosscheck.ledger import Ledger

__all__ = ["AddSummary", "CrosscheckError", "InputError", "Ledger", "LedgerError", "__version__", "add_sources"]

__version__ = "0.1.0"
