"""Attempts that got no HTTP answer: what went wrong in words, whether it is transient, and
whether the request may be sent again."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import requests
from urllib3.exceptions import NewConnectionError

from ocpi.core.client.attempts import Call, Failure
from ocpi.core.client.errors import OcpiTransportError
from ocpi.core.journal import redact


def transport_failure(
    call: Call, exc: requests.RequestException, *, timeout: tuple[float, float], secrets: Iterable[str]
) -> Failure:
    """The failure of an attempt that raised instead of answering."""
    what, transient, unsent = _describe_transport_error(exc, timeout)
    error = OcpiTransportError(
        f"{call.method} {redact(call.url, secrets)}: {what}",
        method=call.method,
        url=redact(call.url, secrets),
        transient=transient,
    )
    # A request that may have reached the server is resent only when resending is harmless.
    retry = transient and (unsent or call.idempotent)
    return Failure(error, reason=type(exc).__name__, retry=retry)


def _describe_transport_error(exc: requests.RequestException, timeout: tuple[float, float]) -> tuple[str, bool, bool]:
    """What went wrong in words, whether it is transient, and whether the request surely never
    left (so even a POST may be resent)."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"could not connect within {timeout[0]} s", True, True
    if isinstance(exc, requests.ReadTimeout):
        return f"no answer within the read timeout of {timeout[1]} s", True, False
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake or certificate verification failed", False, True
    if isinstance(exc, ValueError):  # requests' InvalidURL, MissingSchema, InvalidHeader…
        return f"the request could not be sent ({type(exc).__name__})", False, True
    reason = type(_root_reason(exc)).__name__
    if isinstance(exc, requests.ConnectionError) and _never_connected(exc):
        return f"could not connect ({reason})", True, True
    return f"the connection failed ({reason})", True, False


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it wraps: requests wraps urllib3 errors (``MaxRetryError.reason``,
    ``ProtocolError("Connection aborted.", cause)``), and the innermost names the failure."""
    current: BaseException | None = exc
    while current is not None:
        yield current
        inner = getattr(current, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((arg for arg in reversed(current.args) if isinstance(arg, BaseException)), None)
        current = inner if inner is not current else None


def _root_reason(exc: BaseException) -> BaseException:
    *_, innermost = _causes(exc)
    return innermost


def _never_connected(exc: requests.ConnectionError) -> bool:
    # NewConnectionError: refused, unreachable or unresolvable; no byte of the request was sent.
    return any(isinstance(cause, NewConnectionError) for cause in _causes(exc))
