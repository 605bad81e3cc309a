"""The web app through FastAPI's TestClient: pages, API, safety, corrections."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import Markup

from crosscheck.web.render import Mark, highlight, highlight_at
from crosscheck.web.security import is_loopback, safe_url

HOSTILE = """---
title: <script>alert('title')</script> Storm report
outlet: <img src=x onerror=alert('outlet')>
url: javascript:alert('url')
published: 2025-05-02
---
The coastguard said that <script>alert('body')</script> 7 fishermen were missing off Brest.
Officials said <img src=x onerror="alert('img')"> the port of Brest was closed.
Read more at <a href="javascript:alert('link')">this link</a> and [here](javascript:alert(1)).
"""


class Tags(HTMLParser):
    """What a browser would act on: event handlers, scripts, images, link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.scripts: list[str | None] = []
        self.images: list[str | None] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.handlers += [k for k in found if k.startswith("on")]
        if tag == "script":
            self.scripts.append(found.get("src"))
        if tag == "img":
            self.images.append(found.get("src"))
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src", "action", "formaction", "xlink:href")]


def csrf_of(client: Any, path: str = "/add") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "form has no CSRF field"
    return found.group(1)


def add_text(client: Any, text: str) -> dict[str, Any]:
    """Post pasted text through the form, follow the job to its end, return it."""
    token = csrf_of(client)
    got = client.post("/add", data={"csrf": token, "text": text})
    assert got.status_code == 303, got.text
    job_id = got.headers["location"].rsplit("/", 1)[1]
    runner = client.app.state.jobs
    runner.wait(runner.get(job_id), 60)
    return client.get(f"/api/jobs/{job_id}").json()


def test_web_pages_and_api_answer(make_client: Callable[..., Any]) -> None:
    client = make_client()
    clusters = client.get("/api/clusters").json()
    entities = client.get("/api/entities").json()
    docs = client.get("/api/documents").json()
    places = client.get("/api/places").json()
    claims = client.get("/api/claims").json()
    assert clusters and entities and len(docs) == 3 and places and claims
    pages = [
        "/",
        "/clusters",
        "/clusters?sort=recency&status=single_source",
        "/entities",
        "/figures",
        "/places",
        "/documents",
        "/search?q=floods",
        "/changes?since=30d",
        "/add",
        f"/clusters/{clusters[0]['id']}",
        f"/entities/{entities[0]['id']}",
        f"/documents/{docs[0]['id']}",
        f"/places/{places[0]['id']}",
        f"/claims/{claims[0]['id']}",
    ]
    for path in pages:
        got = client.get(path)
        assert got.status_code == 200, (path, got.text[:300])
        assert "text/html" in got.headers["content-type"]
        assert "script-src 'self'" in got.headers["content-security-policy"]
    for path in [
        "/api/overview",
        "/api/figures",
        "/api/search?q=floods",
        "/api/changes",
        "/api/judgements",
        f"/api/clusters/{clusters[0]['id']}/origins",
        f"/api/documents/{docs[0]['id']}",
    ]:
        assert client.get(path).status_code == 200, path
    assert client.get("/clusters/knotacluster0000").status_code == 404
    assert client.get("/api/claims/nope-nope").status_code == 404


def test_web_board_filters_and_sorts(make_client: Callable[..., Any]) -> None:
    client = make_client()
    every = client.get("/api/clusters").json()
    origins = [r["n_origins"] for r in every]
    assert origins == sorted(origins, reverse=True)
    recent = client.get("/api/clusters", params={"sort": "recency"}).json()
    lasts = [r["last"] or "" for r in recent]
    assert lasts == sorted(lasts, reverse=True)
    valley = client.get("/api/clusters", params={"outlet": "Valley Post"}).json()
    assert valley and all(any("Valley Post" in o for o in r["outlets"]) for r in valley)
    assert len(valley) < len(every)
    late = client.get("/api/clusters", params={"since": "2025-03-05"}).json()
    assert late and all(r["last"] >= "2025-03-05" for r in late)
    assert client.get("/api/clusters", params={"until": "2025-01-01"}).json() == []
    zaragoza = client.get("/api/clusters", params={"place": "Zaragoza"}).json()
    assert zaragoza and len(zaragoza) < len(every)
    page = client.get("/clusters", params={"entity": "No Such Body Anywhere"})
    assert page.status_code == 200 and "no such entity" in page.text


