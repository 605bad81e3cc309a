"""A small learned stance model: does a text support, refute or discuss a claim, or is it unrelated?

Trained by `scripts/train_stance.py` on the FNC-1 training set (49,972 headline/article-body
pairs, Fake News Challenge stage 1, 2017) and evaluated by `scripts/eval_stance.py` on the FNC-1
competition test set and the Emergent test set (see EVALUATION-stance.md). Two stages, as in
the FNC-1 baseline: gradient-boosted trees decide related/unrelated from lexical overlap (TF-IDF
cosine, word and character n-gram overlap), then a second tree ensemble chooses
agree/disagree/discuss from overlap, refuting-word, hedge-word and polarity features.

It is a research baseline for the evaluation scripts, not part of the product: measured on
FNC-1 it labels most attributed news sentences "discuss", so crosscheck's stance rests on the
cluster's proposition and the claim's own polarity and denial cue (ledger/regroup.py). The
weights are plain JSON written by the training script (`build/stance_model.json`: vocabulary with
IDF, word lists, and the trees as arrays), never pickle, and prediction needs only numpy:
scikit-learn is used for training only. Everything the features use (stop words, cue lists) is read from that JSON, so
the features at run time are exactly the ones the trees were trained on.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["LABELS", "StanceModel", "load_model", "predict_stance"]

# Model labels (FNC-1) and the names crosscheck uses for them.
LABELS = {"agree": "supports", "disagree": "refutes", "discuss": "discusses", "unrelated": "unrelated"}

_WORD = re.compile(r"[a-z0-9]+")
_SENT = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+")
_LEAD_CHARS = 255  # the FNC-1 baseline's "first 255 characters" of the body
_MAX_SENTS = 40
_SUFFIXES = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ly")

FloatArray = npt.NDArray[np.float64]


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits)."""
    return _WORD.findall(text.lower().replace("\u2019", "'").replace("'s ", " "))


def stem(word: str) -> str:
    """A crude suffix stripper, enough to match "denies"/"denied" and "reports"/"reported"."""
    for suf in _SUFFIXES:
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word


@dataclass(frozen=True, slots=True, kw_only=True)
class Trees:
    """One gradient-boosted tree ensemble (scikit-learn HistGradientBoosting, exported)."""

    baseline: FloatArray  # (n_outputs,)
    feature: list[npt.NDArray[np.int64]] = field(repr=False)
    threshold: list[FloatArray] = field(repr=False)
    left: list[npt.NDArray[np.int64]] = field(repr=False)
    right: list[npt.NDArray[np.int64]] = field(repr=False)
    value: list[FloatArray] = field(repr=False)
    output: list[int] = field(repr=False)  # which raw score each tree adds to
    # The same trees as plain lists: a single row is walked faster in Python than in numpy.
    nodes: list[tuple[list[int], list[float], list[int], list[int], list[float], int]] = field(repr=False)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Trees:
        trees = d["trees"]
        return cls(
            nodes=[(t["f"], t["t"], t["l"], t["r"], t["v"], int(t["k"])) for t in trees],
            baseline=np.asarray(d["baseline"], dtype=np.float64),
            feature=[np.asarray(t["f"], dtype=np.int64) for t in trees],
            threshold=[np.asarray(t["t"], dtype=np.float64) for t in trees],
            left=[np.asarray(t["l"], dtype=np.int64) for t in trees],
            right=[np.asarray(t["r"], dtype=np.int64) for t in trees],
            value=[np.asarray(t["v"], dtype=np.float64) for t in trees],
            output=[int(t["k"]) for t in trees],
        )

    def raw(self, x: FloatArray) -> FloatArray:
        """Raw scores (n_rows, n_outputs); leaves are nodes whose `left` is -1."""
        n = x.shape[0]
        out = np.tile(self.baseline, (n, 1))
        rows = np.arange(n)
        for f, t, lft, rgt, v, k in zip(
            self.feature,
            self.threshold,
            self.left,
            self.right,
            self.value,
            self.output,
            strict=True,
        ):
            node = np.zeros(n, dtype=np.int64)
            while True:
                inner = lft[node] >= 0
                if not inner.any():
                    break
                go_left = x[rows, np.maximum(f[node], 0)] <= t[node]
                node = np.where(inner, np.where(go_left, lft[node], rgt[node]), node)
            out[:, k] += v[node]
        return out

    def raw_one(self, row: list[float]) -> list[float]:
        """Raw scores of one row, walked in pure Python (about 2 ms for 1,200 trees)."""
        out = [float(v) for v in self.baseline]
        for f, t, lft, rgt, v, k in self.nodes:
            i = 0
            while lft[i] >= 0:
                i = lft[i] if row[f[i]] <= t[i] else rgt[i]
            out[k] += v[i]
        return out

    def proba(self, x: FloatArray) -> FloatArray:
        """Class probabilities: sigmoid for one output (column 1 = positive), else softmax."""
        raw = self.raw(x)
        if raw.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        raw -= raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        out: np.ndarray[tuple[Any, ...], np.dtype[np.float64]] = e / e.sum(axis=1, keepdims=True)
        return out


