"""Partner-supplied URLs (versions URLs, endpoints, response URLs) are checked before we call
them (DESIGN.md §4): http(s) only, and no loopback, private, link-local or otherwise internal
targets unless ``OCPI_ALLOW_PRIVATE_URLS`` is on (development, tests, the simulator demo).
Without this a partner could make our workers call our own database, cache or cloud metadata.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings

_RESOLVED_TTL_S = 60.0
_resolved: dict[tuple[str, int], tuple[float, list[str]]] = {}


class UnsafeUrl(ValueError):
    """A URL we refuse to call; the message says why."""


def check_partner_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise UnsafeUrl unless ``url`` is an absolute http(s) URL to a public address."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise UnsafeUrl("a partner URL must not carry credentials (user:password@)")
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl(f"{url!r} is not an http(s) URL")
    if not parts.hostname:
        raise UnsafeUrl(f"{url!r} has no host")
    if allow_private if allow_private is not None else settings.OCPI_ALLOW_PRIVATE_URLS:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl(f"{url!r} has an invalid port") from None
    for address in _addresses(parts.hostname, port):
        reason = _internal_reason(ipaddress.ip_address(address.split("%", 1)[0]))
        if reason:
            raise UnsafeUrl(
                f"{url!r} points to a {reason} address ({address}); set OCPI_ALLOW_PRIVATE_URLS=1 to allow it"
            )


def _addresses(host: str, port: int) -> list[str]:
    key = (host.lower(), port)
    cached = _resolved.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeUrl(f"cannot resolve host {host!r} ({exc.strerror or exc})") from None
    addresses = sorted({str(info[4][0]) for info in infos})
    _resolved[key] = (time.monotonic() + _RESOLVED_TTL_S, addresses)
    return addresses


def _internal_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        # Anything else not globally routable: shared address space (100.64/10, where some
        # clouds put their metadata service), 6to4, documentation ranges...
        ("non-public", not address.is_global),
    )
    return next((name for name, applies in checks if applies), "")
