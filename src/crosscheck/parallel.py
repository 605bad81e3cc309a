"""Analysis beside the writer: in this process, in worker processes, or on a Dask cluster.

An analyser turns a stream of documents into `(document, result, parts)` in the same order,
where the result is the document's `Analysis` or the exception that stopped it, and `parts`
how many parts a long report was analysed in. Analysis is a pure function of a document
(`analyse_batch`), so where it runs does not change the records; the caller stores and
resolves what comes back in order, so the ledger is the same whatever runs the analysis.

Workers load the model once (a process initializer, or a Dask worker plugin). At most a few
batches per worker are in flight, so memory stays bounded however long the stream.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from hashlib import sha256
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from crosscheck.analyse import OnPart
from crosscheck.errors import CrosscheckError
from crosscheck.records import Analysis, Document

__all__ = [
    "AnalysisFailed",
    "Analyser",
    "DaskAnalyser",
    "InProcess",
    "ProcessAnalyser",
    "Result",
    "analyse_batch",
    "default_workers",
    "make_analyser",
]

Result = tuple[Document, Analysis | Exception, int]
BATCH = 32  # documents per batch analysed in this process
CHUNK = 4  # documents per task sent to a worker: enough for nlp.pipe, small for an even spread
IN_FLIGHT = 2  # tasks queued per worker beyond the one it runs
DASK_TIMEOUT = 20.0  # seconds to reach the scheduler
MIN_PARALLEL = 8  # fewer reports than this are analysed here: starting workers costs more


class AnalysisFailed(Exception):
    """An analysis that failed in a worker: the name of the error there, and its first line."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(kind, message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message


class Analyser(Protocol):
    """Documents in, `(document, analysis or exception, parts)` out, in the same order.
    `on_part(document, done, total)` follows a long report through its parts (analysers that
    run elsewhere call it once, when the report comes back)."""

    def __call__(self, documents: Iterable[Document], on_part: OnPart | None = None) -> Iterator[Result]: ...


