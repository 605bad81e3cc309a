#!/usr/bin/env python3
"""`make bench-scale`: a ledger of a million claims, and what adding to it and reading it cost.

    python scripts/bench_scale.py [--claims 1000000] [--seed-docs 300] [--measure-docs 20]
                                  [--repeat 20] [--work DIR] [--out FILE]

1. Seed: `--seed-docs` real news bodies (FNC-1 train bodies of 300 to 900 words, from
   ../shared/datasets) are added through the real path (`add_sources`: analysis, store,
   resolve). The seed is cached in `--work` and reused when it exists.
2. Bulk: the seed's rows are copied, with every id re-keyed (a 4-hex-digit copy number is
   appended; `actor:` origins, claim keys and JSON id lists follow), until the ledger holds
   `--claims` claims. Each copy is an independent story: its own documents (the text gets one
   closing line naming the copy, so each has its own sha256), entities, actors, claims,
   clusters, series, edges. This is a faster path than resolving a million claims one report
   at a time (today that takes hours here): it writes the rows the real path wrote for the
   seed, but the copies are not resolved against each other. Counts kept per key
   (`key_counts`, `name_key_counts`) are recomputed over the whole ledger at the end.
3. Adding: `--measure-docs` other real bodies, analysis included, into an empty ledger and
   into the big one; reports/s and the ratio.
4. Reading: p95 (of `--repeat` runs) of the CLI (`clusters --limit 50`, `cluster ID`,
   `figures --series --limit 50`, each a new process, so Python's start-up is included), of
   the web app's pages and API in process (FastAPI TestClient on 127.0.0.1), ledger size on
   disk, and the peak RSS of `export --format json` on the seed and on the big ledger.

Prints a markdown block for BENCHMARKS.md (and writes it to `--out` when given).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if p.is_dir()), ROOT.parent / "shared")
BODIES = SHARED / "datasets" / "fnc1" / "train_bodies.csv"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


# -- real bodies ------------------------------------------------------------------------------


def real_bodies(skip: int, count: int) -> list[str]:
    """FNC-1 train bodies of 300 to 900 words, in file order, from the `skip`-th on."""
    if not BODIES.exists():
        raise SystemExit(f"{BODIES}: not found (needs ../shared/datasets)")
    csv.field_size_limit(10_000_000)
    out: list[str] = []
    with BODIES.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            words = len(row["articleBody"].split())
            if 300 <= words <= 900:
                out.append(row["articleBody"])
            if len(out) >= skip + count:
                break
    return out[skip : skip + count]


def write_folder(folder: Path, texts: list[str], tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        day = 1 + i % 28
        meta = f"---\ntitle: {tag} report {i}\noutlet: Wire {i % 23}\npublished: 2026-02-{day:02d}\n---\n"
        (folder / f"{tag}-{i:05d}.md").write_text(meta + text, encoding="utf-8")
    return folder


def add_folder(ledger_path: Path, folder: Path) -> tuple[float, int]:
    """Seconds to add every report of `folder` through the real path (analysis included)."""
    from crosscheck.api import add_sources
    from crosscheck.ledger import Ledger

    with Ledger.open(ledger_path) as ledger:
        start = time.perf_counter()
        summary = add_sources(ledger, [str(folder)])
        seconds = time.perf_counter() - start
    if summary.failed:
        raise SystemExit(f"adding {folder} failed for {summary.failed} reports")
    return seconds, summary.added


# -- the bulk copy ------------------------------------------------------------------------------

# Columns holding ids, per table; `json` columns hold lists of ids; `actor` columns hold
# `actor:ID` origins or plain strings.
_IDS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "duplicate_of"),
    "document_bands": ("doc",),
    "analyses": ("doc",),
    "entities": ("id", "doc"),
    "entity_mentions": ("entity", "doc"),
    "places": ("id", "doc"),
    "place_mentions": ("place", "doc"),
    "relations": ("id", "doc", "subject", "object"),
    "claims": ("id", "doc", "source_entity"),
    "figures": ("id", "doc", "claim", "place", "part_of"),
    "judgements": ("a", "b"),
    "name_keys": ("entity",),
    "actors": ("entity", "actor"),
    "claim_origins": ("claim",),
    "claim_keys": ("claim",),
    "memberships": ("claim", "cluster"),
    "clusters": ("id",),
    "changes": ("subject", "doc"),
    "series": ("id",),
    "series_points": ("figure", "series"),
    "claim_edges": ("a", "b"),
    "claim_vectors": ("claim",),
}
_JSON_IDS = {"claims": ("entities", "places", "figures")}
_ACTOR_REFS = {"claim_origins": ("origin",), "series": ("origin",), "claim_keys": ("key",)}
_SKIP = {"judgements": ("id",), "changes": ("id",)}  # integer keys the copy numbers anew


def _rekey(expr: str, suffix: str) -> str:
    return f"CASE WHEN {expr} IS NULL THEN NULL ELSE {expr} || '{suffix}' END"


def _copy_sql(conn: sqlite3.Connection, table: str, suffix: str) -> str:
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in _SKIP.get(table, ())]
    exprs = []
    for col in cols:
        if col in _IDS.get(table, ()):
            exprs.append(_rekey(col, suffix))
        elif col in _JSON_IDS.get(table, ()):
            exprs.append(f"(SELECT json_group_array(j.value || '{suffix}') FROM json_each({col}) j)")
        elif col in _ACTOR_REFS.get(table, ()):
            exprs.append(f"CASE WHEN {col} LIKE 'actor:%' OR {col} LIKE 'a:%' THEN {col} || '{suffix}' ELSE {col} END")
        elif table == "claims" and col == "via":
            exprs.append(
                "(SELECT json_group_array(CASE WHEN json_extract(j.value, '$.entity') IS NULL THEN json(j.value) "
                f"ELSE json_set(j.value, '$.entity', json_extract(j.value, '$.entity') || '{suffix}') END) "
                "FROM json_each(via) j)"
            )
        elif table == "documents" and col == "text":
            exprs.append(f"text || char(10) || 'Copy {suffix}.'")
        elif table == "documents" and col == "sha256":
            exprs.append(f"bench_sha(text || char(10) || 'Copy {suffix}.')")
        else:
            exprs.append(col)
    names = ", ".join(cols)
    return f"INSERT INTO {table} ({names}) SELECT {', '.join(exprs)} FROM seed.{table}"


def bulk_copy(seed: Path, target: Path, claims: int) -> dict[str, Any]:
    """Copy the seed's rows into `target` (a copy of the seed) until it holds `claims` claims."""
    from crosscheck.ledger import Ledger

    shutil.copy(seed, target)
    Ledger.open(target).close()  # migrations
    conn = sqlite3.connect(target, isolation_level=None)
    conn.create_function("bench_sha", 1, lambda t: hashlib.sha256(t.encode()).hexdigest(), deterministic=True)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA foreign_keys = OFF")  # every referenced row is copied in the same transaction
    conn.execute("PRAGMA cache_size = -200000")
    conn.execute("ATTACH DATABASE ? AS seed", (f"file:{seed}?mode=ro",))
    per_copy = conn.execute("SELECT count(*) FROM seed.claims").fetchone()[0]
    copies = max(math.ceil(claims / per_copy) - 1, 0)
    start = time.perf_counter()
    # Row triggers (full-text index, actor_board) are dropped while copying and their tables
    # rebuilt once at the end: the same rows, written faster.
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:  # built once at the end, from sorted keys
        conn.execute(f"DROP INDEX {name}")
    sqls = [_copy_sql(conn, t, "{S}") for t in _IDS]
    for k in range(1, copies + 1):
        suffix = f"{k:04x}"
        conn.execute("BEGIN")
        for sql in sqls:
            conn.execute(sql.replace("{S}", suffix))
        conn.execute("COMMIT")
        if k % 20 == 0:
            print(f"  copy {k}/{copies}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')")
    conn.execute("DELETE FROM actor_board")
    conn.execute(
        "INSERT INTO actor_board (actor, mentions, members, name_key) "
        "SELECT a.actor, sum((SELECT count(*) FROM entity_mentions m WHERE m.entity = a.entity)), count(*), "
        "coalesce((SELECT lower(name) FROM entities WHERE id = a.actor), '') FROM actors a GROUP BY a.actor"
    )
    for _, sql in [*indexes, *triggers]:
        conn.execute(sql)
    conn.execute("DELETE FROM key_counts")
    conn.execute("INSERT INTO key_counts SELECT key, count(*) FROM claim_keys GROUP BY key")
    conn.execute("DELETE FROM name_key_counts")
    conn.execute("INSERT INTO name_key_counts SELECT key, count(*) FROM name_keys GROUP BY key")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE seed")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    held = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    conn.close()
    return {"copies": copies + 1, "claims_per_copy": per_copy, "claims": held, "seconds": time.perf_counter() - start}


