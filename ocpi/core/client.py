"""The outbound OCPI client: how the eMSP calls a partner's OCPI interface (reference §1.1–1.5).

One ``OcpiClient`` speaks for one partner: it sends the partner's token, unwraps the response
envelope, retries transient failures with backoff and stops on permanent ones, walks paginated
lists one page at a time, and journals every HTTP attempt with the token redacted. Failures are
one typed hierarchy under ``OcpiClientError``; ``transient`` tells a caller (a Celery task)
whether trying again later may help.

Outbound calls must not run inside a database transaction (see ``ocpi.core.journal``).
"""

from __future__ import annotations

import base64
import http.cookiejar
import logging
import math
import random
import re
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import msgspec
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.exceptions import NewConnectionError

from ocpi.core.journal import REDACTED, journal_record, new_request_id, redact
from ocpi.core.models import JournalEntry

logger = logging.getLogger(__name__)

TokenEncoding = Literal["raw", "base64"]
QueryParams = Mapping[str, str | int | float | None]

DEFAULT_MAX_PAGES = 10_000
_USER_AGENT = "emsp-ocpi-client/2.1.1"
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_MESSAGE_EXCERPT = 200
_NOT_JSON = object()


# --- Results ------------------------------------------------------------------------------


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
class OcpiPage:
    """One page of a paginated list: its objects, the URL it came from, and the pagination
    headers (``total`` from ``X-Total-Count``, ``limit`` from ``X-Limit``; None when absent)."""

    objects: list[dict[str, Any]]
    url: str
    total: int | None
    limit: int | None


# --- Errors -------------------------------------------------------------------------------


