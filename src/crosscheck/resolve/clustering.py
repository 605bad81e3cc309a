"""Order-free clustering of claims: average-linkage agglomeration over scored pairs.

The result depends only on the set of items, their pair scores and the constraints, never on
the order items arrived in: merges happen best pair first, ties are broken by item ids, and a
group's name is its smallest key. Constraints are hard: `together` groups start merged (a
user's "same"), and a `apart` pair never ends in one cluster (different figures for one count,
different subjects, a user's "different").

Average linkage (UPGMA; Sokal & Michener 1958) is the standard agglomerative method when
clusters should be cohesive: a claim joins a cluster only if it is, on average, similar to all
its claims, so chains of pairwise-similar claims (A like B, B like C) do not pull unrelated
statements together, as single linkage would.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["average_linkage"]


def average_linkage(
    items: Sequence[str],
    scores: Mapping[tuple[str, str], float],
    threshold: float,
    *,
    together: Iterable[Iterable[str]] = (),
    apart: Iterable[tuple[str, str]] = (),
) -> list[list[str]]:
    """Groups of `items` (each sorted, groups ordered by their first item) such that every
    merge joined two groups whose mean pair score was at least `threshold`. A pair missing
    from `scores` scores 0; `scores` may name a pair in either order."""
    keys = sorted(set(items))
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for group in together:
        members = sorted(k for k in group if k in parent)
        for k in members[1:]:
            ra, rb = find(members[0]), find(k)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = {}
    for k in keys:
        groups.setdefault(find(k), set()).add(k)
    owner = {k: root for root, ks in groups.items() for k in ks}
    blocked: set[tuple[str, str]] = set()
    for a, b in apart:
        if a in owner and b in owner:
            blocked.add(_pair(owner[a], owner[b]))
    # sum of pair scores between groups, their sizes, and each group's neighbours
    sums: dict[tuple[str, str], float] = {}
    for (a, b), s in scores.items():
        if a in owner and b in owner and owner[a] != owner[b] and s > 0:
            p = _pair(owner[a], owner[b])
            sums[p] = sums.get(p, 0.0) + s
    near: dict[str, set[str]] = {g: set() for g in groups}
    for x, y in sums.keys() | blocked:
        near[x].add(y)
        near[y].add(x)
    size = {g: len(ks) for g, ks in groups.items()}
    heap = [(-s / (size[p[0]] * size[p[1]]), p) for p, s in sums.items() if p not in blocked]
    heapq.heapify(heap)
    while heap:
        neg, (a, b) = heapq.heappop(heap)
        if a not in groups or b not in groups or (a, b) in blocked:
            continue
        mean = sums.get((a, b), 0.0) / (size[a] * size[b])
        if abs(mean + neg) > 1e-12:
            continue  # stale entry: the pair was rescored after a merge
        if mean < threshold:
            break
        keep, gone = (a, b) if a < b else (b, a)
        groups[keep] |= groups.pop(gone)
        size[keep] += size.pop(gone)
        sums.pop((a, b), None)
        others = (near.pop(gone) | near[keep]) - {keep, gone}
        near[keep] = others
        for other in others:
            near[other].discard(gone)
            near[other].add(keep)
            p_gone, p_keep = _pair(other, gone), _pair(other, keep)
            moved = sums.pop(p_gone, 0.0)
            if p_gone in blocked:
                blocked.discard(p_gone)
                blocked.add(p_keep)
            if moved:
                sums[p_keep] = sums.get(p_keep, 0.0) + moved
            if p_keep in sums and p_keep not in blocked:
                heapq.heappush(heap, (-sums[p_keep] / (size[p_keep[0]] * size[p_keep[1]]), p_keep))
    return sorted((sorted(ks) for ks in groups.values()), key=lambda g: g[0])


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
