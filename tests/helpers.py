"""Test helpers: CLI results, a loopback-only HTTP server and transport, ledger peeks, and a
small hand-written report of three claims by one body."""

from __future__ import annotations

import hashlib
import http.server
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from crosscheck.records import Analysis, Claim, Document, EntityRecord, Source, Span, content_id


@dataclass(frozen=True, slots=True)
class CliResult:
    code: int
    out: str
    err: str

    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class LoopbackServer:
    """A threaded http.server bound to 127.0.0.1 on a free port. `route(path, ...)` sets what
    a path answers; every request is recorded in `hits`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                hits.append(self.path)
                route = routes.get(self.path, Route(404, b"not found"))
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, body: bytes | str = b"", *, status: int = 200, **headers: str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(status, data, {k.replace("_", "-"): v for k, v in headers.items()})
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.route(path, b"", status=status, Location=location)

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class LoopbackTransport(httpx.BaseTransport):
    """Sends every request to the loopback server, whatever host the URL names, so a test can
    give a URL a public-looking name (resolved by a fake resolver) without any request
    leaving the machine. Refuses outright to send anywhere but 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(str(request.url))
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        assert request.url.host == "127.0.0.1"
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def ledger_rows(path: Path, sql: str = "SELECT origin FROM documents ORDER BY rowid") -> list[Any]:
    """First column of a query on a ledger file, read with plain sqlite3."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute(sql)]
    finally:
        conn.close()


# Hand-written sentences: one body and what it says, in reports of different days.
SENTENCES = [
    "{name} said the harbour bridge was closed after the storm damaged its northern span",
    "{name} said the harbour bridge stayed closed while engineers inspected the northern span",
    "{name} said engineers found cracks in the northern span of the harbour bridge",
]


def harbour_report(i: int, name: str, published: str) -> tuple[Document, Analysis]:
    """A report of three claims made by the body `name` (an entity of the report)."""
    sentences = [s.format(name=name) for s in SENTENCES]
    text = "\n".join(sentences) + f"\nReport {i}.\n"
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = f"d{sha[:15]}"
    document = Document(id=doc, sha256=sha, text=text, origin=f"t/{i}", outlet=f"Outlet {i}", published=published)
    entity = content_id("e", doc, "ORG", name)
    mentions, claims, pos = [], [], 0
    for sentence in sentences:
        mentions.append(Span(doc=doc, start=pos, end=pos + len(name), text=name))
        body_start = pos + len(name) + len(" said ")
        body = sentence[len(name) + len(" said ") :]
        source = Source(text=name, kind="named", entity=entity, span=mentions[-1])
        claims.append(
            Claim(
                id=content_id("c", doc, body_start),
                doc=doc,
                span=Span(doc=doc, start=body_start, end=body_start + len(body), text=body),
                sentence=Span(doc=doc, start=pos, end=pos + len(sentence), text=sentence),
                source=source,
                cue="said",
                entities=(entity,),
                terms=tuple(dict.fromkeys(w for w in body.split() if len(w) > 3)),
            )
        )
        pos += len(sentence) + 1
    record = EntityRecord(id=entity, doc=doc, name=name, type="ORG", mentions=tuple(mentions))
    return document, Analysis(doc=doc, version="t", entities=(record,), claims=tuple(claims))
