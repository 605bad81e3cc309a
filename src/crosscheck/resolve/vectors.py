"""A nearest-neighbour index of claim vectors (usearch HNSW, cosine), keyed by integer ids.

The ledger keeps the vectors themselves in a table (see `embedding.to_blob`); this index is
derived from them: rebuilt with `VectorIndex.from_rows`, or saved next to the ledger and loaded
back. A search costs about the same with 1,000 or 100,000 vectors (a graph walk, not a scan).
Zero vectors (texts without tokens) are not indexed: they are like nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from usearch.index import Index

from crosscheck.errors import LedgerError
from crosscheck.resolve.embedding import DIM, from_blob

__all__ = ["VectorIndex"]

Vectors = npt.NDArray[np.float32]


class VectorIndex:
    """Integer key -> unit vector, searched by cosine similarity."""

    def __init__(
        self,
        dim: int = DIM,
        *,
        connectivity: int | None = None,
        expansion_add: int | None = None,
        expansion_search: int | None = None,
    ) -> None:
        self.dim = dim
        self._index = Index(
            ndim=dim,
            metric="cos",
            dtype="f32",
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=expansion_search,
        )

    def __len__(self) -> int:
        return int(self._index.size)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int | np.integer) and int(key) >= 0 and bool(self._index.contains(int(key)))

    def _matrix(self, vectors: Vectors | Sequence[Vectors]) -> Vectors:
        arr = np.asarray(vectors, dtype=np.float32)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise ValueError(f"vectors must have {self.dim} dimensions, not shape {arr.shape}")
        return np.ascontiguousarray(arr)

    def add(
        self,
        keys: Sequence[int] | npt.NDArray[np.integer],
        vectors: Vectors | Sequence[Vectors],
        *,
        threads: int = 1,
    ) -> int:
        """Index vectors under their keys (a key already present is replaced); returns how many
        were indexed (zero vectors are skipped). `threads=0` uses every core (for a rebuild)."""
        arr = self._matrix(vectors)
        ks = np.asarray(keys, dtype=np.int64).reshape(-1)
        if len(ks) != len(arr):
            raise ValueError(f"{len(ks)} keys for {len(arr)} vectors")
        if (ks < 0).any():
            raise ValueError("vector keys must be non-negative integers")
        if len(np.unique(ks)) != len(ks):
            raise ValueError("duplicate keys in one add()")
        keep = np.linalg.norm(arr, axis=1) > 0
        ks, arr = ks[keep], arr[keep]
        for key in ks:
            if self._index.contains(int(key)):
                self._index.remove(int(key))
        if len(ks):
            self._index.add(ks.astype(np.uint64), arr, threads=threads)
        return len(ks)

    def remove(self, key: int) -> bool:
        """Drop a key; False when it was not indexed."""
        if key < 0 or not self._index.contains(int(key)):
            return False
        self._index.remove(int(key))
        return True

    def search(self, vector: Vectors, k: int = 10, *, min_similarity: float = -1.0) -> list[tuple[int, float]]:
        """The `k` nearest keys with their cosine similarity, most similar first."""
        query = self._matrix(vector)[0]
        if k <= 0 or len(self) == 0 or not np.linalg.norm(query) > 0:
            return []
        found = self._index.search(query, min(k, len(self)), threads=1)
        out = [(int(key), 1.0 - float(dist)) for key, dist in zip(found.keys, found.distances, strict=True)]
        return [(key, sim) for key, sim in out if sim >= min_similarity]

    def keys(self) -> list[int]:
        """Every indexed key."""
        return [int(k) for k in self._index.keys]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to a file (written aside, then moved into place); a LedgerError when
        it cannot be written."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        try:
            self._index.save(str(tmp))
            tmp.replace(target)
        except (OSError, RuntimeError) as exc:
            raise LedgerError(f"{path}: vector index cannot be written: {exc}") from exc

    @classmethod
    def load(cls, path: str | os.PathLike[str], dim: int = DIM) -> VectorIndex:
        """An index saved by `save`; a missing, damaged or other-sized file is a LedgerError."""
        try:
            meta = Index.metadata(str(path))
            if meta is None:
                raise ValueError("not a usearch index")
            if int(meta["dimensions"]) != dim:
                raise ValueError(f"it holds {meta['dimensions']}-dimensional vectors, expected {dim}")
            restored = Index.restore(str(path))
            if restored is None:
                raise ValueError("not a usearch index")
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise LedgerError(f"{path}: vector index cannot be read: {exc}") from exc
        out = cls(dim)
        out._index = restored
        return out

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[int, bytes]], dim: int = DIM, *, batch: int = 4096, threads: int = 1
    ) -> VectorIndex:
        """An index of (key, blob) rows as stored with `embedding.to_blob` (a later row for a
        key replaces an earlier one)."""
        out = cls(dim)
        pending: dict[int, Vectors] = {}
        for key, blob in rows:
            pending[int(key)] = from_blob(blob, dim=dim)
            if len(pending) >= batch:
                out.add(list(pending), np.stack(list(pending.values())), threads=threads)
                pending = {}
        if pending:
            out.add(list(pending), np.stack(list(pending.values())), threads=threads)
        return out
