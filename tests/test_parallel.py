"""Analysis in worker processes and on a Dask cluster (issue 12): the ledger is the same
whatever analyses the reports, a report that fails in a worker fails alone, and `add` shows
its progress.

Worker processes are spawned and load the model (several seconds on a loaded machine), so
each test starts one pool. The Dask test starts a real scheduler and two workers on
127.0.0.1 (random ports, no dashboard)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

# Hand-written reports about invented places: claims with sources, figures, a near-copy (for
# clusters and origins), and one long report analysed in parts.
_REPORTS = [
    "Officials in Velmora said 40 people were killed when shelling hit the market on Monday.",
    "At least 40 people were killed in shelling on the Velmora market, the Interior Ministry said.",
    "The Red Crescent said 1,200 families had fled Ostrakan since Sunday, according to aid workers.",
    "Governor Amira Tollen said the port of Dunmere would reopen on Friday.",
    "Rights groups in Karsal reported that 15 journalists had been detained, a spokesman said.",
    "The coast guard said it rescued 85 migrants off Esker Bay on Tuesday.",
    "Officials in Quenford denied that the dam had been damaged, state media reported.",
    "Jonas Verhelst of the refugee agency said 3,000 people were sheltering in Lutovo schools.",
]
_LONG = "".join(
    f"Officials in Tirevo said {n} houses were destroyed on day {n}, according to the regional governor.\n\n"
    for n in range(2, 32)
)  # about 2,900 characters: three parts of at most 1,200


def _corpus(folder: Path, extra: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(_REPORTS):
        (folder / f"r{i:02d}.txt").write_text(f"Report {i}\n\n{text}\n", encoding="utf-8")
    (folder / "r99-long.txt").write_text(_LONG, encoding="utf-8")
    for name, text in (extra or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _export(cli: Any, ledger: Path) -> dict[str, Any]:
    out = ledger.with_suffix(".json")
    assert cli("--ledger", ledger, "export", "--format", "json", "-o", out).code == 0
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    for document in data["documents"]:
        document.pop("added_at")  # the clock, the one field that differs between two runs
    return data


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch) -> int:
    """Long reports cut at 1,200 characters, here and in the workers this test spawns."""
    import crosscheck.nlp.pipeline as pipeline

    monkeypatch.setenv("CROSSCHECK_CHUNK_CHARS", "1200")
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 1200)
    return 1200


@pytest.mark.slow  # spawns model-loading workers: 10-80 s on a loaded 2-core machine
def test_workers_1_and_2_make_the_same_ledger(
    tmp_path: Path, cli: Any, parts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crosscheck.parallel import ProcessAnalyser

    folder = _corpus(tmp_path / "in")
    one = cli("--ledger", tmp_path / "one.db", "add", "--workers", "1", folder)
    assert one.code == 0 and "added 9," in one.out, one
    submitted: list[int] = []
    real = ProcessAnalyser._submit
    monkeypatch.setattr(
        ProcessAnalyser, "_submit", lambda self, chunk: submitted.append(len(chunk)) or real(self, chunk)
    )
    two = cli("--ledger", tmp_path / "two.db", "add", "--workers", "2", folder)
    assert two.code == 0 and "added 9," in two.out, two
    assert sum(submitted) == 9 and len(submitted) > 1  # analysed in the workers, in several tasks
    assert "part 3 of 3 done" in two.err  # the long report, in parts, in a worker
    a, b = _export(cli, tmp_path / "one.db"), _export(cli, tmp_path / "two.db")
    assert len(a["claims"]) >= 30 and a["clusters"]
    assert a == b


@pytest.mark.slow  # spawns model-loading workers: 10-80 s on a loaded 2-core machine
def test_a_report_that_fails_in_a_worker_fails_alone(tmp_path: Path) -> None:
    from crosscheck.api import add_sources
    from crosscheck.ledger import Ledger
    from crosscheck.parallel import ProcessAnalyser
    from parallel_faults import break_two_reports

    folder = _corpus(
        tmp_path / "in",
        {
            "bad-raises.txt": "Officials in Zarentsi said the bridge was closed on Monday.",
            "bad-kills.txt": "Officials in Halvik said 20 people were injured on Monday.",
        },
    )
    events: list[tuple[str, object]] = []
    with Ledger.open(tmp_path / "l.db") as ledger:
        summary = add_sources(
            ledger,
            [str(folder)],
            on_event=lambda kind, payload: events.append((kind, payload)),
            analyser=ProcessAnalyser(2, setup=break_two_reports),
        )
        analysed = {r[0] for r in ledger.conn.execute("SELECT origin FROM documents JOIN analyses ON doc = id")}
    errors = sorted(str(p) for kind, p in events if kind == "error")
    assert summary.added == 11 and summary.failed == 2, summary.errors
    assert len(errors) == 2
    assert "bad-kills.txt: analysis failed (WorkerDied: the worker process analysing it died)" in errors[0]
    assert "bad-raises.txt: analysis failed (RuntimeError: the parser broke); stored without analysis" in errors[1]
    assert len(analysed) == 9 and not any("bad-" in o for o in analysed)


def test_plain_progress_lines_without_a_terminal(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscheck.cli_progress import estimate_reports

    folder = _corpus(tmp_path / "in")
    assert estimate_reports([str(folder), "https://example.org/a", "-"]) == 11
    monkeypatch.setenv("CROSSCHECK_PROGRESS_EVERY", "4")
    result = cli("--ledger", tmp_path / "l.db", "add", "--no-analyse", folder)
    assert result.code == 0, result
    lines = [line for line in result.error_lines() if "reports done" in line]
    assert [line.split(" (")[0] for line in lines] == ["crosscheck: 4 reports done", "crosscheck: 8 reports done"]
    assert all(line.endswith(" reports/s)") for line in lines)


# -- Dask ---------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and two single-threaded workers on 127.0.0.1, run from this source tree."""
    pytest.importorskip("distributed", reason="dask and distributed are not installed (pip install '.[dask]')")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    dask = [sys.executable, "-m", "dask"]
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), *common],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "scheduler.log").open("wb"),
        )
    ]
    try:
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [*dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--name", f"w{i}", *common],
                    env=env,
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    stderr=(tmp_path / f"worker{i}.log").open("wb"),
                )
            )
        from distributed import Client

        client = Client(address, timeout=60)
        try:
            client.wait_for_workers(2, timeout=60)
        finally:
            client.close()
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow  # spawns model-loading workers: 10-80 s on a loaded 2-core machine
def test_dask_makes_the_same_ledger_as_a_local_run(
    tmp_path: Path, cli: Any, parts: int, dask_cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path / "in", {"crn.txt": "The CRN said 60 tents were set up in Brannock on Sunday."})
    watchlist = tmp_path / "actors.yaml"  # travels to the workers, which do not share this folder's path
    watchlist.write_text("- name: Coastal Relief Network\n  aliases: [CRN]\n  kind: ngo\n", encoding="utf-8")
    local = cli("--ledger", tmp_path / "local.db", "add", "--workers", "1", "--watchlist", watchlist, folder)
    assert local.code == 0 and "added 10," in local.out, local
    monkeypatch.setenv("CROSSCHECK_DASK", dask_cluster)
    remote = cli("--ledger", tmp_path / "dask.db", "add", "--watchlist", watchlist, folder)
    assert remote.code == 0 and "added 10," in remote.out, remote
    assert "part 3 of 3 done" in remote.err
    exported = _export(cli, tmp_path / "dask.db")
    assert any(e["name"] == "Coastal Relief Network" for e in exported["entities"]), exported["entities"]
    assert _export(cli, tmp_path / "local.db") == exported


