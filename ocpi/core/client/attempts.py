"""One attempt of a call and what its answer means: an ``OcpiReply`` (OCPI 1xxx with the
envelope unwrapped), or a ``Failure`` that carries the typed error and whether to try again."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import msgspec
import requests

from ocpi.core.client.errors import OcpiClientError, OcpiHttpError, OcpiProtocolError, OcpiStatusError
from ocpi.core.journal import redact

_RETRY_AFTER_STATUSES = frozenset({429, 503})
_MESSAGE_EXCERPT = 200
_NOT_JSON = object()


@dataclass(frozen=True, slots=True)
class OcpiReply:
    """A successful answer (OCPI 1xxx) with the envelope unwrapped."""

    data: Any
    status_code: int
    status_message: str
    http_status: int
    headers: Mapping[str, str]
    url: str
    timestamp: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """One logical call; every attempt of it carries the same ``X-Request-ID``."""

    method: str
    url: str
    payload: bytes | None
    headers: dict[str, str]
    idempotent: bool
    request_id: str


@dataclass(frozen=True, slots=True)
class Failure:
    """A failed attempt: the error to raise, whether another attempt is allowed, and the wait
    the server asked for (``Retry-After``)."""

    error: OcpiClientError
    reason: str
    retry: bool
    wait: float | None = None


def response_outcome(
    call: Call, response: requests.Response, *, secrets: Iterable[str]
) -> tuple[OcpiReply | Failure, int | None]:
    """What an HTTP answer means, and the OCPI status of its envelope (None without one)."""
    body = _decode(response.content)
    ocpi_status, status_message = _envelope_status(body)
    if 200 <= response.status_code < 300:
        return _unwrap(call, response, body, secrets=secrets), ocpi_status
    status = response.status_code
    detail = f" (OCPI {ocpi_status}: {excerpt(status_message, secrets)})" if ocpi_status is not None else ""
    error = OcpiHttpError(
        f"{call.method} {redact(call.url, secrets)} answered HTTP {status}{detail}",
        http_status=status,
        ocpi_status=ocpi_status,
        status_message=redact(status_message, secrets),
        method=call.method,
        url=redact(call.url, secrets),
    )
    # 429 means "not processed, come back later": safe to resend even a POST.
    retry = error.transient and (call.idempotent or status == 429)
    wait = parse_retry_after(response.headers.get("Retry-After")) if status in _RETRY_AFTER_STATUSES else None
    return Failure(error, reason=f"HTTP {status}", retry=retry, wait=wait), ocpi_status


def _unwrap(call: Call, response: requests.Response, body: Any, *, secrets: Iterable[str]) -> OcpiReply | Failure:
    where = f"{call.method} {redact(call.url, secrets)} answered HTTP {response.status_code}"
    if body is _NOT_JSON:
        return _protocol_failure(call, f"{where} with a body that is not JSON", secrets=secrets)
    status_code = body.get("status_code") if isinstance(body, dict) else None
    if not isinstance(status_code, int) or isinstance(status_code, bool):
        message = f"{where} with JSON that is not an OCPI envelope (no status_code)"
        return _protocol_failure(call, message, secrets=secrets)
    status_message = _text(body.get("status_message"))
    if not 1000 <= status_code < 2000:
        error = OcpiStatusError(
            f"{where} with OCPI status {status_code}: {excerpt(status_message, secrets)}",
            status_code=status_code,
            status_message=redact(status_message, secrets),
            http_status=response.status_code,
            method=call.method,
            url=redact(call.url, secrets),
        )
        return Failure(error, reason=f"OCPI {status_code}", retry=False)
    timestamp = body.get("timestamp")
    return OcpiReply(
        data=body.get("data"),
        status_code=status_code,
        status_message=status_message,
        http_status=response.status_code,
        headers=response.headers,
        url=call.url,
        timestamp=timestamp if isinstance(timestamp, str) else None,
    )


def _protocol_failure(call: Call, message: str, *, secrets: Iterable[str]) -> Failure:
    error = OcpiProtocolError(message, method=call.method, url=redact(call.url, secrets))
    return Failure(error, reason="protocol error", retry=False)


def excerpt(text: str, secrets: Iterable[str]) -> str:
    """``text`` redacted and cut short enough for an error message."""
    text = redact(text, secrets)
    return text if len(text) <= _MESSAGE_EXCERPT else f"{text[:_MESSAGE_EXCERPT]}…"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP-date); None if
    absent or unreadable. A date in the past means no wait."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def encode_body(body: Any) -> bytes | None:
    """A request body as JSON: ``bytes`` are taken as already encoded, None is no body."""
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    return msgspec.json.encode(body)


def _decode(content: bytes) -> Any:
    """The JSON value of a body, or ``_NOT_JSON``."""
    if not content.strip():
        return _NOT_JSON
    try:
        return msgspec.json.decode(content)
    except msgspec.DecodeError:
        return _NOT_JSON


def _envelope_status(body: Any) -> tuple[int | None, str]:
    """``status_code`` and ``status_message`` of a body, when it looks like an envelope."""
    if not isinstance(body, dict):
        return None, ""
    code = body.get("status_code")
    if not isinstance(code, int) or isinstance(code, bool):
        return None, ""
    return code, _text(body.get("status_message"))


def _text(value: Any) -> str:
    return "" if value is None else str(value)
