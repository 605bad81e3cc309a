"""Load check for the web app: 20 concurrent readers on 127.0.0.1 while `crosscheck add`
ingests 1,000 generated documents into the same ledger from another process.

    PYTHONPATH=src python tests/web/load.py --ledger /tmp/w.db --docs 1000 --out docs/web-benchmark.md

The ledger is copied first; the server (`crosscheck serve`) and the ingest each run in their
own process. Prints (and writes) latency percentiles per page and overall, and the errors.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

TOWNS = ["Rivermouth", "Eastfield", "Lowbridge", "Northcliff", "Stonehaven", "Millbrook", "Westmarch", "Redhill"]
BODIES = ["the regional health office", "the fire service", "the coastguard", "a local charity", "police"]


def write_documents(folder: Path, n: int, seed: int = 7) -> None:
    """`n` short generated reports (invented towns and numbers), one .md file each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        town, body = rng.choice(TOWNS), rng.choice(BODIES)
        day = 1 + i % 28
        text = (
            f"---\ntitle: Storm update {i} from {town}\noutlet: Generated Wire {i % 17}\npublished: 2024-11-{day:02d}\n---\n"
            f"Storm damage was reported in {town} on day {i}. {body.capitalize()} said that {rng.randint(2, 900)} homes "
            f"had lost power and {rng.randint(1, 60)} people were injured. Residents said roads near the {town} "
            f"river were closed, and officials said repairs would take {rng.randint(2, 9)} days. Report number {i}.\n"
        )
        (folder / f"report-{i:04d}.md").write_text(text, encoding="utf-8")


def _ids(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base, timeout=30) as c:
        k = c.get("/api/clusters", params={"limit": 1}).json()
        e = c.get("/api/entities").json()
        d = c.get("/api/documents", params={"limit": 1}).json()
    return {"cluster": k[0]["id"] if k else "", "entity": e[0]["id"] if e else "", "doc": d[0]["id"] if d else ""}


def pages(ids: dict[str, str]) -> list[str]:
    out = [
        "/",
        "/clusters",
        "/clusters?sort=recency",
        "/entities",
        "/documents",
        "/figures",
        "/places",
        "/search?q=storm+power",
        "/changes?since=1d",
        "/api/overview",
        "/api/clusters",
    ]
    if ids["cluster"]:
        out += [f"/clusters/{ids['cluster']}", f"/api/clusters/{ids['cluster']}"]
    if ids["entity"]:
        out.append(f"/entities/{ids['entity']}")
    if ids["doc"]:
        out += [f"/documents/{ids['doc']}", f"/api/documents/{ids['doc']}"]
    return out


def run(ledger: Path, docs: int, readers: int = 20, think: float = 0.1, max_seconds: float = 600) -> dict[str, Any]:
    """Serve a copy of `ledger`, ingest `docs` generated reports into it while `readers`
    threads read pages in a loop; returns the measurements."""
    work = Path(tempfile.mkdtemp(prefix="crosscheck-load-"))
    target = work / "ledger.db"
    shutil.copy(ledger, target)
    write_documents(work / "reports", docs)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    port = 8700 + random.Random().randint(0, 200)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "crosscheck", "--ledger", str(target), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                if httpx.get(f"{base}/api/overview", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        urls = pages(_ids(base))
        with httpx.Client(base_url=base, timeout=30) as warm:  # first renders (charts) are cached
            for url in urls:
                warm.get(url)
        times: dict[str, list[float]] = {u: [] for u in urls}
        errors: list[str] = []
        stop = threading.Event()

        def reader(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, timeout=30) as c:
                while not stop.is_set():
                    url = rng.choice(urls)
                    t = time.perf_counter()
                    try:
                        r = c.get(url)
                        if r.status_code != 200:
                            errors.append(f"{url}: {r.status_code}")
                    except httpx.HTTPError as exc:
                        errors.append(f"{url}: {exc!r}")
                    times[url].append(time.perf_counter() - t)
                    time.sleep(think)

        started = time.monotonic()
        ingest = subprocess.Popen(
            [sys.executable, "-m", "crosscheck", "--ledger", str(target), "add", "--no-analyse", str(work / "reports")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
        for t in threads:
            t.start()
        try:
            out, err = ingest.communicate(timeout=max_seconds)
        finally:
            ingest_seconds = time.monotonic() - started
            stop.set()
            for t in threads:
                t.join()
        allt = sorted(x for v in times.values() for x in v)
        return {
            "docs": docs,
            "readers": readers,
            "think_ms": think * 1000,
            "ingest_seconds": ingest_seconds,
            "ingest_exit": ingest.returncode,
            "ingest_line": out.decode().strip().splitlines()[-1] if out.strip() else err.decode()[-300:],
            "requests": len(allt),
            "errors": errors,
            "p50": statistics.median(allt) * 1000,
            "p95": allt[int(0.95 * (len(allt) - 1))] * 1000,
            "max": allt[-1] * 1000,
            "pages": {u: (len(v), sorted(v)[int(0.95 * (len(v) - 1))] * 1000) for u, v in times.items() if v},
        }
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def markdown(result: dict[str, Any], command: str) -> str:
    lines = [
        "# Web app under load",
        "",
        f"{result['readers']} concurrent readers (each waits {result['think_ms']:.0f} ms between requests) on 127.0.0.1",
        f"against `crosscheck serve`, while `crosscheck add --no-analyse` stores {result['docs']} generated",
        "reports into the same ledger from another process (SQLite WAL). The ingest stores documents",
        "without analysis: analysing 1,000 reports takes minutes on this 2-core machine, longer than",
        "the load loop should run; a document and its analysis are one transaction either way.",
        "",
        f"Command, on the demo ledger (`crosscheck --ledger /tmp/w.db add examples/ ../shared/corpus/iran-2026/`): `{command}`",
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests answered | {result['requests']} |",
        f"| errors (non-200 or failed) | {len(result['errors'])} |",
        f"| p50 | {result['p50']:.1f} ms |",
        f"| p95 | {result['p95']:.1f} ms |",
        f"| max | {result['max']:.1f} ms |",
        f"| ingest | {result['ingest_seconds']:.1f} s, exit {result['ingest_exit']}: {result['ingest_line']} |",
        "",
        "| page | requests | p95 (ms) |",
        "|---|---|---|",
    ]
    lines += [f"| `{u}` | {n} | {p:.1f} |" for u, (n, p) in sorted(result["pages"].items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    result = run(Path(args.ledger), args.docs, args.readers)
    command = (
        f"PYTHONPATH=src python tests/web/load.py --ledger {args.ledger} --docs {args.docs} --readers {args.readers}"
    )
    text = markdown(result, command)
    sys.stdout.write(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
