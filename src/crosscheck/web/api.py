"""The JSON API: every page's data under `/api/...`, and the writes (add, corrections)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from crosscheck import queries
from crosscheck.ledger import Ledger
from crosscheck.ledger import corrections as fix
from crosscheck.web import data
from crosscheck.web.app import reader, writer
from crosscheck.web.jobs import refusals_as_http

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])
Read = Annotated[Ledger, Depends(reader)]
Write = Annotated[Ledger, Depends(writer)]
Obj = dict[str, Any]
Text = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=5000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get("/overview")
def overview(ledger: Read) -> Obj:
    """Counts, clusters by status, newest changes and documents."""
    return data.overview(ledger)


@router.get("/clusters")
def clusters(
    ledger: Read,
    status: Text = None,
    entity: Text = None,
    place: Text = None,
    outlet: Text = None,
    since: Text = None,
    until: Text = None,
    sort: Literal["origins", "recency"] = "origins",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[Obj]:
    """The clusters board: filter by status, entity, place, outlet, report dates; sort; page."""
    return data.board(
        ledger,
        status=status,
        entity=entity,
        place=place,
        outlet=outlet,
        since=since,
        until=until,
        sort=sort,
        limit=limit,
        offset=offset,
    )


@router.get("/clusters/{cluster}")
def cluster(ledger: Read, cluster: str) -> Obj:
    """One cluster with its claims, stances, chains and the user's corrections."""
    return queries.cluster_detail(ledger, cluster)


@router.get("/clusters/{cluster}/origins")
def cluster_origins(ledger: Read, cluster: str) -> Obj:
    """A cluster's independent origins with the chains and documents behind each."""
    return queries.cluster_origins(ledger, cluster)


@router.get("/entities")
def entities(ledger: Read, type: Text = None, kind: Text = None, limit: Limit = 500, offset: Offset = 0) -> list[Obj]:
    """Actors (entities merged across documents), most mentioned first; one page."""
    return queries.list_entities(ledger, type=type, kind=kind, limit=limit, offset=offset)


@router.get("/entities/{entity}")
def entity(ledger: Read, entity: str) -> Obj:
    """One actor: names, kind, mentions, relations, claims by and about it, judgements."""
    out = queries.entity_detail(ledger, entity, why=True)
    members = [e["id"] for e in out["entities"]]
    by = data.claims_by(ledger, members)
    claims = queries.list_claims(ledger, entity=out["id"])
    out["claims_by"] = [c for c in claims if c["id"] in by]
    out["claims_about"] = [c for c in claims if c["id"] not in by]
    return out


@router.get("/claims")
def claims(
    ledger: Read,
    doc: Text = None,
    source: Text = None,
    entity: Text = None,
    certainty: Text = None,
    polarity: Text = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[Obj]:
    """Claims in document order, filtered."""
    return queries.list_claims(
        ledger, doc=doc, source=source, entity=entity, certainty=certainty, polarity=polarity, limit=limit
    )


@router.get("/claims/{claim}")
def claim(ledger: Read, claim: str) -> Obj:
    """One claim: sentence, source chain, certainty, polarity, cluster, stance, figures."""
    return queries.claim_detail(ledger, claim)


@router.get("/figures")
def figures(ledger: Read, category: Text = None, limit: Limit = 500, offset: Offset = 0) -> Obj:
    """Figure series (with flags) and figures with their source; one page of each."""
    return {
        "series": queries.list_series(ledger, category=category, limit=limit, offset=offset),
        "figures": queries.list_figures(ledger, category=category, limit=limit, offset=offset),
    }


@router.get("/places")
def places(ledger: Read, country: Text = None) -> list[Obj]:
    """Places as gazetteer entries, most mentioned first."""
    return queries.list_places(ledger, country=country)


@router.get("/places/{place:path}")
def place(ledger: Read, place: str) -> Obj:
    """One place with the claims that mention it."""
    return data.place_claims(ledger, place)


@router.get("/documents")
def documents(ledger: Read, outlet: Text = None, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[Obj]:
    """Documents, newest first."""
    return data.documents(ledger, outlet=outlet, limit=limit)


@router.get("/documents/{doc}")
def document(ledger: Read, doc: str) -> Obj:
    """A document: metadata, stored text, duplicates, and every extracted span."""
    return data.document_view(ledger, doc)


@router.get("/search")
def search(
    ledger: Read, q: Annotated[str, Query(max_length=200)] = "", limit: Annotated[int, Query(ge=1, le=200)] = 30
) -> Obj:
    """Full-text search over documents and claims."""
    return data.search_all(ledger, q, limit=limit)


@router.get("/changes")
def changes(
    ledger: Read,
    since: Annotated[str, Query(max_length=40)] = "7d",
    every: bool = False,
    by: Literal["published", "added"] = "published",
) -> Obj:
    """What changed since a date (`2026-01-09`, `3d`, `12h`, `today`), by when the reports
    behind each change were published (`by=published`, the default) or added (`by=added`),
    as `crosscheck changes --by`; `by` in the answer names the clock read."""
    return {"by": by, **queries.changes_since(ledger, since, every=every, by=by)}


@router.get("/judgements")
def judgements(ledger: Read, kind: Text = None, active: bool = False) -> list[Obj]:
    """The user's corrections, newest first."""
    return queries.list_judgements(ledger, author="user", kind=kind, active=active)


# -- writes ---------------------------------------------------------------------------------


class AddRequest(BaseModel):
    """A report to add: pasted `text` or a `url` to fetch, with optional metadata."""

    text: str | None = Field(default=None, max_length=10_000_000)
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=500)
    outlet: str | None = Field(default=None, max_length=200)
    published: str | None = Field(default=None, max_length=40)
    author: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=8)


