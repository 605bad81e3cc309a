"""Sentence embeddings for claim similarity: WordLlama's static token vectors (l2_supercat,
256 dimensions, shipped inside the `wordllama` wheel), mean-pooled and L2-normalised.

The model is read from the installed package only, never downloaded; it loads lazily, once per
process. Vectors are float32 rows of unit length (a text with no tokens gives a zero row, whose
cosine with anything is 0). The model is Matryoshka-trained, so the first 64 or 128 dimensions
are usable on their own: `embed(texts, dim=128)`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from crosscheck.errors import CrosscheckError, LedgerError

__all__ = [
    "DIM",
    "DIMS",
    "MODEL_ID",
    "EmbeddingUnavailable",
    "cosine",
    "cosine_matrix",
    "embed",
    "embed_one",
    "from_blob",
    "to_blob",
]

Vectors = npt.NDArray[np.float32]

DIM = 256
DIMS = (64, 128, 256)
# Stored next to vectors so that a ledger can tell when they were made by another model.
MODEL_ID = "wordllama-0.4.0.post1/l2_supercat_256"
CONFIG = "l2_supercat"
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
# A claim is a sentence; longer text is cut so that one hostile input cannot pad a batch to gigabytes.
MAX_CHARS = 2000
BATCH = 512

_lock = threading.Lock()
_model: Any = None


class EmbeddingUnavailable(CrosscheckError):
    """The sentence embedding model cannot be loaded."""


def _package_dir() -> Path:
    import wordllama

    return Path(wordllama.__file__).parent


def _load(package_dir: Path | None = None) -> Any:
    """The WordLlama model from the installed wheel. Its import configures the root logger
    (`logging.basicConfig`), which is undone here so that crosscheck's own logging is unchanged."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from wordllama import WordLlama

        folder = package_dir or _package_dir()
        for rel in (WEIGHTS, TOKENIZER):
            if not (folder / rel).is_file():
                raise FileNotFoundError(f"{folder / rel} is missing")
        # cache_dir is the package itself: its default lookup misses its own tokenizer file.
        model = WordLlama.load(config=CONFIG, dim=DIM, cache_dir=folder, disable_download=True)
        model.tokenizer.no_padding()  # `_pooled` needs each text's own tokens
        return model
    except Exception as exc:  # ImportError, FileNotFoundError, a damaged file: one line either way
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EmbeddingUnavailable(f"sentence embedding model ({MODEL_ID}) cannot be loaded: {reason}") from exc
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)


def _get_model() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load()
    return _model


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"embed() takes strings, not {type(text).__name__}")
    if not text.strip():
        return ""
    # The tokenizer wants valid UTF-8: lone surrogates from badly decoded pages become U+FFFD.
    return text[:MAX_CHARS].encode("utf-8", "replace").decode("utf-8")


def _normalise(rows: Vectors) -> Vectors:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: Vectors = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    return out


def embed(texts: Sequence[str], *, dim: int = DIM) -> Vectors:
    """One unit-length float32 row per text, shape (len(texts), dim)."""
    if dim not in DIMS:
        raise ValueError(f"embedding dimension must be one of {DIMS}, not {dim}")
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts; use embed_one() for one text")
    cleaned = [_clean(t) for t in texts]
    out: Vectors = np.zeros((len(cleaned), dim), dtype=np.float32)
    if not cleaned:
        return out
    model = _get_model()
    for start in range(0, len(cleaned), BATCH):
        out[start : start + BATCH] = _normalise(_pooled(model, cleaned[start : start + BATCH])[:, :dim].copy())
    return out


def _pooled(model: Any, texts: list[str]) -> Vectors:
    """Sum of each text's token vectors (the mean's direction), without padding: WordLlama's own
    `embed` pads every batch to its longest text, which is several times slower."""
    encoded = model.tokenizer.encode_batch(texts, add_special_tokens=False)
    lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
    table: Vectors = model.embedding
    sums: Vectors = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    present = lengths > 0
    if present.any():
        ids = np.fromiter(chain.from_iterable(e.ids for e in encoded), dtype=np.int64, count=int(lengths.sum()))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[present]
        sums[present] = np.add.reduceat(table[np.clip(ids, 0, len(table) - 1)], starts, axis=0)
    return sums


def embed_one(text: str, *, dim: int = DIM) -> Vectors:
    """The unit-length vector of one text, shape (dim,)."""
    row: Vectors = embed([text], dim=dim)[0]
    return row


def cosine(a: Vectors, b: Vectors) -> float:
    """Cosine similarity of two vectors; 0 when either is zero."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def cosine_matrix(a: Vectors, b: Vectors | None = None) -> Vectors:
    """Pairwise cosine of the rows of `a` and `b` (or of `a` with itself), for unit rows."""
    out: Vectors = (a @ (a if b is None else b).T).astype(np.float32, copy=False)
    return out


def to_blob(vec: Vectors) -> bytes:
    """A vector as little-endian float32 bytes, for an SQLite BLOB."""
    arr = np.asarray(vec, dtype="<f4")
    if arr.ndim != 1:
        raise ValueError(f"to_blob() takes one vector, not an array of shape {arr.shape}")
    return arr.tobytes()


def from_blob(blob: bytes, *, dim: int = DIM) -> Vectors:
    """The vector stored by `to_blob`; a blob of the wrong size is a damaged ledger."""
    if len(blob) != 4 * dim:
        raise LedgerError(f"stored claim vector has {len(blob)} bytes, expected {4 * dim} ({dim} float32)")
    out: Vectors = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    return out