def default_workers() -> int:
    """$CROSSCHECK_WORKERS, else the cores this process may use."""
    value = os.environ.get("CROSSCHECK_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    if hasattr(os, "sched_getaffinity"):  # the cores this process may run on (Linux)
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def analyse_batch(
    documents: list[Document], watchlist: str | None = None, on_part: OnPart | None = None
) -> list[tuple[Analysis | Exception, int]]:
    """The pure function run by every worker: each document's analysis (or its failure as an
    `AnalysisFailed`, which pickles whatever the original was) and how many parts it took."""
    from crosscheck.analyse import analyse_documents

    parts: dict[str, int] = {}

    def parted(document: Document, done: int, total: int) -> None:
        parts[document.id] = total
        if on_part is not None:
            on_part(document, done, total)

    out: list[tuple[Analysis | Exception, int]] = []
    for document, result in analyse_documents(documents, watchlist=watchlist, on_part=parted):
        if isinstance(result, Exception):
            first = (str(result).splitlines() or [""])[0]
            result = AnalysisFailed(type(result).__name__, first)
        out.append((result, parts.get(document.id, 1)))
    return out


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(documents)
    while batch := list(islice(it, size)):
        yield batch


@dataclass(slots=True)
class InProcess:
    """Analysis here, in batches (as crosscheck always did): the model loads in this process."""

    watchlist: str | None = None

    def __call__(self, documents: Iterable[Document], on_part: OnPart | None = None) -> Iterator[Result]:
        for batch in _batches(documents, BATCH):
            for document, (result, parts) in zip(batch, analyse_batch(batch, self.watchlist, on_part), strict=True):
                yield document, result, parts


def _ordered(
    submit: Callable[[list[Document]], Any], documents: Iterable[Document], in_flight: int
) -> Iterator[tuple[list[Document], Any]]:
    """Each chunk of documents with its future, oldest first, never more than `in_flight` pending."""
    pending: deque[tuple[list[Document], Any]] = deque()
    for chunk in _batches(documents, CHUNK):
        pending.append((chunk, submit(chunk)))
        if len(pending) >= in_flight:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


def _returned(
    chunk: list[Document], results: list[tuple[Analysis | Exception, int]], on_part: OnPart | None
) -> Iterator[Result]:
    for document, (result, parts) in zip(chunk, results, strict=True):
        if parts > 1 and on_part is not None:
            on_part(document, parts, parts)
        yield document, result, parts


def _small_or_all(documents: Iterable[Document]) -> tuple[list[Document], Iterator[Document] | None]:
    """The first documents, and the rest of the stream, or None when the stream is too short to
    be worth starting workers."""
    it = iter(documents)
    head = list(islice(it, MIN_PARALLEL))
    return head, (it if len(head) == MIN_PARALLEL else None)


# -- worker processes on this machine ---------------------------------------------------------


def _worker_init(setup: Callable[[], None] | None) -> None:
    """Load the model once per worker; Ctrl-C is the parent's to handle, and a worker whose
    parent is gone (killed) exits instead of analysing for no one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="crosscheck-parent-watch", daemon=True).start()
    from crosscheck.nlp.pipeline import load_pipeline

    load_pipeline()
    if setup is not None:
        setup()


class ProcessAnalyser:
    """Analysis in `workers` processes (spawned: no state shared with the writer). A worker that
    dies takes its tasks with it: they are retried one report at a time in a new pool, and a
    report whose worker dies again is reported as failed. `setup` runs in each worker after the
    model loads (a picklable function)."""

    def __init__(self, workers: int, watchlist: str | None = None, setup: Callable[[], None] | None = None) -> None:
        self.workers = workers
        self.watchlist = watchlist
        self.setup = setup
        self._pool: ProcessPoolExecutor | None = None

    def _current(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=get_context("spawn"),
                initializer=_worker_init,
                initargs=(self.setup,),
            )
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            _stop(self._pool)
        self._pool = None

    def _submit(self, chunk: list[Document]) -> Future[Any]:
        try:
            return self._current().submit(analyse_batch, chunk, self.watchlist)
        except BrokenProcessPool as exc:  # broken since: the reader of this future retries
            failed: Future[Any] = Future()
            failed.set_exception(exc)
            return failed

    def _alone(self, chunk: list[Document]) -> list[tuple[Analysis | Exception, int]]:
        """Each report of a chunk whose worker died, on its own in a sound pool."""
        out: list[tuple[Analysis | Exception, int]] = []
        for document in chunk:
            if getattr(self._pool, "_broken", False):
                self._restart()
            try:
                out.extend(self._current().submit(analyse_batch, [document], self.watchlist).result())
            except BrokenProcessPool:
                self._restart()
                out.append((AnalysisFailed("WorkerDied", "the worker process analysing it died"), 1))
        return out

    def __call__(self, documents: Iterable[Document], on_part: OnPart | None = None) -> Iterator[Result]:
        head, rest = _small_or_all(documents)
        if rest is None:
            yield from InProcess(self.watchlist)(head, on_part)
            return
        try:
            stream = (d for part in (head, rest) for d in part)
            for chunk, future in _ordered(self._submit, stream, self.workers * (1 + IN_FLIGHT)):
                try:
                    results = future.result()
                except BrokenProcessPool:
                    results = self._alone(chunk)
                yield from _returned(chunk, results, on_part)
        except BaseException:
            self._restart()
            raise
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop at once (Ctrl-C, or the writer failed): cancel what waits, end the workers."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


# -- a Dask cluster -----------------------------------------------------------------------------


class DaskUnavailable(CrosscheckError):
    """Dask is not installed, or its scheduler cannot be reached."""


def _model_plugin() -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadModel(WorkerPlugin):
        """Loads crosscheck's model once in every worker that joins."""

        name = "crosscheck-model"

        def setup(self, worker: Any) -> None:
            from crosscheck.nlp.pipeline import load_pipeline

            load_pipeline()

    return LoadModel()


def analyse_batch_with(
    documents: list[Document], watchlist: tuple[str, bytes] | None
) -> list[tuple[Analysis | Exception, int]]:
    """`analyse_batch` on a worker that may not see the writer's files: the watchlist travels
    as its name and bytes and is written once to the worker's temporary folder."""
    path = None
    if watchlist is not None:
        name, data = watchlist
        where = Path(tempfile.gettempdir()) / f"crosscheck-watchlist-{sha256(data).hexdigest()[:16]}{Path(name).suffix}"
        if not where.exists():
            where.write_bytes(data)
        path = str(where)
    return analyse_batch(documents, path)


@dataclass(slots=True)
class DaskAnalyser:
    """Analysis on the Dask cluster whose scheduler is at `address` (tcp://HOST:8786). Every
    worker needs this version of crosscheck and its model installed."""

    address: str
    watchlist: str | None = None
    timeout: float | None = None

    def __call__(self, documents: Iterable[Document], on_part: OnPart | None = None) -> Iterator[Result]:
        try:
            from distributed import Client
        except ImportError as exc:
            raise DaskUnavailable("--dask needs dask and distributed: pip install 'crosscheck[dask]'") from exc
        try:
            client = Client(self.address, timeout=self.timeout or DASK_TIMEOUT, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise DaskUnavailable(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
        watch = (self.watchlist, Path(self.watchlist).read_bytes()) if self.watchlist else None
        try:
            client.register_plugin(_model_plugin())
            workers = max(1, len(client.scheduler_info().get("workers", {})))

            def submit(chunk: list[Document]) -> Any:
                return client.submit(analyse_batch_with, chunk, watch, pure=False)

            for chunk, future in _ordered(submit, documents, workers * (1 + IN_FLIGHT)):
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker or task: these reports fail, the rest go on
                    failed = AnalysisFailed(type(exc).__name__, (str(exc).splitlines() or [""])[0])
                    results = [(failed, 1)] * len(chunk)
                yield from _returned(chunk, results, on_part)
        finally:
            client.close()  # type: ignore[no-untyped-call]


def make_analyser(workers: int | None = None, dask: str | None = None, watchlist: str | None = None) -> Analyser:
    """The analyser the options ask for: Dask when an address is given, else `workers` processes
    (default: the cores), else this process when one worker is asked for."""
    if dask:
        return DaskAnalyser(dask, watchlist)
    count = default_workers() if workers is None else workers
    if count <= 1:
        return InProcess(watchlist)
    return ProcessAnalyser(count, watchlist)
