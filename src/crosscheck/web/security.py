"""Safety for the local web app: the access token, cross-site request checks, size caps,
allowed hosts and response headers.

Reports are hostile input. Templates escape everything (Jinja2 autoescape), the stored text
is cut into escaped segments (`web/render.py`), links from report metadata keep only http(s)
URLs, and the Content-Security-Policy forbids inline scripts, so markup that slips through
still cannot run.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

__all__ = [
    "CSRF_COOKIE",
    "TOKEN_COOKIE",
    "URL_ONLY",
    "Guard",
    "fetchable_url",
    "is_loopback",
    "safe_url",
]

TOKEN_COOKIE = "cc_token"
CSRF_COOKIE = "cc_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
URL_ONLY = "url: give an absolute http:// or https:// address with a host name; to add a file, upload it"


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or address to bind) only reaches this machine."""
    if host.strip("[]").lower() in {"localhost", "::1"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def safe_url(url: object) -> str | None:
    """`url` when it is an http(s) URL a link may point to, else None (javascript:, data:, ...)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    return None


def fetchable_url(url: object) -> str | None:
    """`url` stripped when it is an absolute http(s) URL with a host (and a valid port), else None.

    The only thing the web app's URL field accepts: never a local path, `-` (stdin) or `file:`,
    which the CLI's reader would open on the server. The fetch itself still refuses private
    addresses (`ingest.urls.check_url`)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.hostname and port_ok:
        return text
    return None


class Guard:
    """The checks every request passes, as one ASGI-level middleware function.

    - token: when set, a request must carry it (`Authorization: Bearer`, the `cc_token`
      cookie, or `?token=` once, which sets the cookie); else 401.
    - hosts: when bound to loopback, the Host header must name loopback (no DNS rebinding).
    - unsafe methods: the Origin (or Referer), when sent, must be this server; form posts
      must carry the session's CSRF token; API posts must be JSON (a cross-site page cannot
      send JSON without a CORS preflight, which this app never grants).
    - size: a body whose Content-Length is over the cap is refused with 413.
    """

    def __init__(self, *, token: str | None, secret: bytes, max_body: int, allowed_hosts: set[str] | None) -> None:
        self.token = token
        self.secret = secret
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts

    # -- CSRF tokens -------------------------------------------------------------------------

    def csrf_for(self, session: str) -> str:
        """The CSRF token forms of session `session` carry."""
        return hmac.new(self.secret, session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: Request, sent: str | None) -> bool:
        session = request.cookies.get(CSRF_COOKIE)
        return bool(session and sent and hmac.compare_digest(self.csrf_for(session), sent))

    # -- the middleware ----------------------------------------------------------------------

    async def __call__(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        refusal = self._refuse(request)
        if refusal is not None:
            return _headers(refusal)
        session = request.cookies.get(CSRF_COOKIE)
        new_session = None if session else secrets.token_urlsafe(24)
        request.state.session = session or new_session
        request.state.csrf = self.csrf_for(request.state.session)
        response = await call_next(request)
        if new_session:
            response.set_cookie(CSRF_COOKIE, new_session, httponly=True, samesite="strict")
        if self.token and request.query_params.get("token") and request.cookies.get(TOKEN_COOKIE) != self.token:
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        return _headers(response)

    def _refuse(self, request: Request) -> Response | None:
        host = (request.headers.get("host") or "").lower()
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            return PlainTextResponse("unknown host", status_code=400)
        if self.token and not self._has_token(request):
            return JSONResponse(
                {"detail": "a token is required"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        if request.method in SAFE_METHODS:
            return None
        length = request.headers.get("content-length")
        if length is None and "chunked" in request.headers.get("transfer-encoding", "").lower():
            return JSONResponse({"detail": "a Content-Length is required"}, status_code=411)
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return JSONResponse({"detail": f"request body over the {self.max_body} byte cap"}, status_code=413)
        origin = request.headers.get("origin") or request.headers.get("referer")
        if origin and origin != "null" and urlsplit(origin).netloc.lower() != host:
            return JSONResponse({"detail": "cross-site request refused"}, status_code=403)
        if origin == "null":
            return JSONResponse({"detail": "cross-site request refused"}, status_code=403)
        if request.url.path.startswith("/api/"):
            kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            if kind != "application/json":
                return JSONResponse({"detail": "API writes take application/json"}, status_code=415)
        return None

    def _has_token(self, request: Request) -> bool:
        assert self.token
        header = request.headers.get("authorization", "")
        sent = [
            header[7:] if header.lower().startswith("bearer ") else "",
            request.cookies.get(TOKEN_COOKIE, ""),
            request.query_params.get("token", ""),
        ]
        return any(s and hmac.compare_digest(s.encode(), self.token.encode()) for s in sent)


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
