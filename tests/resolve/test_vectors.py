"""Tests for crosscheck.resolve.vectors: add/search/remove, persistence, flat search cost."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from crosscheck.errors import LedgerError
from crosscheck.resolve.embedding import to_blob
from crosscheck.resolve.vectors import VectorIndex


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def filled() -> tuple[VectorIndex, np.ndarray]:
    vecs = _unit(np.random.default_rng(1), 200, 32)
    index = VectorIndex(32)
    assert index.add(list(range(100, 300)), vecs) == 200
    return index, vecs


def test_vectors_search_finds_itself_first_in_order(filled: tuple[VectorIndex, np.ndarray]):
    index, vecs = filled
    hits = index.search(vecs[5], 5)
    assert hits[0][0] == 105 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    sims = [s for _, s in hits]
    assert sims == sorted(sims, reverse=True) and len(hits) == 5
    exact = np.argsort(-(vecs @ vecs[5]))[:5] + 100
    assert [k for k, _ in hits] == exact.tolist()


def test_vectors_remove_and_replace(filled: tuple[VectorIndex, np.ndarray]):
    index, vecs = filled
    assert 105 in index and len(index) == 200
    assert index.remove(105) is True
    assert 105 not in index and len(index) == 199
    assert all(k != 105 for k, _ in index.search(vecs[5], 10))
    assert index.remove(105) is False and index.remove(99999) is False
    index.add([106], vecs[7:8])  # 106 now points at vector 7
    assert len(index) == 199
    assert index.search(vecs[7], 2)[0][1] == pytest.approx(1.0, abs=1e-5)
    assert {k for k, _ in index.search(vecs[7], 2)} == {106, 107}
    assert index.search(vecs[6], 1)[0][0] != 106


def test_vectors_min_similarity_and_small_index():
    index = VectorIndex(4)
    assert index.search(np.ones(4, dtype=np.float32), 3) == []
    index.add([1, 2], np.eye(4, dtype=np.float32)[:2])
    assert [k for k, _ in index.search(np.eye(4, dtype=np.float32)[0], 10)] == [1, 2]
    assert index.search(np.eye(4, dtype=np.float32)[0], 10, min_similarity=0.5) == [(1, pytest.approx(1.0))]
    assert index.search(np.eye(4, dtype=np.float32)[0], 0) == []


def test_vectors_zero_vectors_are_not_indexed():
    index = VectorIndex(4)
    assert index.add([1, 2], np.array([[0, 0, 0, 0], [1, 0, 0, 0]], dtype=np.float32)) == 1
    assert 1 not in index and 2 in index
    assert index.search(np.zeros(4, dtype=np.float32), 3) == []


def test_vectors_bad_input_raises_clear_errors():
    index = VectorIndex(4)
    with pytest.raises(ValueError, match="4 dimensions"):
        index.add([1], np.ones((1, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="2 keys for 1 vectors"):
        index.add([1, 2], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="non-negative"):
        index.add([-1], np.ones((1, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="duplicate"):
        index.add([3, 3], np.ones((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="4 dimensions"):
        index.search(np.ones(5, dtype=np.float32), 1)


def test_vectors_save_load_roundtrip(tmp_path: Path, filled: tuple[VectorIndex, np.ndarray]):
    index, vecs = filled
    index.remove(150)
    path = tmp_path / "claims.usearch"
    index.save(path)
    back = VectorIndex.load(path, 32)
    assert len(back) == 199 and 150 not in back and sorted(back.keys()) == sorted(index.keys())
    assert back.search(vecs[9], 3) == index.search(vecs[9], 3)
    back.add([5000], vecs[:1])  # a loaded index takes new vectors
    assert 5000 in back


def test_vectors_load_rejects_damaged_missing_and_other_dim(tmp_path: Path, filled: tuple[VectorIndex, np.ndarray]):
    bad = tmp_path / "bad.usearch"
    bad.write_bytes(b"not an index" * 10)
    for path in (bad, tmp_path / "missing.usearch"):
        with pytest.raises(LedgerError, match="vector index cannot be read"):
            VectorIndex.load(path, 32)
    with pytest.raises(LedgerError, match="cannot be written"):
        filled[0].save(tmp_path / "no-such-folder" / "x.usearch")
    good = tmp_path / "good.usearch"
    filled[0].save(good)
    with pytest.raises(LedgerError, match="32-dimensional"):
        VectorIndex.load(good, 256)


def test_vectors_from_rows_of_blobs():
    vecs = _unit(np.random.default_rng(2), 10, 256)
    rows = [(i, to_blob(v)) for i, v in enumerate(vecs)] + [(3, to_blob(vecs[0]))]  # a later row replaces
    index = VectorIndex.from_rows(iter(rows), batch=4)
    assert len(index) == 10
    assert {k for k, _ in index.search(vecs[0], 2)} == {0, 3}
    with pytest.raises(LedgerError):
        VectorIndex.from_rows([(1, b"\x00" * 12)])


@pytest.mark.slow
def test_vectors_search_cost_stays_flat_from_1k_to_100k():
    """A search among 100,000 vectors visits and costs about what it does among 1,000 (HNSW),
    where a scan would cost 100 times more. Low-dimensional vectors keep the build quick."""
    rng = np.random.default_rng(3)
    queries = _unit(rng, 200, 8)
    cost: dict[int, tuple[float, float, float]] = {}
    for n in (1_000, 100_000):
        vecs = _unit(rng, n, 8)
        index = VectorIndex(8, connectivity=4, expansion_add=16)
        index.add(np.arange(n), vecs, threads=0)
        distances = np.mean([index._index.search(q, 10).computed_distances for q in queries])
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            for q in queries:
                index.search(q, 10)
            times.append(time.perf_counter() - t0)
        best = np.argmax(vecs @ queries.T, axis=0)
        recall = np.mean([index.search(q, 1)[0][0] == b for q, b in zip(queries, best, strict=True)])
        cost[n] = (float(distances), min(times), float(recall))
    assert cost[100_000][0] < 3 * cost[1_000][0]  # distance computations: measured about 1.4x
    assert cost[100_000][1] < 10 * cost[1_000][1]  # wall time: a loose bound on a shared machine
    assert cost[100_000][2] > 0.9 and cost[1_000][2] > 0.95
