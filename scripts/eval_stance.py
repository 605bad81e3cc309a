"""Score crosscheck's stance model on the FNC-1 competition test set and the Emergent test set.

Usage: PYTHONPATH=src python scripts/eval_stance.py [--shared PATH]

FNC-1: the official weighted score (+0.25 for a correct related/unrelated decision, +0.75 more
for the right agree/disagree/discuss label), as raw points and % of the maximum, macro-F1 over
the 4 classes (Hanselowski et al. 2018) and per-class F1, next to the published systems (and
their submission files rescored with the same code, as a check of the scorer). Emergent: the
model reads (claimHeadline, articleHeadline) as (claim, context); for/against/observing map to
supports/refutes/discusses. Emergent has no "unrelated" class, so the headline number takes the
stance stage's best label; the 4-way prediction (where "unrelated" counts as wrong) is shown too.
Uses the JSON weights scripts/train_stance.py writes to build/, and numpy. Exits 0 with a message when the data are absent.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from stance_model import load_model  # noqa: E402

FNC_LABELS = ["agree", "disagree", "discuss", "unrelated"]
EMERGENT = {"for": "agree", "against": "disagree", "observing": "discuss"}
PUBLISHED_FNC = [
    ("Talos (SOLAT in the SWEN), leaderboard", "82.02", "0.582*"),
    ("Athene (UKP), leaderboard", "81.97", "0.604*"),
    ("UCL Machine Reading, leaderboard", "81.72", "0.583*"),
    ("FNC-1 baseline, test (commonly cited)", "~75.2", "-"),
    ("FNC-1 baseline, hold-out of train (its README / site)", "79.57 / 79.53", "-"),
]


def fnc_score(gold: list[str], pred: list[str]) -> tuple[float, float]:
    """(score, maximum) of the official FNC-1 scorer."""
    score = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 + (0.75 if g != "unrelated" else 0.0)
        if (g == "unrelated") == (p == "unrelated"):
            score += 0.25
            if g != "unrelated" and g == p:
                score += 0.75
    return score, best


def f1_per_class(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == lab)
        n_pred = sum(1 for p in pred if p == lab)
        n_gold = sum(1 for g in gold if g == lab)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        out[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return out


def confusion(gold: list[str], pred: list[str], labels: list[str], names: dict[str, str] | None = None) -> str:
    counts = Counter(zip(gold, pred, strict=True))
    nm = names or {}
    head = "gold \\ pred".ljust(12) + "".join(nm.get(lab, lab)[:9].rjust(10) for lab in labels)
    rows = [
        nm.get(lab, lab).ljust(12) + "".join(str(counts[(lab, p)]).rjust(10) for p in labels)
        for lab in labels
        if any(g == lab for g in gold)
    ]
    return "\n".join([head, *rows])


def read_csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10**8)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def eval_fnc(base: Path) -> None:
    model = load_model()
    body_rows = read_csv(base / "competition_test_bodies.csv")
    bodies = {int(r["Body ID"]): r["articleBody"] for r in body_rows}
    rows = read_csv(base / "competition_test_stances.csv")
    t0 = time.time()
    x = model.matrix((r["Headline"], bodies[int(r["Body ID"])]) for r in rows)
    pred = [lab for lab, _ in model.predict(x)]
    secs = time.time() - t0
    gold = [r["Stance"] for r in rows]
    score, best = fnc_score(gold, pred)
    f1 = f1_per_class(gold, pred, FNC_LABELS)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    print(
        f"== FNC-1 competition test: {len(rows):,} pairs, {len(bodies)} bodies "
        f"({secs:.0f}s, {1000 * secs / len(rows):.2f} ms/pair incl. features)"
    )
    print(
        f"crosscheck stance model   FNC {score:.2f} / {best:.2f} = {100 * score / best:.2f}%   "
        f"F1m {np.mean(list(f1.values())):.3f}   accuracy {acc:.3f}"
    )
    print("  per-class F1: " + "  ".join(f"{k} {v:.3f}" for k, v in f1.items()))
    print(confusion(gold, pred, FNC_LABELS))
    print("published (FNC % of max, F1m; * = Hanselowski et al. 2018, from memory per README):")
    for name, fnc, f1m in PUBLISHED_FNC:
        print(f"  {name:<55} {fnc:>14}  {f1m}")
    preds_file = base / "system_predictions" / "competition_test_top3_predictions.csv"
    if preds_file.exists():
        sys_rows = read_csv(preds_file)
        print("submission files rescored here (not all are the final official runs):")
        for name in ("talos", "athene", "ucl_riedel"):
            sp = [r[name] for r in sys_rows]
            sg = [r["gold"] for r in sys_rows]
            s, b = fnc_score(sg, sp)
            sf = f1_per_class(sg, sp, FNC_LABELS)
            print(
                f"  {name:<12} FNC {100 * s / b:.2f}%  F1m {np.mean(list(sf.values())):.3f}  "
                + " ".join(f"{v:.3f}" for v in sf.values())
            )
    all_unrel, _ = fnc_score(gold, ["unrelated"] * len(gold))
    print(f"  all-unrelated             FNC {100 * all_unrel / best:.2f}%")


def eval_emergent(base: Path) -> None:
    model = load_model()
    rows = read_csv(base / "url-versions-2015-06-14-clean-test.csv")
    gold = [EMERGENT[r["articleHeadlineStance"]] for r in rows]
    x = model.matrix((r["claimHeadline"], r["articleHeadline"]) for r in rows)
    assert model.stance is not None
    p3 = model.stance.proba(x)
    pred3 = [model.stance_labels[int(k)] for k in p3.argmax(axis=1)]
    pred4 = [lab for lab, _ in model.predict(x)]
    acc3 = sum(g == p for g, p in zip(gold, pred3, strict=True)) / len(gold)
    acc4 = sum(g == p for g, p in zip(gold, pred4, strict=True)) / len(gold)
    f1 = f1_per_class(gold, pred3, ["agree", "disagree", "discuss"])
    names = {"agree": "for", "disagree": "against", "discuss": "observing"}
    print(
        f"\n== Emergent test: {len(rows)} article headlines, "
        f"{len({r['claimId'] for r in rows})} claims (model trained on FNC-1 only)"
    )
    print(
        f"crosscheck stance model   accuracy {100 * acc3:.1f}% (3-way)   "
        f"macro-F1 {np.mean(list(f1.values())):.3f}   "
        f"4-way incl. 'unrelated' as wrong {100 * acc4:.1f}% "
        f"({sum(p == 'unrelated' for p in pred4)} predicted unrelated)"
    )
    print("  per-class F1: " + "  ".join(f"{names[k]} {v:.3f}" for k, v in f1.items()))
    print(confusion(gold, pred3, ["agree", "disagree", "discuss"], names))
    print(
        "published: Ferreira & Vlachos 2016 (LR, trained on Emergent train) 73.3% "
        "(F1 for .789 against .757 observing .623); majority class (for) 46.9%"
    )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args(argv)
    fnc = args.shared / "datasets" / "fnc1"
    emergent = args.shared / "datasets" / "emergent"
    if not fnc.exists() and not emergent.exists():
        print(f"datasets not found under {args.shared}: skipped")
        return 0
    from stance_model import MODEL_PATH

    if not MODEL_PATH.exists():
        print(f"no stance model at {MODEL_PATH}: run scripts/train_stance.py first (needs the train extra)")
        return 0
    if fnc.exists():
        eval_fnc(fnc)
    else:
        print(f"FNC-1 not found at {fnc}: skipped")
    if emergent.exists():
        eval_emergent(emergent)
    else:
        print(f"Emergent not found at {emergent}: skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
