"""Cluster Emergent's article headlines into claims: lexical vs semantic similarity.

Usage: PYTHONPATH=src python scripts/eval_emergent.py [--shared PATH]

Each article headline is an item; the gold cluster is its `claimId`. Signals: (a) lexical, the
ledger's `resolve.similarity.similarity` over features read with spaCy (claim terms; names of
people, organisations and groups as actors; of places as places; IDF weights from the split, as
the ledger's key counts); (b) embedding cosine (`resolve.embedding`, clipped at 0); (c) their
average; (d) a weighted mix, the weight chosen on train. Clustering is average-linkage
agglomeration, merging while the average similarity between two clusters is at least the
threshold. Threshold (and weight) are chosen on TRAIN by B-cubed F1 and reported on TEST, with
the separation AUC of same-claim vs different-claim headline pairs for each signal.
Exits 0 with a message when the dataset is absent.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crosscheck.resolve import similarity as product  # noqa: E402
from crosscheck.resolve.embedding import cosine_matrix, embed  # noqa: E402
from crosscheck.resolve.similarity import ClaimFeatures, similarity  # noqa: E402
from crosscheck.resolve.vectors import VectorIndex  # noqa: E402

ACTORS = {"PERSON", "ORG", "NORP"}
PLACES = {"GPE", "LOC", "FAC"}
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)
WEIGHTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)  # share of the embedding in the mix


def read_split(base: Path, split: str) -> tuple[list[str], list[str]]:
    with open(base / f"url-versions-2015-06-14-clean-{split}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["articleHeadline"] for r in rows], [r["claimId"] for r in rows]


def lexical_matrix(texts: list[str], vectors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ledger's similarity for every pair sharing a key (others score 0, as the ledger never
    compares claims its candidate index does not pair), and which pairs share one: lexical alone,
    or as shipped (word overlap blended with the sentence vectors) when `vectors` are given."""
    import spacy

    from crosscheck.nlp.pipeline import MODEL
    from crosscheck.nlp.terms import claim_terms

    nlp = spacy.load(MODEL, disable=["parser"])  # terms need tags and lemmas, actors need NER
    feats: list[ClaimFeatures] = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=256)):
        actors = frozenset(e.text.lower() for e in doc.ents if e.label_ in ACTORS)
        places = frozenset(e.text.lower() for e in doc.ents if e.label_ in PLACES)
        terms = frozenset(claim_terms(doc[:]))
        vector = None if vectors is None else vectors[i]
        feats.append(ClaimFeatures(id=str(i), doc=str(i), terms=terms, actors=actors, places=places, vector=vector))
    fkeys = [f.keys() for f in feats]  # blocking keys, as in the ledger's candidate index
    posting: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(fkeys):
        for k in ks:
            posting[k].append(i)
    out = np.zeros((len(texts), len(texts)), dtype=np.float32)
    paired = np.zeros((len(texts), len(texts)), dtype=bool)
    for i, f in enumerate(feats):
        for j in {j for k in fkeys[i] for j in posting[k] if j > i}:
            out[i, j] = out[j, i] = similarity(f, feats[j]).score
            paired[i, j] = paired[j, i] = True
    np.fill_diagonal(out, 1.0)
    return out, paired


def candidate_recall(cands: list[set[int]], gold: list[str]) -> tuple[float, float, float]:
    """Share of same-claim pairs (i, j) where j is among i's candidates; share of headlines
    (with a same-claim other) having at least one among them; mean candidates per headline."""
    found = total = hit = has = 0
    for i, c in enumerate(cands):
        same = {j for j, g in enumerate(gold) if g == gold[i] and j != i}
        found += len(same & c)
        total += len(same)
        has += bool(same)
        hit += bool(same & c)
    return found / total, hit / has, float(np.mean([len(c) for c in cands]))


def neighbour_candidates(texts: list[str], k: int) -> list[set[int]]:
    """Each headline's k nearest others by embedding, from the usearch index the ledger would keep."""
    vecs = embed(texts)
    index = VectorIndex()
    index.add(np.arange(len(texts)), vecs)
    return [{key for key, _ in index.search(v, k + 1) if key != i} for i, v in enumerate(vecs)]


def embedding_matrix(texts: list[str], dim: int = 256) -> np.ndarray:
    return np.clip(cosine_matrix(embed(texts, dim=dim)), 0.0, 1.0)


