#!/usr/bin/env python3
"""`make bench`: throughput and memory of crosscheck on a generated corpus.

    python scripts/bench.py [--docs 5000] [--words 300] [--only ingest,baseline] [--json]

Each section is a function `section_<name>(ctx) -> dict` registered in SECTIONS; it gets a
`Context` (the generated corpus, a scratch folder) and returns its measurements. Sections
run in order, each timed separately; `ratios` then compares sections measured in the same
run (so the numbers mean something on any machine). Add a section by writing a function
and appending it to SECTIONS.

The corpus is deterministic (seeded) news-like text: invented places, people, bodies and
figures in the sentence shapes wire reports use, about `--words` words a document.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

# -- the corpus ---------------------------------------------------------------------------

_PLACES = [
    "Velmora",
    "Ostrakan",
    "Dunmere",
    "Karsal",
    "Tirevo",
    "Brannock",
    "Sel Haddar",
    "Quenford",
    "Mirabad",
    "Lutovo",
    "Esker Bay",
    "Halvik",
    "Port Amsel",
    "Zarentsi",
]
_BODIES = [
    "the Interior Ministry",
    "the Red Crescent",
    "the regional governor's office",
    "the United Nations refugee agency",
    "the National Guard",
    "the port authority",
    "a local rights group",
    "the emergency services",
    "the electoral commission",
    "the health ministry",
    "the coast guard",
    "the opposition alliance",
]
_PEOPLE = [
    "Amira Tollen",
    "Jonas Verhelst",
    "Farid Oumar",
    "Lena Marchetti",
    "Tomasz Wielko",
    "Nadia Sorensen",
    "Kwame Adjei",
    "Ines Duarte",
    "Pavel Grinko",
    "Sara Lindqvist",
]
_EVENTS = [
    "flooding",
    "protests",
    "clashes",
    "the earthquake",
    "the ferry disaster",
    "the strike",
    "the wildfires",
    "the evacuation",
    "the election dispute",
]
_VERBS = [
    "said",
    "told reporters",
    "said in a statement",
    "wrote on social media",
    "told a news conference",
    "said on Tuesday",
    "confirmed late on Monday",
]
_HEDGES = ["reportedly", "apparently", "at least", "more than", "about", "nearly", "some"]
_UNITS = [
    "people were killed",
    "people were injured",
    "families were displaced",
    "protesters were arrested",
    "homes were destroyed",
    "soldiers were deployed",
    "people remain missing",
    "villages were cut off",
]
_FILLER = [
    "Roads into {place} remained closed as crews cleared debris from the main bridge.",
    "Residents described long queues for water and fuel in the centre of {place}.",
    "The situation could not be independently verified.",
    "Aid convoys were expected to reach {place} by the end of the week, officials said.",
    "Footage shared online appeared to show smoke rising over the harbour district.",
    "Schools and government offices in {place} will stay closed until further notice.",
    "Mobile networks were down across much of the province for a second day.",
    "Witnesses said security forces fired tear gas to disperse crowds near the square.",
    "The figures could rise as rescue teams reach remote villages, {body} warned.",
    "Talks between the two sides are due to resume on Thursday in {place}.",
]


def news_text(rng: random.Random, words: int) -> str:
    """One invented news report of about `words` words: headline, dateline, paragraphs."""
    place = rng.choice(_PLACES)
    event = rng.choice(_EVENTS)
    lines = [f"{rng.randint(2, 900)} {rng.choice(_UNITS).split()[0]} affected as {event} hit {place}", ""]
    count = 0
    paragraph: list[str] = []
    while count < words:
        kind = rng.random()
        if kind < 0.35:
            sentence = (
                f"{rng.choice(_HEDGES).capitalize()} {rng.randint(3, 25000):,} "
                f"{rng.choice(_UNITS)} in {rng.choice(_PLACES)} during {event}, "
                f"{rng.choice(_BODIES)} {rng.choice(_VERBS)}."
            )
        elif kind < 0.6:
            sentence = (
                f"\u201cWe are doing everything we can,\u201d {rng.choice(_PEOPLE)}, a "
                f"spokesperson for {rng.choice(_BODIES)}, {rng.choice(_VERBS)}."
            )
        elif kind < 0.75:
            sentence = (
                f"{rng.choice(_PEOPLE)} denied that {rng.choice(_BODIES)} had ordered "
                f"the {rng.choice(['curfew', 'closure', 'raids', 'cuts'])} in {place}."
            )
        else:
            sentence = rng.choice(_FILLER).format(place=rng.choice(_PLACES), body=rng.choice(_BODIES))
        paragraph.append(sentence)
        count += len(sentence.split())
        if len(paragraph) >= rng.randint(2, 4):
            lines.append(" ".join(paragraph))
            lines.append("")
            paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n".join(lines).strip() + "\n"


def generate_corpus(folder: Path, docs: int, words: int = 300, seed: int = 2031) -> list[Path]:
    """Write `docs` reports as .txt files (a few with a sidecar) into `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(docs):
        path = folder / f"report-{i:05d}.txt"
        path.write_text(f"{news_text(rng, words)}\nReport number {i}.\n", encoding="utf-8")
        if i % 10 == 0:
            meta = {"outlet": f"Wire {i % 7}", "published": f"2031-03-{1 + i % 28:02d}", "language": "en"}
            (folder / f"report-{i:05d}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths


# -- the sections -------------------------------------------------------------------------


@dataclass
class Context:
    folder: Path
    scratch: Path
    docs: int
    words: int
    base_claims: int = 100_000
    incremental_docs: int = 1000
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def section_baseline(ctx: Context) -> dict[str, Any]:
    """Read each file, sha256 it, insert its text into a bare SQLite table (one transaction
    per file, as the ledger does): the floor any ingest pays."""
    db = ctx.scratch / "baseline.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE docs (sha TEXT PRIMARY KEY, text TEXT)")
    words = 0
    start = time.perf_counter()
    for path in sorted(ctx.folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        conn.execute("BEGIN")
        conn.execute("INSERT OR IGNORE INTO docs VALUES (?, ?)", (hashlib.sha256(text.encode()).hexdigest(), text))
        conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return {
        "documents": ctx.docs,
        "words": words,
        "seconds": round(seconds, 2),
        "docs_per_s": round(ctx.docs / seconds, 1),
        "words_per_s": round(words / seconds),
    }


def section_ingest(ctx: Context) -> dict[str, Any]:
    """`add_sources` over the folder through the Python API, without analysis."""
    from crosscheck.api import add_sources
    from crosscheck.ledger import Ledger

    words = sum(len(p.read_text(encoding="utf-8").split()) for p in ctx.folder.glob("*.txt"))
    with Ledger.open(ctx.scratch / "ingest.db") as ledger:
        start = time.perf_counter()
        summary = add_sources(ledger, [str(ctx.folder)], analyse=False)
        seconds = time.perf_counter() - start
    if summary.added + summary.duplicates != ctx.docs:
        raise SystemExit(f"ingest added {summary.added} of {ctx.docs}: {summary.errors[:3]}")
    return {
        "documents": summary.added,
        "words": words,
        "seconds": round(seconds, 2),
        "docs_per_s": round(summary.added / seconds, 1),
        "words_per_s": round(words / seconds),
        "near_duplicates": summary.near_duplicates,
        "peak_rss_mb": _peak_rss_mb(),
    }


from bench_analysis import section_analysis, section_incremental, section_nlp_bare, section_repetitive  # noqa: E402
from bench_parallel import section_parallel  # noqa: E402

SECTIONS: list[tuple[str, Callable[[Context], dict[str, Any]]]] = [
    ("baseline", section_baseline),
    ("ingest", section_ingest),
    ("nlp_bare", section_nlp_bare),
    ("analysis", section_analysis),
    ("incremental", section_incremental),
    ("repetitive", section_repetitive),
    ("parallel", section_parallel),
]


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Throughput of each section against the baseline measured in the same run."""
    base = results.get("baseline", {}).get("words_per_s")
    out = {}
    if base and results.get("ingest", {}).get("words_per_s"):
        out["ingest/baseline"] = round(results["ingest"]["words_per_s"] / base, 3)
    bare = results.get("nlp_bare", {}).get("words_per_s")
    if bare and results.get("analysis", {}).get("words_per_s"):
        out["analysis/nlp_bare"] = round(results["analysis"]["words_per_s"] / bare, 3)
    if "incremental" in results:
        out["incremental full/empty"] = results["incremental"]["full/empty"]
    if "repetitive" in results:
        out["repetitive add/nlp_bare"] = results["repetitive"]["add/nlp_bare"]
    for key in ("workers_2/workers_1", "dask_2/workers_2"):
        if key in results.get("parallel", {}):
            out[key] = results["parallel"][key]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents to generate")
    parser.add_argument("--words", type=int, default=300, help="words per document")
    parser.add_argument(
        "--only", default="", help="comma-separated sections to run: " + ", ".join(name for name, _ in SECTIONS)
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--base-claims", type=int, default=100_000, help="claims in the full ledger (incremental)")
    parser.add_argument("--incremental-docs", type=int, default=1000, help="documents added (incremental)")
    args = parser.parse_args(argv)
    wanted = [s for s in args.only.split(",") if s] or [name for name, _ in SECTIONS]
    unknown = set(wanted) - {name for name, _ in SECTIONS}
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="crosscheck-bench-") as tmp:
        ctx = Context(
            folder=Path(tmp) / "corpus",
            scratch=Path(tmp),
            docs=args.docs,
            words=args.words,
            base_claims=args.base_claims,
            incremental_docs=args.incremental_docs,
        )
        start = time.perf_counter()
        generate_corpus(ctx.folder, args.docs, args.words)
        print(
            f"generated {args.docs} documents of ~{args.words} words in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
        for name, run in SECTIONS:
            if name in wanted:
                ctx.results[name] = run(ctx)
                print(
                    f"{name:>10}: " + ", ".join(f"{k} {v}" for k, v in ctx.results[name].items()),
                    file=sys.stderr if args.json else sys.stdout,
                )
    report = {"sections": ctx.results, "ratios": ratios(ctx.results), "peak_rss_mb": _peak_rss_mb()}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for key, value in report["ratios"].items():
            print(f"{key:>20}: {value}")
        print(f"{'peak RSS':>20}: {report['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