def test_an_unreachable_dask_scheduler_is_one_line(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed", reason="dask and distributed are not installed (pip install '.[dask]')")
    import crosscheck.parallel as parallel

    monkeypatch.setattr(parallel, "DASK_TIMEOUT", 2.0)
    folder = _corpus(tmp_path / "in")
    result = cli("--ledger", tmp_path / "l.db", "add", "--dask", f"tcp://127.0.0.1:{_free_port()}", folder)
    assert result.code != 0
    assert "Traceback" not in result.err
    assert result.error_lines() == [result.error_lines()[0]] and "cannot reach the Dask scheduler" in result.err


def test_the_options_choose_where_analysis_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscheck.parallel import DaskAnalyser, InProcess, ProcessAnalyser, default_workers, make_analyser

    monkeypatch.setenv("CROSSCHECK_WORKERS", "3")
    assert default_workers() == 3
    chosen = make_analyser()
    assert isinstance(chosen, ProcessAnalyser) and chosen.workers == 3
    assert isinstance(make_analyser(1), InProcess)
    assert isinstance(make_analyser(4, "tcp://127.0.0.1:1"), DaskAnalyser)  # --dask wins
    monkeypatch.setenv("CROSSCHECK_WORKERS", "")
    assert default_workers() >= 1


def test_a_few_reports_are_analysed_here_without_starting_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    from crosscheck.parallel import MIN_PARALLEL, ProcessAnalyser
    from crosscheck.records import Document

    def no_pool(self: Any) -> Any:
        raise AssertionError("a pool was started for a few reports")

    monkeypatch.setattr(ProcessAnalyser, "_current", no_pool)
    documents = [
        Document(id=f"d{i}", sha256=str(i), text=text, origin=f"r{i}.txt", language="en")
        for i, text in enumerate(_REPORTS[: MIN_PARALLEL - 1])
    ]
    results = list(ProcessAnalyser(2)(documents))
    assert [d.id for d, _, _ in results] == [d.id for d in documents]
    assert all(not isinstance(analysis, Exception) and analysis.claims for _, analysis, _ in results)
