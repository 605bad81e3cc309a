"""Address and URL checks (with a fake resolver: no lookups, no requests), and fetching with
every redirect hop checked and connected to the checked address (requests go to loopback test
servers only: a fake network refuses, and records, every other connection)."""

from __future__ import annotations

from typing import Any

import pytest

from crosscheck.errors import FetchError
from crosscheck.ingest.urls import _is_ip, check_address, check_url, fetch
from helpers import LoopbackTransport

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("10.0.0.1", "private"),
        ("10.255.255.254", "private"),
        ("172.16.0.1", "private"),
        ("172.20.10.5", "private"),
        ("172.31.255.254", "private"),
        ("192.168.0.1", "private"),
        ("192.168.100.200", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("fc00::1", "private"),
        ("fd12:3456:789a::1", "private"),
        ("::ffff:10.1.2.3", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.1.1", "link-local"),
        ("2002:c0a8:0101::1", "private"),  # 6to4 wrapping 192.168.1.1
        ("64:ff9b::a00:1", "private"),  # NAT64 wrapping 10.0.0.1
        ("100.64.0.1", "private"),  # carrier-grade NAT
    ],
)
def test_urls_check_address_refuses_private_ranges(address: str, why: str) -> None:
    reason = check_address(address)
    assert reason is not None and why in reason and "--allow-private" in reason
    assert check_address(address, allow_private=True) is None


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "224.0.0.1", "ff02::1", "240.0.0.1", "255.255.255.255"])
def test_urls_check_address_never_allows_non_unicast(address: str) -> None:
    assert check_address(address) is not None
    assert check_address(address, allow_private=True) is not None


@pytest.mark.parametrize(
    "address",
    [
        PUBLIC_V4,
        "8.8.8.8",
        "172.15.255.255",
        "172.32.0.1",
        "192.169.0.1",
        PUBLIC_V6,
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ],
)
def test_urls_check_address_allows_public(address: str) -> None:
    assert check_address(address) is None


def test_urls_check_address_rejects_garbage() -> None:
    assert "not an IP address" in (check_address("not-an-ip") or "")


def fake_resolver(table: dict[str, list[str]]) -> Any:
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        return table[host]

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


def test_urls_check_url_uses_resolver_and_checks_every_address() -> None:
    resolve = fake_resolver(
        {
            "news.example": [PUBLIC_V4],
            "split.example": [PUBLIC_V4, "192.168.1.20"],
            "intranet.example": ["10.9.8.7"],
            "v6.example": ["fd00::5"],
        }
    )
    check_url("https://news.example/story", resolve=resolve)
    for host, why in (("split.example", "192.168.1.20"), ("intranet.example", "10.9.8.7"), ("v6.example", "fd00::5")):
        with pytest.raises(FetchError, match=why):
            check_url(f"http://{host}/", resolve=resolve)
    check_url("http://intranet.example/", resolve=resolve, allow_private=True)
    assert resolve.asked[0] == "news.example"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "scheme 'file' refused"),
        ("ftp://news.example/a.txt", "scheme 'ftp' refused"),
        ("gopher://news.example/", "scheme 'gopher' refused"),
        ("http:///nohost", "no host"),
        ("http://[::1]:8080/", "loopback"),
        ("http://127.0.0.1/", "loopback"),
        ("http://10.0.0.8/", "private"),
    ],
)
def test_urls_check_url_refusals(url: str, message: str) -> None:
    resolve = fake_resolver({})
    with pytest.raises(FetchError, match=message.replace("[", r"\[")):
        check_url(url, resolve=resolve)
    assert resolve.asked == []  # literal addresses and bad schemes are judged without lookups


def test_urls_check_url_unresolvable_host() -> None:
    import socket

    def resolve(host: str) -> list[str]:
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(FetchError, match="cannot resolve host 'nowhere.example'"):
        check_url("http://nowhere.example/", resolve=resolve)


def test_urls_fetch_refuses_redirect_to_loopback(server: Any) -> None:
    """A 'public' page (a fake name resolved to a public address, served by the loopback
    server through a transport that only talks to 127.0.0.1) redirects to 127.0.0.1: the
    second hop is refused before it is requested."""
    server.redirect("/story", server.url("/secret"))
    server.route("/secret", "internal admin page")
    transport = LoopbackTransport(server.port)
    resolve = fake_resolver({"news.example": [PUBLIC_V4]})
    with pytest.raises(FetchError, match="address 127.0.0.1 is loopback"):
        fetch(f"http://news.example:{server.port}/story", transport=transport, resolve=resolve)
    assert server.hits == ["/story"]
    assert transport.seen == [f"http://{PUBLIC_V4}:{server.port}/story"]  # sent to the checked address


