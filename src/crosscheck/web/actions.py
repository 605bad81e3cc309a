"""Form posts that change the ledger: add reports, and corrections with undo. Each checks the
session's CSRF token (the Origin check and the size cap run before, in `security.Guard`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from crosscheck.ledger import Ledger
from crosscheck.ledger import corrections as fix
from crosscheck.web.jobs import META_FIELDS, refusals_as_http, upload_name
from crosscheck.web.security import URL_ONLY, fetchable_url

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> FormData:
    """The posted form, within the size cap, after the CSRF check."""
    cap = request.app.state.config.max_upload
    try:
        form = await request.form(max_files=1, max_fields=50, max_part_size=cap)
    except HTTPException:
        raise
    except Exception as exc:  # a malformed body is the client's mistake
        raise HTTPException(400, f"unreadable form: {exc}") from None
    sent = form.get("csrf")
    if not request.app.state.guard.csrf_ok(request, sent if isinstance(sent, str) else None):
        raise HTTPException(403, "missing or stale form token: reload the page and try again")
    return form


def _text(form: FormData, key: str, limit: int = 500) -> str:
    value = form.get(key)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _back(request: Request, form: FormData, default: str = "/changes") -> str:
    """Where to go after a correction: the `next` field when it is a path on this site."""
    target = _text(form, "next", 500)
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default


@router.post("/add")
async def add(request: Request) -> Response:
    form = await _form(request)
    runner = request.app.state.jobs
    cap = request.app.state.config.max_upload
    meta = {k: _text(form, k) for k in META_FIELDS}
    upload = form.get("file")
    url = _text(form, "url", 2000)
    text = form.get("text")
    if url and fetchable_url(url) is None:  # never a path, `-` or file: on this server
        raise HTTPException(400, URL_ONLY)
    with refusals_as_http():
        if isinstance(upload, UploadFile) and upload.filename:
            name = upload_name(upload.filename)
            body = await upload.read(cap + 1)
            if len(body) > cap:
                raise HTTPException(413, f"file over the {cap / 1e6:g} MB cap")
            job = runner.submit_file(name, body, meta)
        elif url:
            job = runner.submit_url(url, meta)
        elif isinstance(text, str) and text.strip():
            if len(text.encode("utf-8")) > cap:
                raise HTTPException(413, f"text over the {cap / 1e6:g} MB cap")
            job = runner.submit_text(text, meta)
        else:
            raise HTTPException(422, "choose a file, paste text, or give a URL")
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _correct(request: Request, action: str, form: FormData) -> Any:
    with request.app.state.write_lock, Ledger.open(request.app.state.config.ledger_path) as ledger:
        if action == "merge-entities":
            return fix.merge_entities(ledger, _text(form, "a"), _text(form, "b"))
        if action == "split-entities":
            return fix.split_entities(ledger, _text(form, "a"), _text(form, "b"))
        if action == "merge-clusters":
            return fix.merge_clusters(ledger, _text(form, "a"), _text(form, "b"))
        if action == "split-cluster":
            claims = [c for c in form.getlist("claims") if isinstance(c, str)]
            return fix.split_cluster(ledger, _text(form, "cluster"), claims)
        if action == "stance":
            return fix.set_stance(ledger, _text(form, "claim"), _text(form, "stance"))
        if action == "status":
            return fix.set_status(ledger, _text(form, "cluster"), _text(form, "status"), _text(form, "note", 2000))
        if action == "undo":
            raw = _text(form, "judgement")
            return fix.undo(ledger, fix.judgement_id(raw) if raw else None)
    raise HTTPException(404, f"no correction {action!r}")


@router.post("/corrections/{action}")
async def correct(request: Request, action: str) -> Response:
    form = await _form(request)
    done = await run_in_threadpool(_correct, request, action, form)
    request.app.state.flash[request.state.session] = (done.summary, done.judgement, done.decision != "undo")
    return RedirectResponse(_back(request, form), status_code=303)
