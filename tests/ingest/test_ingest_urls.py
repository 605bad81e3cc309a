"""Address and URL checks (with a fake resolver: no lookups, no requests), and fetching with
every redirect hop checked (requests go to the loopback test server only)."""

from __future__ import annotations

from typing import Any

import pytest

from crosscheck.errors import FetchError
from crosscheck.ingest.urls import check_address, check_url, fetch
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
    assert transport.seen == [f"http://news.example:{server.port}/story"]


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
