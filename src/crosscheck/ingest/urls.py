"""Fetching reports by URL: http(s) only, private addresses refused, redirects and size capped.

Every hop of a redirect chain goes through `check_url`, so a public page cannot bounce
the fetch onto the user's own network. The connection goes to an address that was checked,
never to a second lookup of the name (DNS rebinding): the request is sent to the checked IP,
with the name in the Host header and, for https, as the TLS server name (SNI) that the
certificate is verified against. The address the socket actually reached is checked too,
before the request is sent and again on the response.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from crosscheck.errors import FetchError
from crosscheck.ingest.files import DEFAULT_MAX_BYTES

__all__ = ["Fetched", "MAX_REDIRECTS", "check_address", "check_url", "fetch"]

MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
USER_AGENT = "crosscheck/0.1 (+offline evidence ledger; fetches only on request)"

Resolver = Callable[[str], list[str]]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: the final URL, its content type and body."""

    url: str
    content_type: str
    body: bytes


def _resolve(host: str) -> list[str]:
    """The host's addresses, in the system's order of preference, each once."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_address(address: str, *, allow_private: bool = False) -> str | None:
    """Why an IP address may not be fetched (loopback, private, link-local, ...), or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address reach that address: judge it instead.
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    if ip.is_multicast or ip.is_unspecified or (ip.is_reserved and not ip.is_loopback):
        return f"address {ip} is not a public unicast address"
    if allow_private:
        return None
    if ip.is_loopback:
        return f"address {ip} is loopback (use --allow-private to fetch it)"
    if ip.is_link_local:
        return f"address {ip} is link-local (use --allow-private to fetch it)"
    if ip.is_private or not ip.is_global:
        return f"address {ip} is in a private range (use --allow-private to fetch it)"
    return None


def check_url(url: str, *, allow_private: bool = False, resolve: Resolver = _resolve) -> list[str]:
    """Raise FetchError unless `url` is http(s) to a host whose every address may be fetched;
    return those addresses (the only ones a fetch may then connect to)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(url, f"scheme {parts.scheme or '(none)'!r} refused: only http and https")
    host = parts.hostname
    if not host:
        raise FetchError(url, "URL has no host")
    try:
        addresses = [host] if _is_ip(host) else resolve(host)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host!r}: {exc}") from None
    if not addresses:
        raise FetchError(url, f"host {host!r} has no address")
    for address in addresses:
        why = check_address(address, allow_private=allow_private)
        if why:
            raise FetchError(url, why)
    return addresses


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _same_ip(peer: object, address: str) -> bool:
    """Whether a socket's peer (`getpeername()`) is the IP address `address`."""
    if not isinstance(peer, tuple) or not peer:
        return False
    try:
        return ipaddress.ip_address(str(peer[0]).split("%", 1)[0]) == ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False


def _check_peer(url: str, current: str, stream: Any, address: str) -> None:
    """Raise FetchError (closing the stream) unless the connection reached `address`."""
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not _same_ip(peer, address):
        if stream is not None:
            stream.close()
        reached = peer[0] if isinstance(peer, tuple) and peer else "an unknown address"
        raise FetchError(url, f"{current}: connected to {reached}, not to the checked address {address}")


def _pinned(
    client: httpx.Client, url: str, current: str, address: str, trace: Callable[[str, dict[str, Any]], None]
) -> httpx.Request:
    """A GET of `current` sent to `address`: the URL's name stays in Host and in TLS (SNI).
    The connection is not kept for the next hop: connections are pooled by address, and one
    verified for a name must not carry a request for another."""
    try:
        target = httpx.URL(current)
        pinned = target.copy_with(host=address)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(url, f"bad URL {current}: {exc}") from None
    extensions: dict[str, Any] = {"trace": trace}
    if target.scheme == "https":
        extensions["sni_hostname"] = target.raw_host.decode("ascii")
    headers = {"Host": target.netloc.decode("ascii"), "Connection": "close"}
    return client.build_request("GET", pinned, headers=headers, extensions=extensions)


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    transport: httpx.BaseTransport | None = None,
    resolve: Resolver = _resolve,
    verify: ssl.SSLContext | bool = True,
) -> Fetched:
    """GET a URL, following at most MAX_REDIRECTS redirects, each hop checked and sent to an
    address the check approved (the next one if it cannot be reached); the body is streamed
    and refused past `max_bytes`. `transport` (tests) replaces the network: the request still
    goes to the checked address, but the peer check is left to it. `verify`: TLS trust."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,text/plain;q=0.9,*/*;q=0.5",
    }
    check_peer = transport is None
    with httpx.Client(
        timeout=TIMEOUT, follow_redirects=False, transport=transport, headers=headers, trust_env=False, verify=verify
    ) as client:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            addresses = check_url(current, allow_private=allow_private, resolve=resolve)
            got = _get(client, url, current, addresses, max_bytes, check_peer)
            if isinstance(got, Fetched):
                return got
            current = got
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")


def _get(
    client: httpx.Client, url: str, current: str, addresses: list[str], max_bytes: int, check_peer: bool
) -> Fetched | str:
    """One hop: the fetched resource, or the URL a redirect points to."""
    for index, address in enumerate(addresses):

        def trace(event: str, info: dict[str, Any], address: str = address) -> None:
            if check_peer and event == "connection.connect_tcp.complete":
                _check_peer(url, current, info.get("return_value"), address)  # before anything is sent

        request = _pinned(client, url, current, address, trace)
        try:
            response = client.send(request, stream=True)
            try:
                if check_peer:
                    _check_peer(url, current, response.extensions.get("network_stream"), address)
                return _read(url, current, response, max_bytes)
            finally:
                response.close()
        except httpx.ConnectError as exc:
            if index + 1 < len(addresses):
                continue  # the name has other checked addresses: try the next one
            raise FetchError(url, f"cannot fetch {current}: {exc.__class__.__name__}: {exc}") from None
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out fetching {current}") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"cannot fetch {current}: {exc.__class__.__name__}: {exc}") from None
    raise FetchError(url, f"no address to fetch {current} from")


def _read(url: str, current: str, response: httpx.Response, max_bytes: int) -> Fetched | str:
    if response.is_redirect:
        location = response.headers.get("location")
        if not location:
            raise FetchError(url, f"redirect from {current} without a Location")
        return str(urljoin(current, location))
    if response.status_code >= 400:
        raise FetchError(url, f"HTTP {response.status_code} from {current}")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, f"response of {int(declared) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB cap")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"response is over the {max_bytes / 1e6:.0f} MB cap")
        chunks.append(chunk)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return Fetched(url=current, content_type=kind, body=b"".join(chunks))
