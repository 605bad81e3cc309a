"""The local web app over a ledger: `create_app(path)` returns a FastAPI application.

Pages (`web/pages.py`) render Jinja2 templates; the same data is JSON under `/api/...`
(`web/api.py`); forms that change the ledger post to `web/actions.py`. Every request opens
its own read-only connection (SQLite WAL: readers never wait for a writer and never see half
a document); writes (adding reports, corrections) go through one lock, one at a time.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from crosscheck.errors import CrosscheckError, LedgerError
from crosscheck.ledger import Ledger
from crosscheck.queries import BadValue, NotFound
from crosscheck.report.templating import environment
from crosscheck.web.jobs import JobRunner
from crosscheck.web.security import Guard, is_loopback, safe_url

__all__ = ["DEFAULT_MAX_UPLOAD", "WebConfig", "create_app", "reader"]

HERE = Path(__file__).parent
DEFAULT_MAX_UPLOAD = 10_000_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


class WebConfig:
    """What the app was started with."""

    def __init__(
        self,
        ledger_path: str,
        *,
        token: str | None,
        host: str,
        allow_private: bool,
        max_upload: int,
        analyse: bool,
    ) -> None:
        self.ledger_path = ledger_path
        self.token = token
        self.host = host
        self.allow_private = allow_private
        self.max_upload = max_upload
        self.analyse = analyse


def create_app(
    ledger_path: str | Path,
    *,
    token: str | None = None,
    host: str = "127.0.0.1",
    allow_private: bool = False,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    analyse: bool = True,
) -> FastAPI:
    """The web app over the ledger at `ledger_path` (created if missing).

    `host` is the address the server binds: anything but loopback requires `token`, and then
    every request must carry it. `allow_private` lets URL fetches reach private addresses;
    `max_upload` caps request bodies in bytes; `analyse` analyses added reports."""
    if token is not None and not token.strip():
        raise ValueError("the token is blank: give a long random string, or no token on loopback")
    if not is_loopback(host) and not token:
        raise ValueError(f"binding to {host} (not loopback) requires a token")
    path = str(ledger_path)
    Ledger.open(path).close()  # create the file and apply migrations before any reader opens it
    config = WebConfig(
        path, token=token, host=host, allow_private=allow_private, max_upload=max_upload, analyse=analyse
    )
    app = FastAPI(
        title="crosscheck",
        summary="The evidence ledger: clusters, claims, entities, figures, places and documents.",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    lock = threading.Lock()
    app.state.config = config
    app.state.write_lock = lock
    app.state.flash = {}
    app.state.jobs = JobRunner(path, lock, allow_private=allow_private, max_bytes=max_upload, analyse=analyse)
    app.state.templates = _templates()
    guard = Guard(
        token=token,
        secret=secrets.token_bytes(32),
        max_body=max_upload + 64_000,
        allowed_hosts=LOOPBACK_HOSTS if is_loopback(host) else None,
    )
    app.state.guard = guard
    app.middleware("http")(guard)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from crosscheck.web import actions, api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(actions.router)
    app.add_exception_handler(BadValue, _error(400))
    app.add_exception_handler(NotFound, _error(404))
    app.add_exception_handler(LedgerError, _error(400))
    app.add_exception_handler(CrosscheckError, _error(400))
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown: cancel queued add jobs, let the running one end, remove every job folder."""
    yield
    await run_in_threadpool(app.state.jobs.shutdown)


def reader(request: Request) -> Iterator[Ledger]:
    """A read-only connection to the ledger for one request."""
    ledger = Ledger.open(request.app.state.config.ledger_path, readonly=True)
    try:
        yield ledger
    finally:
        ledger.close()


def writer(request: Request) -> Iterator[Ledger]:
    """A writable connection for one correction, held under the app's write lock."""
    with request.app.state.write_lock:
        ledger = Ledger.open(request.app.state.config.ledger_path)
        try:
            yield ledger
        finally:
            ledger.close()


def _error(status: int) -> Any:
    def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"message": str(exc), "status": status}, status_code=status
        )

    return handle


def _templates() -> Jinja2Templates:
    """The web app's templates, in the environment the brief shares (autoescaping, `parts.html`)."""
    env = environment(HERE / "templates")
    env.filters["safe_url"] = safe_url
    return Jinja2Templates(env=env)