# -- reading -------------------------------------------------------------------------------------


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def cli_p95(ledger: Path, args: list[str], repeat: int) -> tuple[float, float]:
    """p95 wall seconds and p95 CPU seconds (user + system) of a CLI command, each run a new
    process (logged). CPU time is what a busy shared machine does not inflate."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "crosscheck", "--ledger", str(ledger), *args],
            env=ENV,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"  CLI {' '.join(args)}: p95 {p95(walls) * 1000:.0f} ms, CPU {p95(cpus) * 1000:.0f} ms", file=sys.stderr)
    return p95(walls), p95(cpus)


def web_p95(ledger: Path, paths: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """p95 wall seconds and p95 CPU seconds of each path, through a TestClient on 127.0.0.1
    (one warm-up each); CPU time is the whole process's (server and client threads)."""
    from fastapi.testclient import TestClient

    from crosscheck.web.app import create_app

    out = {}
    with TestClient(create_app(ledger), base_url="http://127.0.0.1") as client:
        for path in paths:
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path}: not 200")
            walls, cpus = [], []
            for _ in range(repeat):
                start, cpu = time.perf_counter(), time.process_time()
                client.get(path)
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            out[path] = (p95(walls), p95(cpus))
            print(f"  web {path}: p95 {out[path][0] * 1000:.0f} ms, CPU {out[path][1] * 1000:.0f} ms", file=sys.stderr)
    return out