class OcpiClientError(Exception):
    """A call to a partner failed. ``transient`` says whether the same call may succeed later.

    Messages name the method and URL, never the token.
    """

    transient: bool = False

    def __init__(self, message: str, *, method: str = "", url: str = "", transient: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.attempts = 1
        if transient is not None:
            self.transient = transient

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (gave up after {self.attempts} attempts)"
        return self.message


class OcpiTransportError(OcpiClientError):
    """No HTTP answer: the connection failed or timed out (after retries)."""

    transient = True


class OcpiHttpError(OcpiClientError):
    """A non-2xx HTTP answer; ``ocpi_status`` is set when the body was an OCPI envelope."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        ocpi_status: int | None = None,
        status_message: str = "",
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(message, method=method, url=url, transient=http_status == 429 or http_status >= 500)
        self.http_status = http_status
        self.ocpi_status = ocpi_status
        self.status_message = status_message


class OcpiProtocolError(OcpiClientError):
    """The partner broke the protocol: a body that is not JSON, no envelope, a bad page."""


class OcpiStatusError(OcpiClientError):
    """HTTP 2xx, but the envelope's ``status_code`` is not a success (1xxx)."""

    def __init__(
        self, message: str, *, status_code: int, status_message: str, http_status: int, method: str = "", url: str = ""
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.status_message = status_message
        self.http_status = http_status


# --- Sessions -----------------------------------------------------------------------------

_sessions: dict[str, requests.Session] = {}
_sessions_lock = threading.Lock()


def partner_session(*, partner_id: int | None = None, partner_label: str = "") -> requests.Session:
    """The pooled ``requests.Session`` of one partner, shared by every client for that partner."""
    key = f"id:{partner_id}" if partner_id is not None else f"label:{partner_label}"
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = _sessions[key] = _new_session()
        return session


def close_sessions() -> None:
    """Close every cached partner session (tests, worker shutdown)."""
    with _sessions_lock:
        sessions = list(_sessions.values())
        _sessions.clear()
    for session in sessions:
        session.close()


def _new_session() -> requests.Session:
    session = requests.Session()
    # Retries are ours (they must be journaled and respect idempotency), so urllib3 makes none.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"Accept": "application/json", "User-Agent": _USER_AGENT})
    # OCPI is stateless and the session is shared between threads: no cookie rides along.
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


class _TokenAuth(AuthBase):
    """Sets ``Authorization: Token …``. Passing it as ``auth`` also keeps requests from
    replacing the header with ``.netrc`` credentials."""

    def __init__(self, header: str) -> None:
        self._header = header

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request


# --- The client ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Call:
    """One logical call; every attempt of it carries the same ``X-Request-ID``."""

    method: str
    url: str
    payload: bytes | None
    headers: dict[str, str]
    idempotent: bool
    request_id: str


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failed attempt: the error to raise, whether another attempt is allowed, and the wait
    the server asked for (``Retry-After``)."""

    error: OcpiClientError
    reason: str
    retry: bool
    wait: float | None = None


class OcpiClient:
    """Calls one partner's OCPI endpoints with that partner's token.

    ``token_encoding`` is what the partner expects after ``Token `` (DESIGN.md §4: raw by default
    for 2.1.1, Base64 for 2.2.1 partners). Timeouts and retries default to the
    ``OCPI_CLIENT_*`` settings. All calls of one client share an ``X-Correlation-ID``.
    """

    def __init__(
        self,
        token: str,
        *,
        token_encoding: TokenEncoding = "raw",  # noqa: S107 - an encoding name, not a secret
        partner_id: int | None = None,
        partner_label: str = "",
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        max_retries: int | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        retry_after_cap: float = 120.0,
        correlation_id: str | None = None,
    ) -> None:
        if not token:
            raise ValueError("an OCPI client needs the partner's credentials token")
        encoded = _encode_token(token, token_encoding)
        self._auth = _TokenAuth(f"Token {encoded}")
        # Both forms are redacted whatever we send: a partner may echo either one.
        self._secrets = (token, encoded, _encode_token(token, "base64"))
        self.partner_id = partner_id
        self.partner_label = partner_label
        self.timeout = (
            connect_timeout if connect_timeout is not None else settings.OCPI_CLIENT_CONNECT_TIMEOUT,
            read_timeout if read_timeout is not None else settings.OCPI_CLIENT_READ_TIMEOUT,
        )
        self.max_retries = max_retries if max_retries is not None else settings.OCPI_CLIENT_MAX_RETRIES
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        self.correlation_id = correlation_id or new_request_id()
        self.session = partner_session(partner_id=partner_id, partner_label=partner_label)

    def __repr__(self) -> str:
        return f"<OcpiClient partner_id={self.partner_id} partner_label={self.partner_label!r}>"

    def get(self, url: str, params: QueryParams | None = None, *, idempotent: bool | None = None) -> OcpiReply:
        return self.request("GET", url, params=params, idempotent=idempotent)

    def post(self, url: str, body: Any, *, idempotent: bool | None = None) -> OcpiReply:
        return self.request("POST", url, body=body, idempotent=idempotent)

    def put(self, url: str, body: Any, *, idempotent: bool | None = None) -> OcpiReply:
        return self.request("PUT", url, body=body, idempotent=idempotent)

    def patch(self, url: str, body: Any, *, idempotent: bool | None = None) -> OcpiReply:
        return self.request("PATCH", url, body=body, idempotent=idempotent)

    def delete(self, url: str, *, idempotent: bool | None = None) -> OcpiReply:
        return self.request("DELETE", url, idempotent=idempotent)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams | None = None,
        body: Any = None,
        idempotent: bool | None = None,
    ) -> OcpiReply:
        """Send one logical call, retrying what may be retried, and return the unwrapped reply.

        ``body`` is encoded as JSON (``bytes`` are sent as already-encoded JSON; None sends no
        body). ``idempotent`` overrides the method's default (GET/PUT/DELETE yes, POST/PATCH no).
        """
        method = method.upper()
        call = self._prepare(method, url, params, body, idempotent)
        attempt = 0
        while True:
            outcome = self._attempt(call)
            if isinstance(outcome, OcpiReply):
                return outcome
            if not outcome.retry or attempt >= self.max_retries:
                outcome.error.attempts = attempt + 1
                raise outcome.error
            delay = self._delay(attempt, outcome.wait)
            attempt += 1
            logger.warning(
                "OCPI %s %s: %s; retry %d of %d in %.2f s",
                method,
                self._scrub(call.url),
                outcome.reason,
                attempt,
                self.max_retries,
                delay,
            )
            time.sleep(delay)

    def iter_pages(
        self,
        url: str,
        params: QueryParams | None = None,
        *,
        limit: int | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> Iterator[OcpiPage]:
        """Walk a paginated list (reference §1.5), one page in memory at a time.

        Follows ``Link: <…>; rel="next"`` verbatim. A server that never sends ``Link`` is walked
        by ``offset``, asking for the ``X-Limit`` it applies when that is below our ``limit``.
        """
        base_url, query = _split_query(url)
        query.update({name: str(value) for name, value in (params or {}).items() if value is not None})
        if limit is not None:
            query["limit"] = str(limit)
        cursor = _OffsetCursor(base_url, query)
        next_url: str | None = _full_url(base_url, query)
        seen: set[str] = set()
        while next_url is not None:
            if next_url in seen:
                raise OcpiProtocolError(f"GET {self._scrub(next_url)}: the next page repeats a page already read")
            if len(seen) >= max_pages:
                raise OcpiProtocolError(f"GET {self._scrub(url)}: more than {max_pages} pages; stopped")
            page, count, link = self._fetch_page(next_url)
            seen.add(page.url)
            next_url = self._next_page_url(cursor.next_url(page, count, link), page_url=page.url)
            yield page
            del page  # the caller holds the page now; we keep none while fetching the next

    # --- one attempt ----------------------------------------------------------------------

    def _prepare(self, method: str, url: str, params: QueryParams | None, body: Any, idempotent: bool | None) -> _Call:
        try:
            full_url = _full_url(url, params)
        except ValueError as exc:  # requests' InvalidURL and MissingSchema are ValueErrors
            raise OcpiTransportError(
                f"{method} {self._scrub(url)}: not a usable URL ({type(exc).__name__})",
                method=method,
                url=self._scrub(url),
                transient=False,
            ) from None
        request_id = new_request_id()
        headers = {"X-Request-ID": request_id, "X-Correlation-ID": self.correlation_id}
        payload = _encode(body)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
        return _Call(method, full_url, payload, headers, idempotent, request_id)

    def _attempt(self, call: _Call) -> OcpiReply | _Failure:
        started = time.perf_counter()
        try:
            response = self.session.request(
                call.method,
                call.url,
                data=call.payload,
                headers=call.headers,
                auth=self._auth,
                timeout=self.timeout,
                # A redirect could lead past the checks made on partner URLs; treat it as an error.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            duration_ms = (time.perf_counter() - started) * 1000
            failure = self._transport_failure(call, exc)
            self._journal(call, duration_ms, error=str(failure.error))
            return failure
        duration_ms = (time.perf_counter() - started) * 1000
        outcome, ocpi_status = self._outcome(call, response)
        error = str(outcome.error) if isinstance(outcome, _Failure) else ""
        self._journal(call, duration_ms, response=response, ocpi_status=ocpi_status, error=error)
        logger.debug("OCPI %s %s: HTTP %s", call.method, self._scrub(call.url), response.status_code)
        return outcome

    def _transport_failure(self, call: _Call, exc: requests.RequestException) -> _Failure:
        what, transient, unsent = _describe_transport_error(exc, self.timeout)
        error = OcpiTransportError(
            f"{call.method} {self._scrub(call.url)}: {what}",
            method=call.method,
            url=self._scrub(call.url),
            transient=transient,
        )
        # A request that may have reached the server is resent only when resending is harmless.
        retry = transient and (unsent or call.idempotent)
        return _Failure(error, reason=type(exc).__name__, retry=retry)

    def _outcome(self, call: _Call, response: requests.Response) -> tuple[OcpiReply | _Failure, int | None]:
        body = _decode(response.content)
        ocpi_status, status_message = _envelope_status(body)
        if 200 <= response.status_code < 300:
            return self._unwrap(call, response, body), ocpi_status
        status = response.status_code
        detail = f" (OCPI {ocpi_status}: {self._excerpt(status_message)})" if ocpi_status is not None else ""
        error = OcpiHttpError(
            f"{call.method} {self._scrub(call.url)} answered HTTP {status}{detail}",
            http_status=status,
            ocpi_status=ocpi_status,
            status_message=self._scrub(status_message),
            method=call.method,
            url=self._scrub(call.url),
        )
        # 429 means "not processed, come back later": safe to resend even a POST.
        retry = error.transient and (call.idempotent or status == 429)
        wait = parse_retry_after(response.headers.get("Retry-After")) if status in _RETRY_AFTER_STATUSES else None
        return _Failure(error, reason=f"HTTP {status}", retry=retry, wait=wait), ocpi_status

    def _unwrap(self, call: _Call, response: requests.Response, body: Any) -> OcpiReply | _Failure:
        where = f"{call.method} {self._scrub(call.url)} answered HTTP {response.status_code}"
        if body is _NOT_JSON:
            return self._protocol_failure(call, f"{where} with a body that is not JSON")
        status_code = body.get("status_code") if isinstance(body, dict) else None
        if not isinstance(status_code, int) or isinstance(status_code, bool):
            return self._protocol_failure(call, f"{where} with JSON that is not an OCPI envelope (no status_code)")
        status_message = _text(body.get("status_message"))
        if not 1000 <= status_code < 2000:
            error = OcpiStatusError(
                f"{where} with OCPI status {status_code}: {self._excerpt(status_message)}",
                status_code=status_code,
                status_message=self._scrub(status_message),
                http_status=response.status_code,
                method=call.method,
                url=self._scrub(call.url),
            )
            return _Failure(error, reason=f"OCPI {status_code}", retry=False)
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

    def _protocol_failure(self, call: _Call, message: str) -> _Failure:
        error = OcpiProtocolError(message, method=call.method, url=self._scrub(call.url))
        return _Failure(error, reason="protocol error", retry=False)

    def _delay(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return min(wait, self.retry_after_cap)
        # Full jitter: spreads the retries of many workers hit by the same outage.
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))  # noqa: S311 - not crypto

    def _journal(
        self,
        call: _Call,
        duration_ms: float,
        *,
        response: requests.Response | None = None,
        ocpi_status: int | None = None,
        error: str = "",
    ) -> None:
        journal_record(
            direction=JournalEntry.Direction.OUTBOUND,
            method=call.method,
            url=call.url,
            duration_ms=duration_ms,
            http_status=response.status_code if response is not None else None,
            ocpi_status=ocpi_status,
            partner_id=self.partner_id,
            partner_label=self.partner_label,
            request_id=call.request_id,
            request_headers={**call.headers, "Authorization": REDACTED},
            request_body=call.payload,
            response_body=response.content if response is not None else None,
            error=error,
            secrets=self._secrets,
        )

    # --- pages ----------------------------------------------------------------------------

    def _fetch_page(self, url: str) -> tuple[OcpiPage, int, str | None]:
        """One page, the number of items the server sent, and its ``rel="next"`` link."""
        reply = self.get(url)
        data = [] if reply.data is None else reply.data  # an empty list may be sent as null
        if not isinstance(data, list):
            raise OcpiProtocolError(
                f"GET {self._scrub(reply.url)}: a list was expected, got {type(data).__name__}",
                method="GET",
                url=self._scrub(reply.url),
            )
        objects = [item for item in data if isinstance(item, dict)]
        if len(objects) < len(data):
            # Reference §1.5: process the valid objects of a list, log the rest.
            logger.warning(
                "OCPI GET %s: %d items are not objects; skipped", self._scrub(reply.url), len(data) - len(objects)
            )
        total = _header_int(reply.headers, "X-Total-Count")
        page = OcpiPage(objects=objects, url=reply.url, total=total, limit=_header_int(reply.headers, "X-Limit"))
        link = parse_next_link(reply.headers.get("Link", ""))
        return page, len(data), link

    def _next_page_url(self, url: str | None, *, page_url: str) -> str | None:
        """The next page URL (a relative ``Link`` resolved) as it will be sent, so the loop check
        compares like with like."""
        if url is None:
            return None
        try:
            return _full_url(urljoin(page_url, url), None)
        except ValueError:  # requests' InvalidURL is one too
            raise OcpiProtocolError(f"the next page link {self._scrub(url)!r} is not a usable URL") from None

    # --- redaction ------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return redact(text, self._secrets)

    def _excerpt(self, text: str) -> str:
        text = self._scrub(text)
        return text if len(text) <= _MESSAGE_EXCERPT else f"{text[:_MESSAGE_EXCERPT]}…"


class _OffsetCursor:
    """Decides the next page URL: the server's ``Link``, or ``offset`` paging when it sends none."""

    def __init__(self, base_url: str, query: dict[str, str]) -> None:
        self.base_url = base_url
        self.query = query
        self.offset = int(query.get("offset", "0"))
        self.linked = False

    def next_url(self, page: OcpiPage, count: int, link: str | None) -> str | None:
        if link is not None:
            self.linked = True
            return link
        if self.linked or count == 0:
            return None  # a server that links marks its last page by leaving Link out
        self.offset += count
        applied = self._apply_limit(page.limit)
        if page.total is not None:
            # The total is the better signal: some servers send short pages before the end.
            if self.offset >= page.total:
                return None
        elif applied is not None and count < applied:
            return None
        self.query["offset"] = str(self.offset)
        return _full_url(self.base_url, self.query)

    def _apply_limit(self, server_limit: int | None) -> int | None:
        """Ask later pages for the server's cap (``X-Limit``) when it is below ours."""
        requested = _int_or_none(self.query.get("limit"))
        if server_limit is not None and server_limit > 0 and (requested is None or server_limit < requested):
            self.query["limit"] = str(server_limit)
            return server_limit
        return requested


# --- Helpers ------------------------------------------------------------------------------

_LINK_RE = re.compile(r'<(?P<url>[^>]*)>(?P<params>(?:[^,<"]|"[^"]*")*)')
_LINK_PARAM_RE = re.compile(r';\s*(?P<name>[^\s=;,]+)\s*(?:=\s*(?:"(?P<quoted>[^"]*)"|(?P<token>[^\s;,]*)))?')


def parse_next_link(value: str) -> str | None:
    """The target of the ``rel="next"`` link in a ``Link`` header (RFC 8288), or None.

    Handles several links in one header, quoted or bare ``rel`` values and ``rel`` lists.
    """
    for link in _LINK_RE.finditer(value or ""):
        for param in _LINK_PARAM_RE.finditer(link["params"]):
            if param["name"].lower() != "rel":
                continue
            rels = (param["quoted"] if param["quoted"] is not None else param["token"] or "").lower().split()
            if "next" in rels:
                return link["url"].strip()
    return None


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


def _encode_token(token: str, encoding: TokenEncoding) -> str:
    """The token as it goes after ``Token `` (DESIGN.md §4; 2.2.1 wants Base64 of UTF-8)."""
    if encoding == "base64":
        return base64.b64encode(token.encode()).decode("ascii")
    if encoding == "raw":
        return token
    raise ValueError(f"token_encoding must be 'raw' or 'base64', not {encoding!r}")


def _encode(body: Any) -> bytes | None:
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


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = _int_or_none(headers.get(name))
    return value if value is not None and value >= 0 else None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _split_query(url: str) -> tuple[str, dict[str, str]]:
    """A URL without its query, and the query as a dict (OCPI repeats no parameter)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="")), dict(parse_qsl(parts.query, keep_blank_values=True))


def _full_url(url: str, params: QueryParams | None) -> str:
    """The URL as requests will send it, so journal, loop checks and the wire agree."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, {name: value for name, value in (params or {}).items() if value is not None})
    return prepared.url or url
