"""Adding reports from the web: each request becomes a job run in one background thread
(one writer at a time), whose progress a page polls. The same rules as `crosscheck add`:
the same readers, size cap, and URL fetch refusing private addresses unless allowed.

What a job reads is never a path the client names: a URL must be an absolute http(s) URL
(`security.fetchable_url`), and uploads and pasted text are written by the runner into a
folder of its own, removed after the job and, with anything left, when the runner shuts down.
Job messages never show that folder or the ledger's path."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from crosscheck.ingest import FEED, HTML, JSONL, MARKDOWN, TEXT, IngestOptions
from crosscheck.ledger import AddResult, Ledger
from crosscheck.web.security import URL_ONLY, fetchable_url

__all__ = ["READABLE", "BadUpload", "Job", "JobRunner", "refusals_as_http", "upload_name"]

READABLE = TEXT | MARKDOWN | HTML | FEED | JSONL
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
META_FIELDS = ("title", "outlet", "published", "url", "author", "language")
log = logging.getLogger(__name__)


class BadUpload(ValueError):
    """A request the runner refuses before queueing anything; `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@contextmanager
def refusals_as_http() -> Iterator[None]:
    """Both add routes' answer to what the runner refuses: the upload's own status, or 503
    while the runner shuts down."""
    try:
        yield
    except BadUpload as exc:
        raise HTTPException(exc.status, str(exc)) from None
    except RuntimeError as exc:  # the runner is shutting down
        raise HTTPException(503, str(exc)) from None


def upload_name(name: str | None) -> str:
    """The name an upload is stored under: its last path part with unsafe characters replaced.
    Refused (BadUpload) when its type is not one crosscheck reads, or nothing is left of its stem."""
    raw = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = _SAFE_NAME.sub("_", raw).rpartition(".")
    suffix = f".{ext.lower()}" if dot else ""
    if suffix not in READABLE:
        raise BadUpload(
            f"unsupported file type {suffix or '(none)'}: crosscheck reads {' '.join(sorted(READABLE))}", 415
        )
    stem = stem.strip("._-")
    if not stem:
        raise BadUpload(f"file name {raw[:80]!r} has no name before {suffix}: rename the file and upload it again")
    return f"{stem}.{ext}"


@dataclass(slots=True)
class Job:
    """One add request and how far it got."""

    id: str
    label: str
    state: str = "queued"
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0
    docs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    finished: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class JobRunner:
    """Runs add jobs one at a time against the ledger at `path`."""

    def __init__(self, path: str, lock: threading.Lock, *, allow_private: bool, max_bytes: int, analyse: bool) -> None:
        self.path = path
        self.lock = lock
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.analyse = analyse
        self.jobs: dict[str, Job] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crosscheck-add")
        self._folder: Path | None = None
        self._pending: dict[str, tuple[Future[None], Path | None]] = {}
        self._guard = threading.Lock()
        self._closed = False

    @property
    def folder(self) -> Path:
        """The private folder (created on first use) holding one subfolder per queued upload."""
        with self._guard:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="crosscheck-web-"))
            return self._folder

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def submit_file(self, name: str, data: bytes, meta: dict[str, str]) -> Job:
        """A job adding one uploaded file (kept under its own name in a private folder).
        Raises BadUpload for a name crosscheck cannot read (see `upload_name`)."""
        safe = upload_name(name)
        return self._submit(f"upload {safe}", "upload", safe, data, meta)

    def submit_text(self, text: str, meta: dict[str, str]) -> Job:
        """A job adding pasted text (Markdown when it opens with front matter)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        suffix = ".md" if text.lstrip().startswith("---") else ".txt"
        return self._submit("pasted text", "pasted", f"pasted-{stamp}{suffix}", text.encode("utf-8"), meta)

    def submit_url(self, url: str, meta: dict[str, str]) -> Job:
        """A job fetching and adding one URL. Raises BadUpload unless `url` is an absolute
        http(s) URL: a local path, `-` or `file:` never reaches the reader."""
        checked = fetchable_url(url)
        if checked is None:
            raise BadUpload(URL_ONLY)
        return self._queue(f"URL {checked}", checked, meta, None)

    def _submit(self, label: str, folder: str, name: str, data: bytes, meta: dict[str, str]) -> Job:
        if self._closed:
            raise RuntimeError("the server is shutting down")
        root = Path(tempfile.mkdtemp(prefix="job-", dir=self.folder))
        (root / folder).mkdir()
        (root / folder / name).write_bytes(data)
        return self._queue(label, str(root / folder), meta, root)

    def _queue(self, label: str, source: str, meta: dict[str, str], root: Path | None) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], label=label)
        try:
            future = self._pool.submit(self._run, job, source, meta, root)
        except RuntimeError:  # the pool is shut down
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError("the server is shutting down") from None
        self.jobs[job.id] = job
        self._pending[job.id] = (future, root)
        if future.done():  # it ran before it was recorded
            self._pending.pop(job.id, None)
        return job

    def _run(self, job: Job, source: str, meta: dict[str, str], root: Path | None) -> None:
        from crosscheck.api import add_sources

        job.state = "running"

        def on_event(kind: str, payload: object) -> None:
            if kind == "error":
                job.errors.append(self._scrub(str(payload), root))
            elif kind == "skipped":
                job.skipped += 1
            elif kind == "document" and isinstance(payload, AddResult):
                job.docs.append(payload.doc)

        options = IngestOptions(
            overrides={k: v for k, v in meta.items() if v}, allow_private=self.allow_private, max_bytes=self.max_bytes
        )
        try:
            with self.lock, Ledger.open(self.path) as ledger:
                summary = add_sources(ledger, [source], options, analyse=self.analyse, on_event=on_event)
            job.added, job.duplicates, job.failed = summary.added, summary.duplicates, summary.failed
            job.state = "failed" if summary.failed and not summary.added and not summary.duplicates else "done"
        except Exception:  # a job must end in a state the page can show; the details go to the log
            log.exception("add job %s (%s) failed", job.id, job.label)
            job.errors.append(f"{job.label}: could not be added (an error on the server; see its log)")
            job.state = "failed"
        finally:
            job.finished = datetime.now(UTC).isoformat(timespec="seconds")
            self._pending.pop(job.id, None)
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)

    def _scrub(self, message: str, root: Path | None) -> str:
        """`message` without the job's private folder or the ledger's path."""
        if root is not None:
            message = message.replace(str(root) + "/", "").replace(str(root), "")
        for shown in sorted({str(Path(self.path).resolve()), str(Path(self.path).absolute())}, key=len, reverse=True):
            message = message.replace(shown, "the ledger")
        return message

    def wait(self, job: Job, timeout: float = 60.0) -> Job:
        """Block until `job` ends (for tests and scripts)."""
        import time

        end = time.monotonic() + timeout
        while job.state in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.05)
        return job

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking jobs; cancel the queued ones and remove their folders at once. With `wait`,
        let the running job end, then remove the runner's folder."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        for job_id, (future, root) in list(self._pending.items()):
            if future.cancelled():
                job = self.jobs[job_id]
                job.state = "cancelled"
                job.errors.append("the server stopped before this report was added: add it again")
                job.finished = datetime.now(UTC).isoformat(timespec="seconds")
                self._pending.pop(job_id, None)
                if root is not None:
                    shutil.rmtree(root, ignore_errors=True)
        if wait:
            self._pool.shutdown(wait=True)
            with self._guard:
                if self._folder is not None:
                    shutil.rmtree(self._folder, ignore_errors=True)
