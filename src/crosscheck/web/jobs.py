"""Adding reports from the web: each request becomes a job run in one background thread
(one writer at a time), whose progress a page polls. The same rules as `crosscheck add`:
the same readers, size cap, and URL fetch refusing private addresses unless allowed."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crosscheck.ingest import FEED, HTML, JSONL, MARKDOWN, TEXT, IngestOptions
from crosscheck.ledger import AddResult, Ledger

__all__ = ["READABLE", "Job", "JobRunner"]

READABLE = TEXT | MARKDOWN | HTML | FEED | JSONL
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
META_FIELDS = ("title", "outlet", "published", "url", "author", "language")


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

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def submit_file(self, name: str, data: bytes, meta: dict[str, str]) -> Job:
        """A job adding one uploaded file (kept under its own name in a private folder)."""
        safe = _SAFE_NAME.sub("_", Path(name or "upload.txt").name).strip("._") or "upload.txt"
        return self._submit(f"upload {safe}", "upload", safe, data, meta)

    def submit_text(self, text: str, meta: dict[str, str]) -> Job:
        """A job adding pasted text (Markdown when it opens with front matter)."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        suffix = ".md" if text.lstrip().startswith("---") else ".txt"
        return self._submit("pasted text", "pasted", f"pasted-{stamp}{suffix}", text.encode("utf-8"), meta)

    def submit_url(self, url: str, meta: dict[str, str]) -> Job:
        """A job fetching and adding one URL."""
        job = self._new(f"URL {url}")
        self._pool.submit(self._run, job, [url], meta, None)
        return job

    def _new(self, label: str) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], label=label)
        self.jobs[job.id] = job
        return job

    def _submit(self, label: str, folder: str, name: str, data: bytes, meta: dict[str, str]) -> Job:
        job = self._new(label)
        root = Path(tempfile.mkdtemp(prefix="crosscheck-web-"))
        (root / folder).mkdir()
        (root / folder / name).write_bytes(data)
        self._pool.submit(self._run, job, [str(root / folder)], meta, root)
        return job

    def _run(self, job: Job, sources: list[str], meta: dict[str, str], cleanup: Path | None) -> None:
        from crosscheck.api import add_sources

        job.state = "running"

        def on_event(kind: str, payload: object) -> None:
            if kind == "error":
                job.errors.append(str(payload))
            elif kind == "skipped":
                job.skipped += 1
            elif kind == "document" and isinstance(payload, AddResult):
                job.docs.append(payload.doc)

        options = IngestOptions(
            overrides={k: v for k, v in meta.items() if v}, allow_private=self.allow_private, max_bytes=self.max_bytes
        )
        try:
            with self.lock, Ledger.open(self.path) as ledger:
                summary = add_sources(ledger, sources, options, analyse=self.analyse, on_event=on_event)
            job.added, job.duplicates, job.failed = summary.added, summary.duplicates, summary.failed
            job.state = "failed" if summary.failed and not summary.added and not summary.duplicates else "done"
        except Exception as exc:  # a job must end in a state the page can show
            job.errors.append(f"{type(exc).__name__}: {exc}")
            job.state = "failed"
        finally:
            job.finished = datetime.now(UTC).isoformat(timespec="seconds")
            if cleanup is not None:
                shutil.rmtree(cleanup, ignore_errors=True)

    def wait(self, job: Job, timeout: float = 60.0) -> Job:
        """Block until `job` ends (for tests and scripts)."""
        import time

        end = time.monotonic() + timeout
        while job.state in ("queued", "running") and time.monotonic() < end:
            time.sleep(0.05)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