@router.post("/add", status_code=202)
def add(request: Request, body: AddRequest) -> Obj:
    """Queue a report for adding; poll `/api/jobs/{id}` for progress."""
    runner = request.app.state.jobs
    meta = {k: v for k, v in body.model_dump().items() if k not in ("text", "url") and v}
    with refusals_as_http():
        if body.url is not None and body.url.strip():
            job = runner.submit_url(body.url, meta)  # refuses anything but an absolute http(s) URL
        elif body.text and body.text.strip():
            job = runner.submit_text(body.text, meta)
        else:
            raise HTTPException(422, "give text or a url")
    return job.as_dict()  # type: ignore[no-any-return]


@router.get("/jobs/{job}")
def job(request: Request, job: str) -> Obj:
    """An add job: its state and counts, the documents it added, its errors."""
    found = request.app.state.jobs.get(job)
    if found is None:
        raise HTTPException(404, f"{job}: no such job")
    return found.as_dict()  # type: ignore[no-any-return]


class Pair(BaseModel):
    a: str = Field(max_length=200)
    b: str = Field(max_length=200)


class SplitCluster(BaseModel):
    cluster: str = Field(max_length=200)
    claims: list[str] = Field(min_length=1, max_length=500)


class Stance(BaseModel):
    claim: str = Field(max_length=200)
    stance: Literal["supports", "refutes", "discusses"]


class Status(BaseModel):
    cluster: str = Field(max_length=200)
    status: Literal["corroborated", "single_source", "contested", "denied", "unattributed"]
    note: str = Field(default="", max_length=2000)


class Undo(BaseModel):
    judgement: int | None = None  # checked by `fix.undo`: out of range answers 400 with the reason


def _done(c: fix.Correction) -> Obj:
    return {
        "judgement": c.judgement,
        "kind": c.kind,
        "decision": c.decision,
        "summary": c.summary,
        "clusters": list(c.clusters),
        "author": "user",
    }


@router.post("/corrections/merge-entities")
def merge_entities(ledger: Write, body: Pair) -> Obj:
    """Say two entities (ids or names) are one actor."""
    return _done(fix.merge_entities(ledger, body.a, body.b))


@router.post("/corrections/split-entities")
def split_entities(ledger: Write, body: Pair) -> Obj:
    """Say two entities are different actors."""
    return _done(fix.split_entities(ledger, body.a, body.b))


@router.post("/corrections/merge-clusters")
def merge_clusters(ledger: Write, body: Pair) -> Obj:
    """Say two clusters assert one proposition (`b` joins `a`)."""
    return _done(fix.merge_clusters(ledger, body.a, body.b))


@router.post("/corrections/split-cluster")
def split_cluster(ledger: Write, body: SplitCluster) -> Obj:
    """Move claims out of a cluster into a new one."""
    return _done(fix.split_cluster(ledger, body.cluster, body.claims))


@router.post("/corrections/stance")
def set_stance(ledger: Write, body: Stance) -> Obj:
    """Set a claim's stance toward its cluster."""
    return _done(fix.set_stance(ledger, body.claim, body.stance))


@router.post("/corrections/status")
def set_status(ledger: Write, body: Status) -> Obj:
    """Set a cluster's status by hand."""
    return _done(fix.set_status(ledger, body.cluster, body.status, body.note))


@router.post("/corrections/undo")
def undo(ledger: Write, body: Undo) -> Obj:
    """Withdraw a user correction (the latest by default)."""
    return _done(fix.undo(ledger, body.judgement))
