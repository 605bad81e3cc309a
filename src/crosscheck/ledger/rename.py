"""Which kept claim pairs an actor merge can rescore, found without reading the larger actor.

A pair's score depends on actors only through the actor keys the two claims share (every actor
key weighs the same, resolve/similarity.py) and whether their subjects meet. Folding actor
`gone` into `keep` renames one key into another, so a pair scores differently only when one
claim names both actors (its keys shrink), or one names `gone` and the other `keep` (they now
share one). Either way one end of the pair names the smaller of the two actors: its claims'
kept pairs are the only ones to read, whatever the size of the other.
"""

from __future__ import annotations

import sqlite3

from crosscheck.ledger.features import _chunks, _ids, _marks

__all__ = ["pairs_to_rescore"]

Named = tuple[frozenset[str], frozenset[str]]  # of {gone, keep}: the actors a claim names as actors, as subjects


def pairs_to_rescore(conn: sqlite3.Connection, keep: str, gone: str) -> set[tuple[str, str]]:
    """The kept pairs (a, b) whose score can change when `gone` is folded into `keep`; called
    before the actors table is updated."""
    sizes = {
        actor: conn.execute("SELECT count(*) FROM actors WHERE actor=?", (actor,)).fetchone()[0]
        for actor in (keep, gone)
    }
    smaller = min((keep, gone), key=lambda a: (sizes[a], a))
    rows = conn.execute(
        "SELECT DISTINCT c.id FROM actors a JOIN entities e ON e.id = a.entity JOIN claims c ON c.doc = e.doc "
        "WHERE a.actor = ?",
        (smaller,),
    ).fetchall()
    near = _named(conn, [r[0] for r in rows], keep, gone)
    ends = sorted(c for c, (actors, subjects) in near.items() if actors or subjects)
    pairs: set[tuple[str, str]] = set()
    for chunk in _chunks(ends, 400):
        marks = _marks(chunk)
        pairs |= {
            (str(a), str(b))
            for a, b in conn.execute(
                f"SELECT a, b FROM claim_edges WHERE a IN ({marks}) UNION SELECT a, b FROM claim_edges WHERE b IN ({marks})",
                [*chunk, *chunk],
            )
        }
    others = sorted({c for p in pairs for c in p} - near.keys())
    near.update(_named(conn, others, keep, gone))
    return {(a, b) for a, b in pairs if _changes(near[a], near[b])}


def _changes(x: Named, y: Named) -> bool:
    (ax, sx), (ay, sy) = x, y
    both = len(ax) == 2 or len(ay) == 2
    crossed = bool(ax) and bool(ay) and not (ax & ay)
    return both or crossed or (bool(sx) and bool(sy) and not (sx & sy))


def _named(conn: sqlite3.Connection, claims: list[str], keep: str, gone: str) -> dict[str, Named]:
    """Which of the two actors each claim names, as an actor (its entities) and as a subject."""
    rows = []
    for chunk in _chunks(claims):
        rows += conn.execute(
            f"SELECT id, entities, subjects FROM claims WHERE id IN ({_marks(chunk)})", chunk
        ).fetchall()
    entities = sorted({e for r in rows for e in _ids(r[1]) + _ids(r[2])})
    actor_of: dict[str, str] = {}
    for chunk in _chunks(entities):
        actor_of.update(
            conn.execute(
                f"SELECT entity, actor FROM actors WHERE entity IN ({_marks(chunk)}) AND actor IN (?, ?)",
                [*chunk, keep, gone],
            ).fetchall()
        )
    out: dict[str, Named] = {}
    for claim, ents, subjects in rows:
        out[claim] = (
            frozenset(actor_of[e] for e in _ids(ents) if e in actor_of),
            frozenset(actor_of[e] for e in _ids(subjects) if e in actor_of),
        )
    for claim in claims:
        out.setdefault(claim, (frozenset(), frozenset()))
    return out
