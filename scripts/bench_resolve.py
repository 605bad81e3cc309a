#!/usr/bin/env python3
"""Store and resolve alone, replayed from analyses computed once.

    python scripts/bench_resolve.py [--stream repetitive|fnc] [--docs N] [--cache DIR]

The stream's reports are analysed once and the analyses cached (`--cache`, by default
build/bench-resolve); then `Ledger.add(document, analysis=...)` is timed, in CPU seconds, into
an empty ledger. Streams: `repetitive`, the 300 syndicated reports of `bench.py`'s repetitive
section; `fnc`, FNC-1 train bodies of 350 to 650 words (`bench.py`'s parallel section, needs
../shared/datasets). To compare two versions of the code, run the script with each version's
`src` first on PYTHONPATH, alternately: it prints the CPU time per report and a digest of the
ledger it built (pairs, memberships, statuses), equal when the two versions resolve alike.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import crosscheck  # first, so that the version on PYTHONPATH (or installed) is the one timed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(ROOT / "scripts"))


def _repetitive(scratch: Path) -> list[str]:
    import bench
    import bench_analysis

    folder = scratch / "corpus"
    bench.generate_corpus(folder, 100, 300)
    ctx = bench.Context(folder=folder, scratch=scratch, docs=100, words=300)
    pool = [p for t in bench_analysis._texts(ctx, 40) for p in t.split("\n\n") if len(p.split()) > 20][:60]
    return bench_analysis._syndicated(random.Random(5), pool, bench_analysis.REPETITIVE_DOCS)


def _fnc(docs: int) -> list[str]:
    import bench_parallel

    texts = bench_parallel._bodies(docs)
    if not texts:
        raise SystemExit("fnc: FNC-1 bodies not found (needs ../shared/datasets)")
    return texts


def analyses(stream: str, docs: int, cache: Path) -> list[tuple[Any, Any]]:
    """The stream's documents with their analyses, computed once and cached."""
    path = cache / f"{stream}-{docs}.pickle"
    if path.exists():
        return list(pickle.loads(path.read_bytes()))  # noqa: S301 (a file this script wrote)
    from crosscheck.analyse import analyse_documents
    from crosscheck.ingest import Draft, make_document

    with tempfile.TemporaryDirectory() as tmp:
        texts = _repetitive(Path(tmp)) if stream == "repetitive" else _fnc(docs)
    meta = {"language": "en", "published": "2031-03-05"} if stream == "repetitive" else {"language": "en"}
    drafts = [make_document(Draft(text=t, origin=f"{stream}/{i:04d}", meta=meta)) for i, t in enumerate(texts)]
    pairs = [(d, a if not isinstance(a, Exception) else None) for d, a in analyse_documents(drafts[:docs])]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(pairs))
    return pairs


def digest(db: Path) -> str:
    """A digest of what resolution decided: pairs, memberships with stances, statuses."""
    conn = sqlite3.connect(db)
    h = hashlib.sha256()
    for query in (
        "SELECT a, b, score, apart FROM claim_edges ORDER BY a, b",
        "SELECT claim, cluster, stance FROM memberships ORDER BY claim",
        "SELECT id, status, n_origins FROM clusters ORDER BY id",
    ):
        for row in conn.execute(query):
            h.update(repr(row).encode())
    conn.close()
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stream", choices=("repetitive", "fnc"), default="repetitive")
    parser.add_argument("--docs", type=int, default=300, help="reports replayed")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "bench-resolve")
    args = parser.parse_args(argv)
    pairs = analyses(args.stream, args.docs, args.cache)
    from crosscheck.ledger import Ledger

    with tempfile.TemporaryDirectory() as tmp:
        with Ledger.open(Path(tmp) / "warm.db") as warm:  # imports and caches, outside the timing
            for document, analysis in pairs[:3]:
                warm.add(document, analysis=analysis)
        db = Path(tmp) / "ledger.db"
        with Ledger.open(db) as ledger:
            start = time.process_time()
            for document, analysis in pairs:
                ledger.add(document, analysis=analysis)
            seconds = time.process_time() - start
            claims = ledger.count("claims")
        print(
            f"{args.stream}: {len(pairs)} reports, {claims} claims, store and resolve {seconds:.1f} CPU s, "
            f"{1000 * seconds / len(pairs):.1f} ms per report, ledger digest {digest(db)} "
            f"(code: {Path(crosscheck.__file__).parent})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