def test_urls_fetch_refuses_redirect_to_private_name(server: Any) -> None:
    server.redirect("/story", "http://intranet.example/wiki")
    resolve = fake_resolver({"news.example": [PUBLIC_V4], "intranet.example": ["192.168.10.4"]})
    with pytest.raises(FetchError, match="192.168.10.4 is in a private range"):
        fetch(f"http://news.example:{server.port}/story", transport=LoopbackTransport(server.port), resolve=resolve)
    assert server.hits == ["/story"]


def test_urls_fetch_refuses_redirect_to_other_scheme(server: Any) -> None:
    server.redirect("/story", "file:///etc/passwd")
    resolve = fake_resolver({"news.example": [PUBLIC_V4]})
    with pytest.raises(FetchError, match="scheme 'file' refused"):
        fetch(f"http://news.example:{server.port}/story", transport=LoopbackTransport(server.port), resolve=resolve)


def test_urls_fetch_follows_public_hops(server: Any) -> None:
    server.redirect("/a", "/b", status=301)
    server.redirect("/b", "http://mirror.example/c", status=307)
    server.route("/c", "Ferry service resumes after storm.", Content_Type="text/plain; charset=utf-8")
    resolve = fake_resolver({"news.example": [PUBLIC_V4], "mirror.example": [PUBLIC_V6]})
    got = fetch(f"http://news.example:{server.port}/a", transport=LoopbackTransport(server.port), resolve=resolve)
    assert got.url == "http://mirror.example/c"
    assert got.content_type == "text/plain"
    assert got.body == b"Ferry service resumes after storm."
    assert server.hits == ["/a", "/b", "/c"]


def test_urls_fetch_loopback_hops_with_allow_private(server: Any) -> None:
    server.redirect("/one", server.url("/two"))
    server.route("/two", "Final page")
    with pytest.raises(FetchError, match="loopback"):
        fetch(server.url("/one"))
    assert server.hits == []
    got = fetch(server.url("/one"), allow_private=True)
    assert (got.url, got.body) == (server.url("/two"), b"Final page")


def test_urls_fetch_http_error_status(server: Any) -> None:
    url = server.url("/missing")
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(url, allow_private=True)


def test_urls_fetch_declared_size_over_cap(server: Any) -> None:
    url = server.route("/big", b"x" * 5000)
    with pytest.raises(FetchError, match="over the"):
        fetch(url, allow_private=True, max_bytes=1000)


# -- connecting to the checked address (DNS rebinding) ------------------------------------------


class FakeNetwork:
    """DNS and sockets of a pretend internet. `resolve` answers a name from `answers`, one list
    per lookup in turn (the last repeats), as a rebinding DNS server would; the socket layer
    (`socket.create_connection`, patched) looks names up the same way and connects only to
    127.0.0.1, or to an address `redirect` sends to 127.0.0.1. Every other connection is
    recorded and refused: nothing leaves the machine."""

    def __init__(self, answers: dict[str, list[list[str]]], redirect: dict[str, str] | None = None) -> None:
        self.answers = {host: list(lists) for host, lists in answers.items()}
        self.redirect = redirect or {}
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []

    def resolve(self, host: str) -> list[str]:
        self.lookups.append(host)
        lists = self.answers[host]
        return lists.pop(0) if len(lists) > 1 else lists[0]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import socket

        real = socket.create_connection

        def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            host, port = address[0], address[1]
            ip = host if _is_ip(host) else self.resolve(host)[0]
            self.connects.append((ip, port))
            ip = self.redirect.get(ip, ip)
            if ip != "127.0.0.1":
                raise ConnectionRefusedError(f"test network: no route to {ip}")
            return real(("127.0.0.1", port), *args, **kwargs)

        monkeypatch.setattr(socket, "create_connection", create_connection)


class RecordingServer:
    """A server on 127.0.0.1 that records each request's path and Host header (and, with TLS,
    the server name the client asked for); `routes` maps a path to (status, headers, body)."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]], tls: Any = None) -> None:
        import http.server
        import threading

        self.requests: list[tuple[str, str]] = []
        self.server_names: list[str | None] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps connections open unless the client says close

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                requests.append((self.path, self.headers.get("Host", "")))
                status, headers, body = routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            tls.sni_callback = lambda sock, name, ctx: self.server_names.append(name)
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> RecordingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_urls_fetch_connects_only_to_the_checked_address(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name resolves to a public address for the check, then to 127.0.0.1.
    The fetch connects to the checked address only (refused by the test network), never to
    the second answer, so the loopback server is never reached."""
    server.route("/admin", "internal admin page")
    net = FakeNetwork({"rebind.example": [[PUBLIC_V4], ["127.0.0.1"]]})
    net.install(monkeypatch)
    with pytest.raises(FetchError, match="cannot fetch"):
        fetch(f"http://rebind.example:{server.port}/admin", resolve=net.resolve)
    assert net.connects == [(PUBLIC_V4, server.port)]
    assert net.lookups == ["rebind.example"]  # looked up once, for the check
    assert server.hits == []


