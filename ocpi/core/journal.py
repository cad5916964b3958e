"""Write the traffic journal: every inbound and outbound OCPI request, tokens redacted.

Entries are written in batches (ocpi/core/journal_buffer.py), bodies cut at
OCPI_JOURNAL_BODY_LIMIT characters; a failure to write the journal is logged and never fails
the request it describes. On PostgreSQL entries go
through their own connection, so they are kept even when the caller's transaction rolls back
(a failed handshake is exactly what staff need to read), and their commit does not wait for
the disk: the journal is diagnostics, and the fsync was most of its cost (bench/RESULTS.md).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ocpi.core.journal_buffer import buffer
from ocpi.core.models import JournalEntry

REDACTED = "[redacted]"
# The value of a "token" field, also when the body was cut inside it (no closing quote).
_TOKEN_FIELD_RE = re.compile(r'("token"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)')
_REQUEST_ID_RE = re.compile(r"[\x21-\x7e]{1,64}")
_LOGGED_REQUEST_HEADERS = ("Content-Type", "X-Request-ID", "X-Correlation-ID", "User-Agent")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove credentials tokens: the string value of every ``"token"`` field, and each secret."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _TOKEN_FIELD_RE.sub(rf'\1"{REDACTED}"', text)


def _clip(body: bytes | str | None, secrets: Iterable[str]) -> str:
    if not body:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    text = redact(text, secrets)
    limit = settings.OCPI_JOURNAL_BODY_LIMIT
    if len(text) > limit:
        return f"{text[:limit]}…[{len(text) - limit} more characters]"
    return text


def format_headers(headers: Mapping[str, str]) -> str:
    """Headers worth keeping, one per line; Authorization is recorded only as present."""
    lines = [f"{name}: {headers[name]}" for name in _LOGGED_REQUEST_HEADERS if headers.get(name)]
    if headers.get("Authorization"):
        lines.append(f"Authorization: {REDACTED}")
    return "\n".join(lines)


def journal_record(
    *,
    direction: str,
    method: str,
    url: str,
    duration_ms: float,
    http_status: int | None = None,
    ocpi_status: int | None = None,
    partner_id: int | None = None,
    partner_label: str = "",
    request_id: str = "",
    request_headers: Mapping[str, str] | None = None,
    request_body: bytes | str | None = None,
    response_body: bytes | str | None = None,
    error: str = "",
    secrets: Iterable[str] = (),
) -> None:
    """Queue one journal entry for writing; never raises for a database failure."""
    if not settings.OCPI_JOURNAL_ENABLED:
        return
    secrets = tuple(secrets)
    _insert(
        created=timezone.now(),
        direction=direction,
        partner_id=partner_id,
        partner_label=partner_label[:100],
        method=method[:8],
        url=redact(url, secrets),
        http_status=http_status,
        ocpi_status=ocpi_status,
        duration_ms=round(duration_ms, 3),
        request_id=request_id[:64],
        request_headers=redact(format_headers(request_headers or {}), secrets),
        request_body=_clip(request_body, secrets),
        response_body=_clip(response_body, secrets),
        error=redact(error, secrets)[:2000],
    )


def _insert(**fields: object) -> None:
    # Batched (journal_buffer); on PostgreSQL through the journal's own connection
    # (settings.OCPI_JOURNAL_DATABASE): outside the caller's transaction, no wait for the WAL flush.
    buffer.add(fields)


def journal_prune(*, batch_size: int = 10_000) -> int:
    """Delete entries older than the retention period in batches; returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.OCPI_JOURNAL_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(JournalEntry.objects.filter(created__lt=cutoff).values_list("id", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += JournalEntry.objects.filter(id__in=ids).delete()[0]


def new_request_id() -> str:
    return uuid.uuid4().hex


class JournalMiddleware:
    """Journals every request under /ocpi/ and echoes an ``X-Request-ID`` (taken from the
    caller when it sent a sane one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/ocpi/"):
            return self.get_response(request)
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _REQUEST_ID_RE.fullmatch(offered) else new_request_id()
        request.ocpi_request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        response["X-Request-ID"] = request_id
        if settings.OCPI_JOURNAL_ENABLED:
            self._record(request, response, request_id, duration_ms)
        return response

    @staticmethod
    def _record(request: HttpRequest, response: HttpResponse, request_id: str, duration_ms: float) -> None:
        caller = getattr(request, "ocpi_caller", None)
        raw_body = getattr(request, "ocpi_raw_body", None)
        if raw_body is None and request.method in ("GET", "DELETE", "HEAD", "OPTIONS"):
            raw_body = b""
        elif raw_body is None:  # nobody read it (refused before parsing): keep what the journal shows
            unread = not getattr(request, "_read_started", False)
            raw_body = request.read(settings.OCPI_JOURNAL_BODY_LIMIT + 1) if unread else b""
        presented = getattr(request, "ocpi_presented_token", "")
        journal_record(
            direction=JournalEntry.Direction.INBOUND,
            method=request.method or "",
            url=request.get_full_path(),
            duration_ms=duration_ms,
            http_status=response.status_code,
            ocpi_status=getattr(response, "ocpi_status", None),
            partner_id=getattr(caller, "partner_id", None),
            partner_label=getattr(caller, "label", ""),
            request_id=request_id,
            request_headers=request.headers,
            request_body=raw_body,
            response_body=b"" if response.streaming else response.content,
            # Both forms: a partner presenting Base64 may still echo the raw token somewhere.
            secrets=(presented, getattr(caller, "token", "")),
        )
