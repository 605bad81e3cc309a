"""Benchmark section `parallel` (used by scripts/bench.py): `add` with analysis in worker
processes and on a Dask cluster, on real-length news text.

The texts are public article bodies (FNC-1 `train_bodies.csv`, from ../shared/datasets, read at
run time and never stored in the repository) of 350-650 words, written to a scratch folder.
The same reports are added to three fresh ledgers through `add_sources`, timed from the first
read to the last store (worker start and model load included):

- `--workers 1`: analysis in this process, as before;
- `--workers 2`: two spawned worker processes, this process storing and resolving;
- Dask: a `LocalCluster` of two single-threaded worker processes on 127.0.0.1.

The ratios mean something only against the cores the run had: the CPU count and the load
average before and after each run are reported with them. The resident memory of each worker
is sampled during its run (the peak is reported).
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

# The project's shared folder: ../shared beside the checkout (as in CI), or above a worktree.
SHARED = next(
    (p / "shared" for p in Path(__file__).resolve().parents[1:] if (p / "shared" / "datasets").is_dir()),
    Path(__file__).resolve().parents[2] / "shared",
)
PARALLEL_DOCS = int(os.environ.get("BENCH_PARALLEL_DOCS") or 200)


def _bodies(limit: int) -> list[str]:
    path = SHARED / "datasets" / "fnc1" / "train_bodies.csv"
    if not path.is_file():
        return []
    csv.field_size_limit(sys.maxsize)
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["articleBody"].strip()
            if 350 <= len(text.split()) <= 650:
                out.append(text)
            if len(out) == limit:
                break
    return out


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    """Every descendant process of `pid` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found.extend(kids)
        todo.extend(kids)
    return found


class _Sampler(threading.Thread):
    """The peak RSS of each descendant process, sampled twice a second."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            for pid in _children(os.getpid()):
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), _rss_mb(pid))

    def stop(self) -> list[float]:
        self.done.set()
        self.join()
        # Workers hold the model (hundreds of MB); helper processes (resource tracker, nanny) less.
        return sorted((mb for mb in self.peaks.values() if mb > 150), reverse=True)


def _run(scratch: Path, folder: Path, name: str, analyser: Any) -> dict[str, Any]:
    from crosscheck.api import add_sources
    from crosscheck.ledger import Ledger

    load_before = os.getloadavg()[0]
    children = _children_cpu()
    sampler = _Sampler()
    sampler.start()
    cpu = time.process_time()
    with Ledger.open(scratch / f"parallel-{name}.db") as ledger:
        start = time.perf_counter()
        summary = add_sources(ledger, [str(folder)], analyser=analyser)
        seconds = time.perf_counter() - start
    workers = sampler.stop()
    if summary.failed or not summary.added:
        raise SystemExit(f"parallel {name}: added {summary.added}, failed {summary.errors[:3]}")
    return {
        "reports": summary.added,
        "seconds": round(seconds, 1),
        "reports_per_s": round(summary.added / seconds, 2),
        "writer_cpu_s": round(time.process_time() - cpu, 1),
        "workers_cpu_s": round(_children_cpu() - children, 1),  # pool workers are reaped at its end
        "worker_peak_rss_mb": workers,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _projected(run: dict[str, Any]) -> None:
    """The wall time the run would take on two idle cores, from the CPU time it used: the writer
    and the workers share two cores, and the writer alone is a floor. An estimate for a shared
    machine, reported beside the measured time, never instead of it."""
    if "writer_cpu_s" in run:
        total = run["writer_cpu_s"] + run["workers_cpu_s"]
        run["projected_s"] = round(max(total / 2, run["writer_cpu_s"]) if run["workers_cpu_s"] else total, 1)


def section_parallel(ctx: Any) -> dict[str, Any]:
    """`add` of real-length reports with `--workers 1`, `--workers 2` and a local Dask cluster."""
    from crosscheck.parallel import DaskAnalyser, InProcess, ProcessAnalyser

    texts = _bodies(PARALLEL_DOCS)
    if not texts:
        return {"skipped": f"no FNC-1 bodies under {SHARED / 'datasets'}"}
    folder = Path(ctx.scratch) / "parallel-corpus"
    folder.mkdir(exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"b{i:04d}.txt").write_text(text, encoding="utf-8")
    words = sum(len(t.split()) for t in texts)
    out: dict[str, Any] = {
        "reports": len(texts),
        "mean_words": round(words / len(texts)),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    }
    one = _run(ctx.scratch, folder, "w1", InProcess())
    one["writer_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["workers_1"] = one
    out["workers_2"] = _run(ctx.scratch, folder, "w2", ProcessAnalyser(2))
    try:
        from distributed import LocalCluster
    except ImportError:
        out["dask_2"] = {"skipped": "dask and distributed are not installed"}
    else:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            before = _children_cpu()
            out["dask_2"] = _run(ctx.scratch, folder, "dask", DaskAnalyser(cluster.scheduler_address))
        out["dask_2"]["workers_cpu_s"] = round(_children_cpu() - before, 1)  # the nannies reaped their workers
    for run in ("workers_1", "workers_2", "dask_2"):
        _projected(out[run])
    out["workers_2/workers_1"] = round(out["workers_2"]["reports_per_s"] / one["reports_per_s"], 2)
    out["workers_2/workers_1 projected"] = round(one["projected_s"] / out["workers_2"]["projected_s"], 2)
    if "reports_per_s" in out["dask_2"]:
        out["dask_2/workers_2"] = round(out["dask_2"]["reports_per_s"] / out["workers_2"]["reports_per_s"], 2)
    return out