def export_rss(ledger: Path, out: Path) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of `crosscheck export --format json` in its own process."""
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)"
    )
    cmd = [sys.executable, "-m", "crosscheck", "--ledger", str(ledger), "export", "--format", "json", "-o", str(out)]
    got = subprocess.run([sys.executable, "-c", code, *cmd], env=ENV, check=True, capture_output=True, text=True)
    kb, seconds = got.stdout.split()
    out.unlink()
    return int(kb) / 1024, float(seconds)


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


# -- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000, help="claims in the big ledger")
    parser.add_argument("--seed-docs", type=int, default=300, help="real reports added through the real path")
    parser.add_argument("--measure-docs", type=int, default=20, help="real reports added to measure adding")
    parser.add_argument("--repeat", type=int, default=20, help="runs per read measurement")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench-scale", help="scratch folder")
    parser.add_argument("--out", type=Path, help="also write the markdown block here")
    parser.add_argument("--skip-big-export", action="store_true", help="export only the seed (the big one is slow)")
    args = parser.parse_args(argv)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    log = lambda msg: print(f"[{time.perf_counter() - t0:6.0f} s] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    seed = work / f"seed-{args.seed_docs}.db"
    seed_seconds = None
    if not seed.exists():
        log(f"seed: adding {args.seed_docs} real reports through the real path")
        folder = write_folder(work / "seed-in", real_bodies(0, args.seed_docs), "seed")
        partial = work / "seed-partial.db"
        for leftover in work.glob("seed-partial.db*"):
            leftover.unlink()
        seed_seconds, _ = add_folder(partial, folder)
        sqlite3.connect(partial).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        partial.rename(seed)
    big = work / f"ledger-{args.claims}.db"
    for leftover in work.glob(big.name + "*"):
        leftover.unlink()
    log(f"bulk: copying the seed to {args.claims:,} claims")
    bulk = bulk_copy(seed, big, args.claims)
    log(f"bulk: {bulk['claims']:,} claims in {bulk['seconds']:.0f} s")

    from crosscheck.ledger import Ledger
    from crosscheck.queries import list_clusters

    with Ledger.open(big, readonly=True) as ledger:
        counts = {t: ledger.count(t) for t in ("documents", "claims", "clusters", "entities", "figures", "series")}
        top = list_clusters(ledger, limit=1)[0]["id"]
    size = size_mb(big)

    log("reading: web")
    web = web_p95(
        big,
        [
            "/",
            "/clusters",
            "/clusters?sort=recency",
            "/api/clusters?limit=50",
            "/api/clusters?limit=50&status=corroborated",
            "/api/entities",
            "/entities",
            "/api/figures",
            "/figures",
            f"/clusters/{top}",
        ],
        args.repeat,
    )
    log("reading: CLI")
    cli = {
        "clusters --limit 50": cli_p95(big, ["clusters", "--limit", "50"], min(args.repeat, 5)),
        "cluster ID": cli_p95(big, ["cluster", top], min(args.repeat, 5)),
        "figures --series --limit 50": cli_p95(big, ["figures", "--series", "--limit", "50"], min(args.repeat, 5)),
        "--help (start-up floor)": cli_p95(big, ["--help"], min(args.repeat, 5)),
    }
    t_empty = t_full = 0.0
    n_empty = n_full = 0
    if args.measure_docs:
        log(f"adding: {args.measure_docs} real reports to an empty and to the big ledger")
        measure = write_folder(work / "measure-in", real_bodies(args.seed_docs, args.measure_docs), "measure")
        warm = work / "warm.db"
        empty = work / "empty.db"
        for stale in [*work.glob("warm.db*"), *work.glob("empty.db*")]:
            stale.unlink()
        add_folder(warm, write_folder(work / "warm-in", real_bodies(args.seed_docs + args.measure_docs, 3), "warm"))
        t_empty, n_empty = add_folder(empty, measure)
        log(f"empty ledger: {n_empty} reports in {t_empty:.1f} s")
        t_full, n_full = add_folder(big, measure)
        log(f"big ledger: {n_full} reports in {t_full:.1f} s")
    rss_big: tuple[float, float] | None = None
    log("export: peak RSS")
    rss_seed = export_rss(seed, work / "seed-export.json")
    if not args.skip_big_export:
        rss_big = export_rss(big, work / "big-export.json")
        log(f"export peak RSS: seed {rss_seed[0]:.0f} MB, big {rss_big[0]:.0f} MB ({rss_big[1]:.0f} s)")
    log("done")

    lines = [
        f"### A ledger of {counts['claims']:,} claims (`make bench-scale`)",
        "",
        f"Command: `nice python scripts/bench_scale.py --claims {args.claims} --seed-docs {args.seed_docs} "
        f"--measure-docs {args.measure_docs} --repeat {args.repeat}`; {os.cpu_count()} cores, shared "
        f"(load average {os.getloadavg()[0]:.1f} at the end: wall times include waiting for a core).",
        "",
        f"- Built from {args.seed_docs} FNC-1 bodies added through the real path"
        + (f" ({seed_seconds:.0f} s)" if seed_seconds else " (cached seed)")
        + f", {bulk['claims_per_copy']:,} claims, copied {bulk['copies']} times with re-keyed ids "
        f"in {bulk['seconds']:.0f} s (the copies are not resolved against each other).",
        f"- Holds {counts['documents']:,} documents, {counts['claims']:,} claims, {counts['clusters']:,} clusters, "
        f"{counts['entities']:,} entities, {counts['figures']:,} figures, {counts['series']:,} series; "
        f"{size:,.0f} MB on disk.",
        (
            f"- Adding {args.measure_docs} real reports (analysis included): {n_empty / t_empty:.2f} reports/s "
            f"on an empty ledger, {n_full / t_full:.2f} reports/s on this one: "
            f"{(t_full / max(n_full, 1)) / (t_empty / max(n_empty, 1)):.2f}x the time per report."
            if n_empty and n_full
            else "- Adding reports: not measured in this run (`--measure-docs 0`)."
        ),
        f"- `export --format json` peak RSS: {rss_seed[0]:.0f} MB on the seed ({rss_seed[1]:.1f} s), "
        + (f"{rss_big[0]:.0f} MB on this ledger ({rss_big[1]:.0f} s)." if rss_big else "not measured on this ledger."),
        "",
        f"| read ({args.repeat} runs) | p95 wall ms | p95 CPU ms |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| CLI `{k}` ({min(args.repeat, 5)} runs) | {v[0] * 1000:.0f} | {v[1] * 1000:.0f} |" for k, v in cli.items()
    ]
    lines += [f"| web `{k}` | {v[0] * 1000:.0f} | {v[1] * 1000:.0f} |" for k, v in web.items()]
    block = "\n".join(lines) + "\n"
    print(block)
    if args.out:
        args.out.write_text(block, encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(f"this script's peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
