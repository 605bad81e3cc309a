"""Test helpers: CLI results, a loopback-only HTTP server and transport, ledger peeks."""

from __future__ import annotations

import http.server
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


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
