"""Origins: collapse a claim's citation chain to who it independently comes from.

The origin of a claim is the innermost *named* source of its chain (source, then `via`): a
named outlet or body answers for the anonymous people it cites. With no one named, it is the
anonymous source as described, qualified by the outlet that cites it; with no one cited at
all, the outlet. A syndicated copy answers with the outlet of what it copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ChainLink", "Origin", "origin_of"]


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One source in a chain: its words, kind, and the canonical name of its entity if any."""

    text: str
    kind: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    name: str
    kind: str  # named | anonymous | outlet


def origin_of(chain: Sequence[ChainLink], outlet: str | None) -> Origin:
    """The origin of a claim whose chain is `chain` (outermost first), published by `outlet`."""
    for link in reversed(chain):
        if link.kind in ("named", "document"):
            return Origin(link.name or link.text, "named")
    outlet_name = outlet or "unknown outlet"
    for link in reversed(chain):
        if link.kind == "anonymous":
            return Origin(f"{link.text}, per {outlet_name}", "anonymous")
    return Origin(outlet_name, "outlet")