def dendrogram(sim: np.ndarray, floor: float) -> list[tuple[int, int, float]]:
    """Average-linkage merges (a, b, average similarity), highest first, down to `floor`.
    Average linkage is monotone, so cutting at t keeps exactly the merges at or above t."""
    n = len(sim)
    avg = sim.astype(np.float32)  # a copy
    np.fill_diagonal(avg, -np.inf)
    size = np.ones(n)
    merges: list[tuple[int, int, float]] = []
    for _ in range(n - 1):
        flat = int(np.argmax(avg))
        a, b = divmod(flat, n)
        best = float(avg[a, b])
        if best < floor:
            break
        merges.append((a, b, best))
        row = (size[a] * avg[a] + size[b] * avg[b]) / (size[a] + size[b])
        avg[a, :] = row
        avg[:, a] = row
        avg[a, a] = -np.inf
        avg[b, :] = -np.inf
        avg[:, b] = -np.inf
        size[a] += size[b]
    return merges


def cut(n: int, merges: list[tuple[int, int, float]], threshold: float) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, s in merges:
        if s < threshold:
            break
        parent[find(b)] = find(a)
    return [find(i) for i in range(n)]


def bcubed(pred: list[int], gold: list[str]) -> tuple[float, float, float]:
    pair = Counter(zip(pred, gold, strict=True))
    n_pred, n_gold = Counter(pred), Counter(gold)
    p = sum(pair[(c, g)] / n_pred[c] for c, g in zip(pred, gold, strict=True)) / len(pred)
    r = sum(pair[(c, g)] / n_gold[g] for c, g in zip(pred, gold, strict=True)) / len(pred)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def auc(sim: np.ndarray, gold: list[str]) -> float:
    """Probability that a same-claim pair scores above a different-claim pair (ties count half)."""
    iu = np.triu_indices(len(gold), k=1)
    labels = np.asarray(gold)
    same = labels[iu[0]] == labels[iu[1]]
    scores = sim[iu]
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average ranks over ties
    edges = np.flatnonzero(np.diff(sorted_scores)) + 1
    starts = np.concatenate(([0], edges))
    stops = np.concatenate((edges, [len(scores)]))
    for s, e in zip(starts, stops, strict=True):
        ranks[order[s:e]] = (s + e + 1) / 2
    n_pos, n_neg = int(same.sum()), int((~same).sum())
    return float((ranks[same].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def best_threshold(sim: np.ndarray, gold: list[str]) -> tuple[float, tuple[float, float, float]]:
    merges = dendrogram(sim, float(THRESHOLDS[0]))
    scored = [(float(t), bcubed(cut(len(gold), merges, float(t)), gold)) for t in THRESHOLDS]
    return max(scored, key=lambda x: x[1][2])


def test_clusters(sim: np.ndarray, gold: list[str], threshold: float) -> list[int]:
    return cut(len(gold), dendrogram(sim, threshold), threshold)


def per_claim_f1(pred: list[int], gold: list[str]) -> dict[str, float]:
    """Mean B-cubed F1 of each gold claim's headlines, for a paired comparison of two signals."""
    pair = Counter(zip(pred, gold, strict=True))
    n_pred, n_gold = Counter(pred), Counter(gold)
    scores: dict[str, list[float]] = defaultdict(list)
    for c, g in zip(pred, gold, strict=True):
        p, r = pair[(c, g)] / n_pred[c], pair[(c, g)] / n_gold[g]
        scores[g].append(2 * p * r / (p + r))
    return {g: float(np.mean(v)) for g, v in scores.items()}


def speed(texts: list[str]) -> tuple[float, float]:
    """Headlines per second over 1,000 headlines, best of 3: wall clock, and per CPU-second."""
    sample = (texts * (1 + 1000 // max(len(texts), 1)))[:1000]
    embed(sample[:10])  # load the model first
    runs = [_timed(sample) for _ in range(3)]
    return len(sample) / min(r[0] for r in runs), len(sample) / min(r[1] for r in runs)


def _timed(sample: list[str]) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    embed(sample)
    return time.perf_counter() - t0, time.process_time() - c0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    base = args.shared / "datasets" / "emergent"
    if not base.exists():
        print(f"Emergent not found at {base}: skipped")
        return 0
    t0 = time.time()
    train_x, train_y = read_split(base, "train")
    test_x, test_y = read_split(base, "test")
    print(
        f"== Emergent headline clustering: train {len(train_x)} headlines / {len(set(train_y))} claims, "
        f"test {len(test_x)} / {len(set(test_y))}"
    )
    wall, cpu = speed(test_x + train_x)
    print(f"embedding speed: {wall:,.0f} headlines/s wall clock, {cpu:,.0f} per CPU-second (1,000 headlines)")
    (lex_train, _), (lex_test, paired) = lexical_matrix(train_x), lexical_matrix(test_x)
    lex = {"train": lex_train, "test": lex_test}
    emb = {s: {d: embedding_matrix(x, d) for d in (64, 128, 256)} for s, x in (("train", train_x), ("test", test_x))}
    shipped = {s: lexical_matrix(x, embed(x))[0] for s, x in (("train", train_x), ("test", test_x))}
    signals: dict[str, dict[str, np.ndarray]] = {
        "lexical": lex,
        "as shipped (similarity with vectors)": shipped,
        "embedding 256": {s: emb[s][256] for s in emb},
        "embedding 128": {s: emb[s][128] for s in emb},
        "embedding 64": {s: emb[s][64] for s in emb},
        "average (0.5/0.5)": {s: (lex[s] + emb[s][256]) / 2 for s in emb},
    }
    chosen = {name: best_threshold(sim["train"], train_y) for name, sim in signals.items()}
    mixes = {w: best_threshold((1 - w) * lex["train"] + w * emb["train"][256], train_y) for w in WEIGHTS}
    print(
        "mix on train (embedding share: threshold, F1): "
        + ", ".join(f"{w}: {t:.2f} {s[2]:.3f}" for w, (t, s) in mixes.items())
    )
    w = max(mixes, key=lambda k: mixes[k][1][2])
    name = f"mix ({1 - w:.1f} lexical + {w:.1f} embedding)"
    signals[name] = {s: (1 - w) * lex[s] + w * emb[s][256] for s in emb}
    chosen[name] = mixes[w]
    pred = test_clusters(shipped["test"], test_y, product.THRESHOLD)
    p, r, f = bcubed(pred, test_y)
    print(f"as shipped at its THRESHOLD {product.THRESHOLD}: test P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print(f"{'signal':<40} {'thr':>5} {'train F1':>9} | {'test P':>7} {'R':>6} {'F1':>6} {'clusters':>8} {'AUC':>6}")
    per_claim: dict[str, dict[str, float]] = {}
    for name, sim in signals.items():
        thr, (_, _, f_train) = chosen[name]
        pred = test_clusters(sim["test"], test_y, thr)
        (p, r, f), k = bcubed(pred, test_y), len(set(pred))
        per_claim[name] = per_claim_f1(pred, test_y)
        print(
            f"{name:<40} {thr:>5.2f} {f_train:>9.3f} | {p:>7.3f} {r:>6.3f} {f:>6.3f} {k:>8} "
            f"{auc(sim['test'], test_y):>6.3f}"
        )
    n = len(test_y)
    for label, pred in (("baseline: every headline alone", list(range(n))), ("baseline: one cluster", [0] * n)):
        p, r, f = bcubed(pred, test_y)
        print(f"{label:<40} {'':>5} {'':>9} | {p:>7.3f} {r:>6.3f} {f:>6.3f} {len(set(pred)):>8}")
    base = per_claim["lexical"]
    for name in list(signals)[1:]:
        diff = [per_claim[name][g] - base[g] for g in base]
        wins, losses = sum(d > 1e-9 for d in diff), sum(d < -1e-9 for d in diff)
        print(
            f"  per test claim, {name} vs lexical: better on {wins}, worse on {losses}, same on {len(diff) - wins - losses}"
        )
    print("candidates on test (same-claim pairs reached; headlines with at least one; mean candidates):")
    r, h, m = candidate_recall([set(np.flatnonzero(row)) - {i} for i, row in enumerate(paired)], test_y)
    print(f"  {'lexical blocking (a shared key)':<38} pairs {r:.3f}  any {h:.3f}  candidates {m:.1f}")
    for k in (5, 10, 25, 50):
        r, h, m = candidate_recall(neighbour_candidates(test_x, k), test_y)
        print(f"  {f'embedding {k} nearest (usearch)':<38} pairs {r:.3f}  any {h:.3f}  candidates {m:.1f}")
    print(f"({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