def test_web_document_highlights_every_span(make_client: Callable[..., Any]) -> None:
    client = make_client()
    doc = next(d for d in client.get("/api/documents").json() if d["outlet"] == "Harbor Daily")
    data = client.get(f"/api/documents/{doc['id']}").json()
    page = client.get(f"/documents/{doc['id']}").text
    assert page.count('class="hl claim"') >= len(data["claims"])
    for claim in data["claims"]:
        assert f'href="/claims/{claim["id"]}"' in page
    for mention in data["entities"]:
        assert f'href="/entities/{mention["actor"]}"' in page
    assert 'class="hl place"' in page and 'class="hl figure"' in page


def test_web_hostile_report_renders_inert(make_client: Callable[..., Any]) -> None:
    client = make_client(analyse=True)
    job = add_text(client, HOSTILE)
    assert job["state"] == "done" and job["added"] == 1, job
    doc = job["docs"][0]
    pages = [
        client.get(f"/documents/{doc}").text,
        client.get("/documents").text,
        client.get("/").text,
        client.get("/search", params={"q": "fishermen"}).text,
        client.get("/clusters").text,
    ]
    claims = client.get("/api/claims", params={"doc": doc}).json()
    pages += [client.get(f"/claims/{c['id']}").text for c in claims]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
        tags = Tags()
        tags.feed(html)
        assert tags.handlers == [], "an event handler attribute got through"
        assert tags.scripts == ["/static/app.js"] and tags.images == []
        assert not [h for h in tags.hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    document = pages[0]
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in document
    assert "javascript:alert(&#39;url&#39;)" in document  # shown as text, not linked


def test_web_token_required_when_not_loopback(make_client: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match="requires a token"):
        make_client(host="0.0.0.0")
    client = make_client(base_url="http://192.0.2.10:8000", host="0.0.0.0", token="s3cret-token")
    assert client.get("/").status_code == 401
    assert client.get("/api/overview").status_code == 401
    assert client.get("/api/overview", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/overview", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    first = client.get("/", params={"token": "s3cret-token"})
    assert first.status_code == 200
    assert client.get("/clusters").status_code == 200  # the cookie set by ?token= carries on


def test_web_loopback_refuses_foreign_host_header(make_client: Callable[..., Any]) -> None:
    client = make_client()
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")


def test_web_forms_refuse_cross_site_posts(make_client: Callable[..., Any]) -> None:
    client = make_client()
    token = csrf_of(client)
    entities = client.get("/api/entities").json()
    a, b = entities[0]["id"], entities[1]["id"]
    no_token = client.post("/corrections/merge-entities", data={"a": a, "b": b})
    assert no_token.status_code == 403
    bad_token = client.post("/corrections/merge-entities", data={"a": a, "b": b, "csrf": "0" * 64})
    assert bad_token.status_code == 403
    foreign = client.post(
        "/corrections/merge-entities", data={"a": a, "b": b, "csrf": token}, headers={"origin": "http://evil.example"}
    )
    assert foreign.status_code == 403
    form_to_api = client.post("/api/corrections/merge-entities", data={"a": a, "b": b})
    assert form_to_api.status_code == 415
    json_foreign = client.post(
        "/api/corrections/merge-entities", json={"a": a, "b": b}, headers={"origin": "http://evil.example"}
    )
    assert json_foreign.status_code == 403
    assert client.get("/api/judgements").json() == []
    cookie = client.cookies.get("cc_session")
    assert cookie
    set_cookie = client.get("/", cookies={}).headers.get("set-cookie", "")
    assert set_cookie == "" or "samesite=strict" in set_cookie.lower()


def test_web_upload_size_is_capped(make_client: Callable[..., Any]) -> None:
    client = make_client(max_upload=2_000)
    token = csrf_of(client)
    big = b"The agency said the dam held. " * 500
    got = client.post("/add", data={"csrf": token}, files={"file": ("big.txt", big, "text/plain")})
    assert got.status_code == 413
    small = client.post("/add", data={"csrf": token}, files={"file": ("tool.exe", b"MZ", "application/octet-stream")})
    assert small.status_code == 415


def test_web_url_fetch_refuses_private_addresses(make_client: Callable[..., Any]) -> None:
    client = make_client(analyse=False)
    got = client.post("/api/add", json={"url": "http://127.0.0.1:9/report.html"})
    assert got.status_code == 202
    runner = client.app.state.jobs
    job = runner.wait(runner.get(got.json()["id"]), 20)
    assert job.state == "failed" and job.added == 0
    assert any("private" in e or "loopback" in e or "refus" in e for e in job.errors), job.errors


def test_web_merge_entities_and_undo(make_client: Callable[..., Any]) -> None:
    client = make_client()
    token = csrf_of(client)
    # two different actors (the reports name "Zaragoza" as a place everywhere, so they are one actor)
    before = client.get("/api/entities").json()
    both = before[:2]
    assert len(both) == 2
    a, b = both[0]["id"], both[1]["id"]
    got = client.post("/corrections/merge-entities", data={"csrf": token, "a": a, "b": b, "next": f"/entities/{a}"})
    assert got.status_code == 303 and got.headers["location"] == f"/entities/{a}"
    assert len(client.get("/api/entities").json()) == len(before) - 1
    page = client.get(f"/entities/{a}").text
    assert "into one actor" in page and all(e["name"] in page for e in both) and "by user" in page
    judgement = client.get("/api/judgements").json()[0]
    assert judgement["author"] == "user" and judgement["decision"] == "same" and not judgement["undone"]
    assert "user" in client.get("/changes").text
    undone = client.post(
        "/corrections/undo", data={"csrf": token, "judgement": judgement["id"], "next": "//evil.example/"}
    )
    assert undone.status_code == 303 and undone.headers["location"] == "/changes"
    assert len(client.get("/api/entities").json()) == len(before)
    assert client.get("/api/judgements").json()[0]["undone"] is True


def test_web_cluster_status_and_stance_by_hand(make_client: Callable[..., Any]) -> None:
    client = make_client()
    k = client.get("/api/clusters").json()[0]
    new = "denied" if k["status"] != "denied" else "corroborated"
    got = client.post("/api/corrections/status", json={"cluster": k["id"], "status": new, "note": "checked by phone"})
    assert got.status_code == 200 and got.json()["author"] == "user"
    assert client.get(f"/api/clusters/{k['id']}").json()["status"] == new
    claim = client.get(f"/api/clusters/{k['id']}").json()["claims"][0]
    stance = client.post("/api/corrections/stance", json={"claim": claim["id"], "stance": "discusses"})
    assert stance.status_code == 200
    assert client.post("/api/corrections/stance", json={"claim": claim["id"], "stance": "loves"}).status_code == 422
    assert client.post("/api/corrections/undo", json={}).status_code == 200
    assert client.post("/api/corrections/undo", json={}).status_code == 200
    assert client.get(f"/api/clusters/{k['id']}").json()["status"] == k["status"]
    assert client.post("/api/corrections/undo", json={"judgement": 999}).status_code == 404


def test_web_highlight_escapes_between_offsets() -> None:
    text = "A <b>bold</b> claim & Zaragoza said it."
    marks = [Mark(0, len(text), "claim", "/claims/c1", "claim", "c1"), Mark(22, 30, "entity", "/entities/e1", "GPE")]
    html = highlight(text, marks)
    assert isinstance(html, Markup)
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp;" in html and "<b>" not in html
    assert '<a class="hl entity" href="/entities/e1" title="GPE">Zaragoza</a>' in html
    assert html.count('class="hl claim"') == 3  # cut around the entity link
    assert highlight_at("x<y>", [(1, 4, "cue")]) == 'x<mark class="cue">&lt;y&gt;</mark>'
    assert highlight("abc", [Mark(2, 9, "entity", "/e", "")]) == "abc"  # out-of-range marks dropped


def test_web_safe_url_keeps_only_http() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil", "vbscript:x", None, 5):
        assert safe_url(bad) is None


def test_web_serve_refuses_public_host_without_token(
    cli: Callable[..., Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CROSSCHECK_TOKEN", raising=False)
    result = cli("--ledger", tmp_path / "x.db", "serve", "--host", "0.0.0.0")
    assert result.code == 2 and "token" in result.err