def test_urls_fetch_refuses_a_connection_that_reached_another_address(
    server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket reached 127.0.0.1 although 127.0.0.2 was checked: refused before the request
    is sent."""
    server.route("/page", "a page")
    net = FakeNetwork({"local.example": [["127.0.0.2"]]}, redirect={"127.0.0.2": "127.0.0.1"})
    net.install(monkeypatch)
    with pytest.raises(FetchError, match="connected to 127.0.0.1, not to the checked address 127.0.0.2"):
        fetch(f"http://local.example:{server.port}/page", resolve=net.resolve, allow_private=True)
    assert server.hits == []


def test_urls_fetch_tries_the_next_checked_address(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    server.route("/page", "a page")
    net = FakeNetwork({"dual.example": [[PUBLIC_V6, "127.0.0.1"]]})
    net.install(monkeypatch)
    got = fetch(f"http://dual.example:{server.port}/page", resolve=net.resolve, allow_private=True)
    assert got.body == b"a page"
    assert net.connects == [(PUBLIC_V6, server.port), ("127.0.0.1", server.port)]


def test_urls_fetch_pins_every_hop_and_keeps_the_host_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A normal fetch through names with redirects: each hop is looked up once, connected to
    its checked address, and sent with the name in the Host header."""
    routes = {
        "/a": (302, {"Location": "/b"}, b""),
        "/b": (301, {"Location": "http://mirror.example:{port}/c"}, b""),
        "/c": (200, {"Content-Type": "text/plain"}, b"Ferry service resumes."),
    }
    with RecordingServer(routes) as srv:
        routes["/b"] = (301, {"Location": f"http://mirror.example:{srv.port}/c"}, b"")
        net = FakeNetwork({"news.example": [["127.0.0.1"]], "mirror.example": [["127.0.0.1"]]})
        net.install(monkeypatch)
        got = fetch(f"http://news.example:{srv.port}/a", resolve=net.resolve, allow_private=True)
    assert (got.url, got.body) == (f"http://mirror.example:{srv.port}/c", b"Ferry service resumes.")
    assert srv.requests == [
        ("/a", f"news.example:{srv.port}"),
        ("/b", f"news.example:{srv.port}"),
        ("/c", f"mirror.example:{srv.port}"),
    ]
    assert net.lookups == ["news.example", "news.example", "mirror.example"]  # one check per hop
    assert {ip for ip, _ in net.connects} == {"127.0.0.1"}  # the socket layer never looked a name up
    assert len(net.connects) == 3  # a new connection per hop: one made for a name never serves another


def _tls_context(tmp_path: Any, name: str) -> tuple[Any, Any]:
    """A server context with a self-signed certificate for `name`, and a client context
    trusting it (made with the openssl command)."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


def test_urls_fetch_https_to_the_checked_address_verifies_the_name(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """https to a pinned address: the TLS server name (SNI) and the certificate check use the
    URL's name, not the address (a certificate for news.example only is accepted)."""
    server_ctx, client_ctx = _tls_context(tmp_path, "news.example")
    routes = {"/story": (200, {"Content-Type": "text/html"}, b"<p>Story</p>")}
    with RecordingServer(routes, tls=server_ctx) as srv:
        net = FakeNetwork({"news.example": [["127.0.0.1"]]})
        net.install(monkeypatch)
        got = fetch(
            f"https://news.example:{srv.port}/story", resolve=net.resolve, allow_private=True, verify=client_ctx
        )
        assert got.body == b"<p>Story</p>"
        assert srv.server_names == ["news.example"]
        assert srv.requests == [("/story", f"news.example:{srv.port}")]
        assert net.connects == [("127.0.0.1", srv.port)]
        other = FakeNetwork({"other.example": [["127.0.0.1"]]})
        other.install(monkeypatch)
        with pytest.raises(FetchError, match="cannot fetch"):  # the certificate is not for this name
            fetch(
                f"https://other.example:{srv.port}/story", resolve=other.resolve, allow_private=True, verify=client_ctx
            )
