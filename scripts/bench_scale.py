#!/usr/bin/env python3
"""`make bench-scale`: a ledger of a million claims, and what adding to it and reading it cost.

    python scripts/bench_scale.py [--claims 1000000] [--seed-docs 300] [--measure-docs 30]
                                  [--workers 2] [--repeat 20] [--work DIR] [--ledger PATH]
                                  [--out FILE] [--skip-big-export] [--skip-reads]

1. Seed: `--seed-docs` real news bodies (FNC-1 train bodies of 300 to 900 words, from
   ../shared/datasets) are added through the real path (`add_sources`: analysis, store,
   resolve). The seed is cached in `--work` and reused when it exists.
2. Bulk: the seed's rows are copied until the ledger holds `--claims` claims. The seed itself
   (copy 0) is left as the real path wrote it. Copy k (k >= 1, suffix S = k in 4 hex digits) is
   another story with its own vocabulary, as thousands of different crises would be:
   - every id gets S appended (`actor:` origins, `a:ACTOR` claim keys and JSON id lists follow);
   - every key that a search for candidates reads gets S: claim keys (`w:` words, `p:` places,
     `f:` figures, `d:` dates) become `KEY~S` and the claims' `terms` follow (`TERM~S`); name
     keys (`n:`, `f:`, `w:`, `a:`) become `KEY S` and the entity names and aliases follow
     (`NAME S`), so `n:` keys are still the normalised names `actor_named` looks up; near-copy
     band keys are hashed with S;
   - `key_counts`, `name_key_counts`, `actor_board` and the full-text indexes are recomputed
     over the whole ledger at the end, so a new report sees the seed's real counts.
   What the copies are not: resolved against each other (faster than resolving a million
   claims one report at a time, which takes hours here); different in their text (only a
   closing line naming the copy, for its own sha256: full-text search finds every copy);
   different in their vectors (a search of a vector index would find each claim's copies as
   identical neighbours; nothing in resolution searches one today: `resolve/vectors.py` is used
   by no other module); different in their figures' values, dates and gazetteer ids (only
   their claim keys carry S: re-indexing a copy's claim, as a correction does, gives it the
   seed's keys again), outlets ("Wire 0" to "Wire 22") or the origins that are not actors
   ("government", "officials, per Wire 3"): those are shared, as outlets are between real
   crises. So a new report finds its candidates in the seed only. No ANALYZE is run: crosscheck
   never runs it, and SQLite plans some queries differently with statistics.
3. Adding: `--measure-docs` other real bodies (the ones after the seed's), analysis included,
   into an empty ledger, a copy of the seed and a copy of the big ledger, with analysis in this
   process and then in `--workers` processes (`add --workers`): seconds per report, the
   store-and-resolve part of it, reports/s, and with workers the sustained rate (first to last
   report stored); the big/empty and big/seed ratios. The big ledger itself is not changed, so
   `--ledger PATH` measures a ledger built before again (steps 1 and 2 skipped; this code's
   migrations are applied to it first).
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


def add_folder(ledger_path: Path, folder: Path, workers: int = 1) -> dict[str, float]:
    """Add every report of `folder` through the real path (analysis included), with analysis
    in this process (`workers` 1) or in `workers` processes (`crosscheck add --workers`).
    Returns the reports added, the wall seconds, the seconds spent storing and resolving
    (`api._store`: the ledger's part, analysis excluded), the CPU seconds of that part (what a
    busy shared machine does not inflate) and the sustained seconds per report
    (between the first and the last report stored: the workers' start-up is left out)."""
    import crosscheck.api as api
    from crosscheck.ledger import Ledger
    from crosscheck.parallel import make_analyser

    store = api._store
    spent: list[float] = []
    stored_at: list[float] = []

    cpu: list[float] = []

    def timed(*a: Any, **k: Any) -> None:
        t, c = time.perf_counter(), time.process_time()
        store(*a, **k)
        stored_at.append(time.perf_counter())
        spent.append(stored_at[-1] - t)
        cpu.append(time.process_time() - c)

    api._store = timed  # type: ignore[assignment]
    try:
        with Ledger.open(ledger_path) as ledger:
            start = time.perf_counter()
            summary = api.add_sources(ledger, [str(folder)], analyser=make_analyser(workers))
            seconds = time.perf_counter() - start
    finally:
        api._store = store  # type: ignore[assignment]
    if summary.failed:
        raise SystemExit(f"adding {folder} failed for {summary.failed} reports")
    added = summary.added
    sustained = (stored_at[-1] - stored_at[0]) / (len(stored_at) - 1) if len(stored_at) > 1 else seconds
    return {"added": added, "seconds": seconds, "store": sum(spent), "store_cpu": sum(cpu), "sustained": sustained}


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
_JSON_IDS = {"claims": ("entities", "places", "figures", "subjects")}
_ACTOR_REFS = {"claim_origins": ("origin",), "series": ("origin",)}
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
        elif table == "claim_keys" and col == "key":  # `a:ACTOR` follows the actor's id; the rest the copy's words
            exprs.append(f"CASE WHEN key LIKE 'a:%' THEN key || '{suffix}' ELSE key || '~{suffix}' END")
        elif table == "document_bands" and col == "band_key":  # near-copy search finds the seed's text only
            exprs.append(f"bench_band(band_key, '{suffix}')")
        elif table == "claims" and col == "terms":
            exprs.append(f"(SELECT json_group_array(j.value || '~{suffix}') FROM json_each(terms) j)")
        elif table == "name_keys" and col == "key":  # "n:al nusra" -> "n:al nusra 002a", the copy's name
            exprs.append(f"key || ' {suffix}'")
        elif table == "entities" and col == "name":
            exprs.append(f"name || ' {suffix}'")
        elif table == "entities" and col == "aliases":
            exprs.append(f"(SELECT json_group_array(j.value || ' {suffix}') FROM json_each(aliases) j)")
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


def _band(key: int, suffix: str) -> int:
    """A copy's own LSH band key (56 bits, as `ingest.dedup.band_keys` makes them)."""
    return int.from_bytes(hashlib.blake2b(f"{key}:{suffix}".encode(), digest_size=7).digest(), "big")


def bulk_copy(seed: Path, target: Path, claims: int) -> dict[str, Any]:
    """Copy the seed's rows into `target` (a copy of the seed) until it holds `claims` claims."""
    from crosscheck.ledger import Ledger

    shutil.copy(seed, target)
    Ledger.open(target).close()  # migrations
    conn = sqlite3.connect(target, isolation_level=None)
    conn.create_function("bench_sha", 1, lambda t: hashlib.sha256(t.encode()).hexdigest(), deterministic=True)
    conn.create_function("bench_band", 2, _band, deterministic=True)
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
    # No ANALYZE: crosscheck never runs it, so a real ledger has no statistics, and with them
    # SQLite plans some queries differently (it scanned `documents` for syndicated copies: every
    # `duplicate_of` of the copies is NULL, so the statistics called that index useless).
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
    parser.add_argument("--measure-docs", type=int, default=30, help="real reports added to measure adding")
    parser.add_argument(
        "--workers", type=int, default=2, help="analysis processes of the parallel adding run (0: none)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="runs per read measurement")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench-scale", help="scratch folder")
    parser.add_argument("--ledger", type=Path, help="a big ledger built before: measure it, do not build one")
    parser.add_argument("--out", type=Path, help="also write the markdown block here")
    parser.add_argument("--skip-big-export", action="store_true", help="export only the seed (the big one is slow)")
    parser.add_argument("--skip-reads", action="store_true", help="measure adding and export only")
    args = parser.parse_args(argv)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    log = lambda msg: print(f"[{time.perf_counter() - t0:6.0f} s] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    seed = work / f"seed-{args.seed_docs}.db"
    seed_seconds = None
    bulk: dict[str, Any] | None = None
    if args.ledger:
        big = args.ledger
        if not big.exists():
            raise SystemExit(f"{big}: not found")
        from crosscheck.ledger import Ledger

        Ledger.open(big).close()  # this code's migrations (new indexes), as any writing command would
    else:
        if not seed.exists():
            log(f"seed: adding {args.seed_docs} real reports through the real path")
            folder = write_folder(work / "seed-in", real_bodies(0, args.seed_docs), "seed")
            partial = work / "seed-partial.db"
            for leftover in work.glob("seed-partial.db*"):
                leftover.unlink()
            seed_seconds = add_folder(partial, folder)["seconds"]
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

    web: dict[str, tuple[float, float]] = {}
    cli: dict[str, tuple[float, float]] = {}
    if not args.skip_reads:
        log("reading: web")
        web = web_p95(big, [*WEB_PATHS, f"/clusters/{top}"], args.repeat)
        log("reading: CLI")
        runs = min(args.repeat, 5)
        cli = {
            "clusters --limit 50": cli_p95(big, ["clusters", "--limit", "50"], runs),
            "cluster ID": cli_p95(big, ["cluster", top], runs),
            "figures --series --limit 50": cli_p95(big, ["figures", "--series", "--limit", "50"], runs),
            "--help (start-up floor)": cli_p95(big, ["--help"], runs),
        }
    adding = measure_adding(args, work, seed, big, log) if args.measure_docs else {}
    rss_big: tuple[float, float] | None = None
    rss_seed: tuple[float, float] | None = None
    log("export: peak RSS")
    if seed.exists():
        rss_seed = export_rss(seed, work / "seed-export.json")
    if not args.skip_big_export:
        rss_big = export_rss(big, work / "big-export.json")
        log(f"export peak RSS: big {rss_big[0]:.0f} MB ({rss_big[1]:.0f} s)")
    log("done")

    command = (
        f"nice python scripts/bench_scale.py --claims {args.claims} --seed-docs {args.seed_docs} "
        f"--measure-docs {args.measure_docs} --workers {args.workers} --repeat {args.repeat}"
        + (f" --ledger {big}" if args.ledger else "")
        + (" --skip-big-export" if args.skip_big_export else "")
        + (" --skip-reads" if args.skip_reads else "")
    )
    lines = [
        f"### A ledger of {counts['claims']:,} claims (`make bench-scale`)",
        "",
        f"Command: `{command}`; {os.cpu_count()} cores, shared "
        f"(load average {os.getloadavg()[0]:.1f} at the end: wall times include waiting for a core).",
        "",
        (
            f"- Built from {args.seed_docs} FNC-1 bodies added through the real path"
            + (f" ({seed_seconds:.0f} s)" if seed_seconds else " (cached seed)")
            + f", {bulk['claims_per_copy']:,} claims, copied {bulk['copies'] - 1} times in {bulk['seconds']:.0f} s, "
            "each copy with its own ids, names and words (its own candidate keys), not resolved against the others."
            if bulk
            else f"- Measured on `{big}`, built before (not rebuilt); adding went into copies of it."
        ),
        f"- Holds {counts['documents']:,} documents, {counts['claims']:,} claims, {counts['clusters']:,} clusters, "
        f"{counts['entities']:,} entities, {counts['figures']:,} figures, {counts['series']:,} series; "
        f"{size:,.0f} MB on disk.",
        "- `export --format json` peak RSS: "
        + (f"{rss_seed[0]:.0f} MB on the seed ({rss_seed[1]:.1f} s), " if rss_seed else "")
        + (f"{rss_big[0]:.0f} MB on this ledger ({rss_big[1]:.0f} s)." if rss_big else "not measured on this ledger."),
    ]
    lines += adding_lines(args, adding)
    if cli or web:
        lines += ["", f"| read ({args.repeat} runs) | p95 wall ms | p95 CPU ms |", "|---|---:|---:|"]
        lines += [
            f"| CLI `{k}` ({min(args.repeat, 5)} runs) | {v[0] * 1000:.0f} | {v[1] * 1000:.0f} |"
            for k, v in cli.items()
        ]
        lines += [f"| web `{k}` | {v[0] * 1000:.0f} | {v[1] * 1000:.0f} |" for k, v in web.items()]
    block = "\n".join(lines) + "\n"
    print(block)
    if args.out:
        args.out.write_text(block, encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log(f"this script's peak RSS {peak:.0f} MB")
    return 0


WEB_PATHS = [
    "/",
    "/clusters",
    "/clusters?sort=recency",
    "/api/clusters?limit=50",
    "/api/clusters?limit=50&status=corroborated",
    "/api/entities",
    "/entities",
    "/api/figures",
    "/figures",
]


def _fresh_copy(source: Path | None, target: Path) -> Path:
    """`target` emptied, then a copy of `source` (checkpointed first) when one is given."""
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    if source is not None:
        sqlite3.connect(source).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        shutil.copyfile(source, target)
    return target


def measure_adding(
    args: argparse.Namespace, work: Path, seed: Path, big: Path, log: Any
) -> dict[str, dict[str, float]]:
    """The same `--measure-docs` real bodies (after the seed's, so none is in the seed) added
    to an empty ledger, to a copy of the seed and to a copy of the big ledger, with analysis in
    this process and then in `--workers` processes. The big ledger itself is not changed."""
    log(f"adding: {args.measure_docs} real reports")
    measure = write_folder(work / "measure-in", real_bodies(args.seed_docs, args.measure_docs), "measure")
    # The same reports first added to a scratch ledger: every model loaded (long reports load a
    # second pipeline) and the per-process caches warm for the first timed run as for the others.
    add_folder(_fresh_copy(None, work / "warm.db"), measure)
    runs: list[tuple[str, Path | None, int]] = [("empty ledger", None, 1)]
    if seed.exists():
        runs.append((f"the {args.seed_docs}-report seed", seed, 1))
    runs.append(("the big ledger", big, 1))
    if args.workers > 1:
        runs += [("empty ledger", None, args.workers), ("the big ledger", big, args.workers)]
    out: dict[str, dict[str, float]] = {}
    for name, source, workers in runs:
        target = _fresh_copy(source, work / "adding.db")
        got = add_folder(target, measure, workers)
        if got["added"] != args.measure_docs:
            raise SystemExit(f"{name}: {got['added']} of {args.measure_docs} reports added (the rest were in it)")
        out[f"{name}, {'in process' if workers == 1 else f'--workers {workers}'}"] = got
        log(
            f"{name}, workers {workers}: {got['seconds'] / got['added']:.2f} s/report, "
            f"store+resolve {got['store'] / got['added']:.2f} s/report"
        )
    _fresh_copy(None, work / "adding.db")
    return out


def sustained(name: str, r: dict[str, float]) -> str:
    """Reports/s from the first report stored to the last, for a run with workers (their
    start-up left out); in process a batch of 32 is analysed before any is stored, so not there."""
    return "" if "in process" in name else f"{1 / r['sustained']:.2f}"


def adding_lines(args: argparse.Namespace, adding: dict[str, dict[str, float]]) -> list[str]:
    if not adding:
        return ["- Adding reports: not measured in this run (`--measure-docs 0`)."]
    lines = [
        "",
        f"| adding {args.measure_docs} real reports (analysis included) to | s/report | "
        "store + resolve s/report (CPU) | reports/s | sustained reports/s (workers) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in adding.items():
        lines.append(
            f"| {name} | {r['seconds'] / r['added']:.2f} | {r['store'] / r['added']:.2f} "
            f"({r['store_cpu'] / r['added']:.2f}) | {r['added'] / r['seconds']:.2f} | {sustained(name, r)} |"
        )
    empty, full = adding.get("empty ledger, in process"), adding.get("the big ledger, in process")
    seeded = adding.get(f"the {args.seed_docs}-report seed, in process")
    lines += [""] if full else []
    for base, what in ((empty, "an empty ledger"), (seeded, f"the seed alone ({args.seed_docs} reports)")):
        if base and full:
            lines.append(
                f"Per report, the big ledger against {what}: "
                f"{full['seconds'] / base['seconds']:.2f}x the time"
                + (" (target at most 1.5x)" if base is empty else "")
                + f", store + resolve {full['store'] / base['store']:.2f}x (CPU "
                f"{full['store_cpu'] / base['store_cpu']:.2f}x)."
            )
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