@dataclass(frozen=True, slots=True)
class _Text:
    """What the features need from one text, computed once per text."""

    lower: str
    question: bool
    tokens: list[str]
    stems: list[str]
    vec: dict[str, float]
    sent_stems: list[list[str]]
    sent_vecs: list[dict[str, float]]


class StanceModel:
    """Features and the two tree ensembles, loaded from the shipped JSON weights."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.meta: dict[str, Any] = data["meta"]
        self.feature_names: list[str] = data["feature_names"]
        self.stop = frozenset(data["stop_words"])
        self.idf: dict[str, float] = data["idf"]
        self.oov_idf = float(data["oov_idf"])
        self.lexicons = {k: frozenset(v) for k, v in data["lexicons"].items()}
        self.related = Trees.from_json(data["related"]) if "related" in data else None
        self.stance = Trees.from_json(data["stance"]) if "stance" in data else None
        self.stance_labels: list[str] = data.get("stance_labels", ["agree", "disagree", "discuss"])
        self.threshold = float(data.get("related_threshold", 0.5))

    # -- text processing ---------------------------------------------------------------
    def _vector(self, stems: Iterable[str]) -> dict[str, float]:
        counts = Counter(s for s in stems if s not in self.stop)
        vec = {w: (1.0 + math.log(c)) * self.idf.get(w, self.oov_idf) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def prepare(self, text: str) -> _Text:
        """Tokens, stems, TF-IDF vectors of the text and of its first sentences."""
        tokens = tokenize(text)
        stems = [stem(t) for t in tokens]
        sents = [s for s in _SENT.split(text) if s.strip()][:_MAX_SENTS] or [text]
        sent_stems = [[stem(t) for t in tokenize(s)] for s in sents]
        return _Text(
            lower=" ".join(tokens),
            question="?" in text,
            tokens=tokens,
            stems=stems,
            vec=self._vector(stems),
            sent_stems=sent_stems,
            sent_vecs=[self._vector(s) for s in sent_stems],
        )

    # -- features ----------------------------------------------------------------------
    def _lex(self, name: str, words: Sequence[str]) -> float:
        lex = self.lexicons[name]
        return float(sum(1 for w in words if w in lex))

    def features(self, claim: _Text, body: _Text) -> list[float]:
        """One feature row, in the order of `feature_names`."""
        h_set = set(claim.stems)
        h_content = [s for s in claim.stems if s not in self.stop] or claim.stems
        b_set = set(body.stems)
        lead_set = set(stem(t) for t in tokenize(body.lower[:_LEAD_CHARS]))
        n_h = max(len(h_content), 1)
        sims = [_cos(claim.vec, v) for v in body.sent_vecs]
        order = sorted(range(len(sims)), key=lambda i: -sims[i])
        top = order[:3]
        top_words = [w for i in top for w in body.sent_stems[i]]
        best = body.sent_stems[order[0]] if order else []
        n_top = max(len(top_words), 1)
        n_body = max(len(body.stems), 1)
        h_lower = claim.lower
        f: dict[str, float] = {
            "cos": _cos(claim.vec, body.vec),
            "cos_max_sent": sims[order[0]] if order else 0.0,
            "cos_top3_sent": sum(sims[i] for i in top) / max(len(top), 1),
            "cos_lead": max(sims[:2]) if sims else 0.0,
            "best_sent_pos": order[0] / max(len(sims), 1) if order else 1.0,
            "jaccard": len(h_set & b_set) / max(len(h_set | b_set), 1),
            "h_in_body": sum(1 for s in h_content if s in b_set) / n_h,
            "h_in_lead": sum(1 for s in h_content if s in lead_set) / n_h,
            "h_in_best": sum(1 for s in h_content if s in set(best)) / n_h,
            "h_count_in_body": float(sum(1 for s in h_content if s in b_set)),
            "h_idf_in_body": _idf_share(self, h_content, b_set),
            "bigrams_in_body": _ngram_share(claim.lower, body.lower, 2),
            "trigrams_in_body": _ngram_share(claim.lower, body.lower, 3),
            "char4_in_body": _char_share(h_lower, body.lower, 4),
            "char8_in_body": _char_share(h_lower, body.lower, 8),
            "char4_in_lead": _char_share(h_lower, body.lower[:_LEAD_CHARS], 4),
            "numbers_in_body": _numbers_share(claim.tokens, set(body.tokens)),
            "h_len": float(len(claim.tokens)),
            "b_len_log": math.log1p(len(body.tokens)),
            "h_question": 1.0 if claim.question else 0.0,
        }
        for name in sorted(self.lexicons):
            h = self._lex(name, claim.stems)
            f[f"h_{name}"] = h
            f[f"b_{name}_rate"] = 1000.0 * self._lex(name, body.stems) / n_body
            f[f"top_{name}_rate"] = 100.0 * self._lex(name, top_words) / n_top
            f[f"best_{name}"] = self._lex(name, best)
            f[f"lead_{name}"] = self._lex(name, body.sent_stems[0] if body.sent_stems else [])
        f["h_polarity"] = f["h_refute"] % 2
        f["b_polarity"] = self._lex("refute", body.stems) % 2
        return [f[name] for name in self.feature_names]

    def matrix(self, pairs: Iterable[tuple[str, str]]) -> FloatArray:
        """Feature rows for (claim, context) pairs; repeated texts are prepared once."""
        cache: dict[str, _Text] = {}

        def get(t: str) -> _Text:
            if t not in cache:
                cache[t] = self.prepare(t)
            return cache[t]

        rows = [self.features(get(c), get(b)) for c, b in pairs]
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(self.feature_names))

    # -- prediction --------------------------------------------------------------------
    def proba(self, x: FloatArray) -> FloatArray:
        """(n, 4) probabilities in FNC-1 order agree, disagree, discuss, unrelated."""
        if self.related is None or self.stance is None:
            raise ValueError("stance model weights are incomplete")
        p_rel = self.related.proba(x)[:, 1]
        p_st = self.stance.proba(x)
        return np.column_stack([p_st * p_rel[:, None], 1.0 - p_rel])

    def predict(self, x: FloatArray) -> list[tuple[str, float]]:
        """FNC-1 labels with a confidence: unrelated below the related threshold, else the
        most probable of agree/disagree/discuss."""
        assert self.related is not None and self.stance is not None
        p_rel = self.related.proba(x)[:, 1]
        p_st = self.stance.proba(x)
        out: list[tuple[str, float]] = []
        for pr, ps in zip(p_rel, p_st, strict=True):
            if pr < self.threshold:
                out.append(("unrelated", float(1.0 - pr)))
            else:
                k = int(np.argmax(ps))
                out.append((self.stance_labels[k], float(ps[k] * pr)))
        return out

    def predict_one(self, row: list[float]) -> tuple[str, float]:
        """`predict` for one feature row, without numpy overhead."""
        assert self.related is not None and self.stance is not None
        p_rel = 1.0 / (1.0 + math.exp(-self.related.raw_one(row)[0]))
        if p_rel < self.threshold:
            return "unrelated", 1.0 - p_rel
        raw = self.stance.raw_one(row)
        top = max(raw)
        e = [math.exp(r - top) for r in raw]
        k = e.index(max(e))
        return self.stance_labels[k], e[k] / sum(e) * p_rel


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def _idf_share(model: StanceModel, words: list[str], body: set[str]) -> float:
    total = sum(model.idf.get(w, model.oov_idf) for w in words) or 1.0
    return sum(model.idf.get(w, model.oov_idf) for w in words if w in body) / total


def _ngram_share(h: str, b: str, n: int) -> float:
    words = h.split()
    grams = {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}
    if not grams:
        return 0.0
    padded = f" {b} "
    return sum(1 for g in grams if f" {g} " in padded) / len(grams)


def _char_share(h: str, b: str, n: int) -> float:
    grams = {h[i : i + n] for i in range(0, max(len(h) - n + 1, 0), max(n // 2, 1))}
    if not grams:
        return 0.0
    return sum(1 for g in grams if g in b) / len(grams)


def _numbers_share(h_tokens: list[str], b_tokens: set[str]) -> float:
    nums = [t for t in h_tokens if t.isdigit()]
    if not nums:
        return -1.0
    return sum(1 for t in nums if t in b_tokens) / len(nums)


MODEL_PATH = Path(__file__).resolve().parents[1] / "build" / "stance_model.json"


@lru_cache(maxsize=1)
def load_model() -> StanceModel:
    """The model `scripts/train_stance.py` wrote (`build/stance_model.json`), loaded once."""
    return StanceModel(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def predict_stance(claim: str, context: str) -> tuple[str, float]:
    """Stance of `context` toward `claim`: supports, refutes, discusses or unrelated, and a
    confidence in [0, 1].

    `claim` plays the FNC-1 headline (the proposition) and `context` the article body (the text
    that takes a stance). Trained on the FNC-1 training set (English news headlines and article
    bodies about 2014-2015 rumours); on short sentence pairs, as in Emergent, it is weaker (see
    EVALUATION-stance.md). Offline, numpy only.
    """
    model = load_model()
    label, conf = model.predict_one(model.features(model.prepare(claim), model.prepare(context)))
    return LABELS[label], conf
