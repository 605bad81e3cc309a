"""A cluster's status from the stances and origins of its claims (DESIGN.md, "Meanings")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Member", "Status", "cluster_status"]


@dataclass(frozen=True, slots=True)
class Member:
    """One claim of a cluster: its stance and origin."""

    claim: str
    stance: str
    origin: str
    origin_kind: str


@dataclass(frozen=True, slots=True)
class Status:
    status: str
    origins: tuple[str, ...]
    refuted_by: tuple[str, ...]
    reason: str


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def cluster_status(members: Sequence[Member]) -> Status:
    """corroborated (2+ independent supporting origins that cite a source, none refuting), single_source,
    contested (supported and refuted), denied (only refuted), unattributed (only outlets'
    own uncited statements support it)."""
    supporting = [m for m in members if m.stance == "supports"]
    refuting = [m for m in members if m.stance == "refutes"]
    origins = _unique([m.origin for m in supporting])
    # Corroboration needs two origins that say where they have it from: an outlet's own uncited
    # sentence (most often a rewrite of the wires or of the very source it sits beside) can be
    # an origin, but it does not confirm anyone (DESIGN.md: "confirmed by independent sources").
    sourced = _unique([m.origin for m in supporting if m.origin_kind != "outlet"])
    refuted_by = _unique([m.origin for m in refuting if m.origin not in origins])
    if refuting and not supporting:
        status = "denied"
    elif refuting and supporting:
        status = "contested"
    elif supporting and all(m.origin_kind == "outlet" for m in supporting):
        status = "unattributed"
    elif len(sourced) >= 2:
        status = "corroborated"
    elif origins:
        status = "single_source"
    else:
        status = "unattributed"
    parts = []
    if origins:
        noun = "independent origin" if len(origins) == 1 else "independent origins"
        parts.append(f"{len(origins)} {noun}: {'; '.join(origins)}.")
    elif members:
        parts.append("No origin supports it; it is only discussed.")
    if refuted_by:
        parts.append(f"Refuted by: {'; '.join(refuted_by)}.")
    if status == "unattributed" and origins:
        parts.append("Only the outlets' own statements, citing no one.")
    elif status == "single_source" and len(origins) > 1:
        parts.append("The others are outlets' own statements, citing no one: they confirm nothing.")
    return Status(status, origins, refuted_by, " ".join(parts))
