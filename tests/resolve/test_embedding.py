"""Tests for crosscheck.resolve.embedding: unit rows, paraphrases close, offline load, blobs."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import numpy as np
import pytest

from crosscheck.errors import CrosscheckError, LedgerError
from crosscheck.resolve import embedding
from crosscheck.resolve.embedding import (
    DIM,
    MAX_CHARS,
    EmbeddingUnavailable,
    cosine,
    cosine_matrix,
    embed,
    embed_one,
    from_blob,
    to_blob,
)

STRIKE = "Israeli missiles struck a military base near Tehran on Sunday"
PARAPHRASE = "A military base outside Tehran was hit by Israeli missiles on Sunday"
OTHER = "The price of bread in Cairo rose by a third this year"


def test_embedding_rows_are_unit_float32_with_fixed_dim():
    v = embed([STRIKE, PARAPHRASE, OTHER])
    assert v.shape == (3, DIM) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_embedding_paraphrase_closer_than_unrelated():
    v = embed([STRIKE, PARAPHRASE, OTHER])
    assert cosine(v[0], v[1]) > 0.7
    assert cosine(v[0], v[1]) > cosine(v[0], v[2]) + 0.4


def test_embedding_rows_keep_input_order_whatever_the_lengths():
    texts = [OTHER + " " + OTHER, "Gaza", STRIKE, "", PARAPHRASE]
    together = embed(texts)
    for i, text in enumerate(texts):
        assert np.allclose(together[i], embed_one(text), atol=1e-6)


def test_embedding_empty_text_is_zero_row_with_zero_cosine():
    v = embed(["", "   ", STRIKE])
    assert not v[0].any() and not v[1].any()
    assert cosine(v[0], v[2]) == 0.0
    assert embed([]).shape == (0, DIM)


def test_embedding_hostile_text_does_not_raise():
    bad = "\ud800 lone surrogate \x00 and control \u202e characters"
    assert embed([bad]).shape == (1, DIM)
    huge = STRIKE + " x" * 1_000_000
    assert np.allclose(embed_one(huge), embed_one(huge[:MAX_CHARS]), atol=1e-6)


def test_embedding_rejects_a_bare_string_and_non_strings():
    with pytest.raises(TypeError):
        embed(STRIKE)
    with pytest.raises(TypeError):
        embed([STRIKE, 3])  # type: ignore[list-item]


def test_embedding_matryoshka_dims():
    v = embed([STRIKE, PARAPHRASE], dim=128)
    assert v.shape == (2, 128)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    with pytest.raises(ValueError, match="one of"):
        embed([STRIKE], dim=100)


def test_embedding_cosine_matrix_matches_cosine():
    v = embed([STRIKE, PARAPHRASE, OTHER])
    m = cosine_matrix(v)
    assert m.shape == (3, 3)
    assert m[0, 1] == pytest.approx(cosine(v[0], v[1]), abs=1e-5)
    assert cosine_matrix(v[:1], v).shape == (1, 3)


def test_embedding_blob_roundtrip_and_damaged_blob():
    v = embed_one(STRIKE)
    blob = to_blob(v)
    assert isinstance(blob, bytes) and len(blob) == 4 * DIM
    assert np.array_equal(from_blob(blob), v)
    with pytest.raises(LedgerError, match="expected 1024"):
        from_blob(blob[:-4])
    with pytest.raises(ValueError):
        to_blob(np.zeros((2, DIM), dtype=np.float32))


def test_embedding_missing_weights_is_one_line_crosscheck_error(tmp_path: Path):
    with pytest.raises(EmbeddingUnavailable) as info:
        embedding._load(tmp_path)
    assert isinstance(info.value, CrosscheckError)
    message = str(info.value)
    assert "\n" not in message and "cannot be loaded" in message and str(tmp_path) in message


def test_embedding_loads_without_network_and_leaves_logging_alone(monkeypatch: pytest.MonkeyPatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embedding model touched the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(embedding, "_model", None)
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    assert embed([STRIKE]).shape == (1, DIM)
    assert (list(root.handlers), root.level) == before


def test_embedding_equals_wordllamas_own_mean_pooling():
    """The unpadded pooling gives what WordLlama's `embed(norm=True)` gives, text by text."""
    texts = [STRIKE, "Gaza", OTHER + " " + PARAPHRASE]
    ours = embed(texts)
    model = embedding._get_model()
    for i, text in enumerate(texts):
        theirs = np.asarray(model.embed([text], norm=True))[0]
        assert np.allclose(ours[i], theirs, atol=1e-5)
