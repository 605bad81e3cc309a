"""Fetching reports by URL: http(s) only, private addresses refused, redirects and size capped.

Every hop of a redirect chain goes through `check_url`, so a public page cannot bounce
the fetch onto the user's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
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
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


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


def check_url(url: str, *, allow_private: bool = False, resolve: Resolver = _resolve) -> None:
    """Raise FetchError unless `url` is http(s) to a host whose every address may be fetched."""
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


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    transport: httpx.BaseTransport | None = None,
    resolve: Resolver = _resolve,
) -> Fetched:
    """GET a URL, following at most MAX_REDIRECTS redirects, each hop checked; the body is
    streamed and refused past `max_bytes`."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,text/plain;q=0.9,*/*;q=0.5",
    }
    with httpx.Client(
        timeout=TIMEOUT, follow_redirects=False, transport=transport, headers=headers, trust_env=False
    ) as client:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, allow_private=allow_private, resolve=resolve)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(url, f"redirect from {current} without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(url, f"HTTP {response.status_code} from {current}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(
                            url, f"response of {int(declared) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB cap"
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(url, f"response is over the {max_bytes / 1e6:.0f} MB cap")
                        chunks.append(chunk)
                    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Fetched(url=current, content_type=kind, body=b"".join(chunks))
            except httpx.TimeoutException:
                raise FetchError(url, f"timed out fetching {current}") from None
            except httpx.HTTPError as exc:
                raise FetchError(url, f"cannot fetch {current}: {exc.__class__.__name__}: {exc}") from None
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")
