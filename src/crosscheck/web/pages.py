"""HTML pages: each calls the same function as its `/api/...` twin and renders a template."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from crosscheck import queries
from crosscheck.ledger import Ledger
from crosscheck.web import api, data
from crosscheck.web.app import reader
from crosscheck.web.charts import places_map, relation_chart, series_chart
from crosscheck.web.render import Mark, highlight, highlight_at

__all__ = ["router"]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Read = Annotated[Ledger, Depends(reader)]
Text = Annotated[str | None, Query(max_length=200)]
# The figures page draws each series as a chart (vl-convert, tens of ms each), so it pages:
# a screenful of charts, and the figures table a few screens long.
SERIES_PER_PAGE = 12
FIGURES_PER_PAGE = 200


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """Render template `name` with the CSRF token forms carry."""
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    context.setdefault("flash", request.app.state.flash.pop(getattr(request.state, "session", ""), None))
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)  # type: ignore[no-any-return]


@router.get("/")
def overview(request: Request, ledger: Read) -> Response:
    return page(request, "overview.html", o=data.overview(ledger))


@router.get("/clusters")
def clusters(
    request: Request,
    ledger: Read,
    status: Text = None,
    entity: Text = None,
    place: Text = None,
    outlet: Text = None,
    since: Text = None,
    until: Text = None,
    sort: Literal["origins", "recency"] = "origins",
) -> Response:
    filters = {
        "status": status,
        "entity": entity,
        "place": place,
        "outlet": outlet,
        "since": since,
        "until": until,
        "sort": sort,
    }
    message = None
    try:
        rows = data.board(
            ledger, status=status, entity=entity, place=place, outlet=outlet, since=since, until=until, sort=sort
        )
    except queries.NotFound as exc:
        rows, message = [], str(exc)
    return page(request, "clusters.html", rows=rows, f=filters, message=message, statuses=data.STATUSES)


@router.get("/clusters/{cluster}")
def cluster(request: Request, ledger: Read, cluster: str) -> Response:
    k = queries.cluster_detail(ledger, cluster)
    origins = queries.cluster_origins(ledger, k["id"])
    for c in k["claims"]:
        start = c["sentence"].find(c["text"]) if c["sentence"] else -1
        c["html"] = highlight_at(
            c["sentence"] or c["text"], [(start, start + len(c["text"]), "content")] if start >= 0 else []
        )
    return page(request, "cluster.html", k=k, origins=origins, statuses=data.STATUSES)


@router.get("/claims/{claim}")
def claim(request: Request, ledger: Read, claim: str) -> Response:
    c = queries.claim_detail(ledger, claim)
    spans = [
        (*c[key], kind)
        for key, kind in (("content_at", "content"), ("source_at", "source"), ("cue_at", "cue"))
        if c[key]
    ]
    return page(request, "claim.html", c=c, sentence=highlight_at(c["sentence"], spans))


@router.get("/entities")
def entities(request: Request, ledger: Read, type: Text = None) -> Response:
    return page(request, "entities.html", rows=queries.list_entities(ledger, type=type, limit=500), type=type)


@router.get("/entities/{entity}")
def entity(request: Request, ledger: Read, entity: str) -> Response:
    e = api.entity(ledger, entity)
    for m in e["mentions"]:
        m["html"] = highlight_at(m["context"], [(m["at"][0], m["at"][1], "content")])
    graph = relation_chart(e["id"], e["name"], e["type"], e["relations"]) if e["relations"] else Markup("")
    return page(request, "entity.html", e=e, graph=graph)


@router.get("/figures")
def figures(
    request: Request,
    ledger: Read,
    category: Text = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """One page of series, each drawn as a chart, and of figures; "next page" while more remain."""
    series = queries.list_series(
        ledger, category=category, limit=SERIES_PER_PAGE + 1, offset=(page_no - 1) * SERIES_PER_PAGE
    )
    rows = queries.list_figures(
        ledger, category=category, limit=FIGURES_PER_PAGE + 1, offset=(page_no - 1) * FIGURES_PER_PAGE
    )
    more = len(series) > SERIES_PER_PAGE or len(rows) > FIGURES_PER_PAGE
    series, rows = series[:SERIES_PER_PAGE], rows[:FIGURES_PER_PAGE]
    charts = {s["id"]: series_chart(s, i) for i, s in enumerate(series)}
    return page(
        request,
        "figures.html",
        series=series,
        figures=rows,
        charts=charts,
        category=category,
        page_no=page_no,
        more=more,
    )


@router.get("/places")
def places(request: Request, ledger: Read) -> Response:
    rows = queries.list_places(ledger)
    return page(request, "places.html", rows=rows, map=places_map(rows))


@router.get("/places/{place:path}")
def place(request: Request, ledger: Read, place: str) -> Response:
    return page(request, "place.html", p=data.place_claims(ledger, place))


@router.get("/documents")
def documents(request: Request, ledger: Read, outlet: Text = None) -> Response:
    return page(request, "documents.html", rows=data.documents(ledger, outlet=outlet), outlet=outlet)


@router.get("/documents/{doc}")
def document(request: Request, ledger: Read, doc: str) -> Response:
    d = data.document_view(ledger, doc)
    marks = [
        Mark(
            c["start"],
            c["stop"],
            "claim",
            f"/claims/{c['id']}",
            f"claim: {c['source']} ({c['certainty']}, {c['polarity']})",
            c["id"],
        )
        for c in d["claims"]
    ]
    marks += [
        Mark(m["start"], m["stop"], "entity", f"/entities/{m['actor']}", f"{m['type']}: {m['text']}")
        for m in d["entities"]
    ]
    marks += [
        Mark(
            m["start"],
            m["stop"],
            "place",
            f"/places/{quote(m['key'], safe=':')}",
            f"place: {m['name']} {m['country'] or ''}",
        )
        for m in d["places"]
    ]
    marks += [
        Mark(
            f["start"],
            f["stop"],
            "figure",
            f"/claims/{f['claim']}" if f["claim"] else "/figures",
            f"figure: {f['value']:g} {f['category']}",
        )
        for f in d["figures"]
    ]
    return page(request, "document.html", d=d, text=highlight(d["text"], marks))


@router.get("/search")
def search(request: Request, ledger: Read, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    return page(request, "search.html", r=data.search_all(ledger, q))


@router.get("/changes")
def changes(
    request: Request,
    ledger: Read,
    since: Annotated[str, Query(max_length=40)] = "7d",
    by: Annotated[str, Query(max_length=12)] = "published",
) -> Response:
    message = None
    try:
        ch = queries.changes_since(ledger, since, every=True, by=by)
    except queries.NotFound as exc:
        ch, message = {"statuses": [], "figures": [], "corrections": []}, str(exc)
    return page(
        request,
        "changes.html",
        ch=ch,
        since=since,
        by=by if by in queries.CHANGE_CLOCKS else "published",
        message=message,
        judgements=queries.list_judgements(ledger)[:50],
    )


@router.get("/add")
def add_form(request: Request) -> Response:
    cfg = request.app.state.config
    return page(request, "add.html", max_mb=cfg.max_upload / 1e6, allow_private=cfg.allow_private)


@router.get("/jobs/{job}")
def job(request: Request, job: str) -> Response:
    found = request.app.state.jobs.get(job)
    if found is None:
        return page(request, "error.html", status=404, message=f"{job}: no such job")
    return page(request, "job.html", j=found)
