"""``OcpiClient``: one partner's calls sent, retried with backoff or stopped, and journaled."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from typing import Any

import requests
from django.conf import settings

from ocpi.core.client.attempts import Call, Failure, OcpiReply, encode_body, response_outcome
from ocpi.core.client.connection import transport_failure
from ocpi.core.client.errors import OcpiProtocolError, OcpiTransportError
from ocpi.core.client.pages import DEFAULT_MAX_PAGES, OcpiPage, PageReader
from ocpi.core.client.sessions import TokenAuth, TokenEncoding, encode_token, partner_session
from ocpi.core.client.urls import QueryParams, full_url
from ocpi.core.journal import REDACTED, journal_record, new_request_id, redact
from ocpi.core.models import JournalEntry
from ocpi.core.urlsafety import UnsafeUrl, check_partner_url

# The package's name, as when the client was one module: logging configuration keeps matching.
logger = logging.getLogger("ocpi.core.client")


class _BodyRefused(Exception):
    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.transient = transient


def _read_body(response: requests.Response, *, started: float) -> None:
    """Read the answer into ``response.content`` with a size cap and an overall deadline: the
    read timeout applies to each socket read, so a partner trickling bytes could otherwise hold
    a worker forever, and an endless body could exhaust memory."""
    limit = settings.OCPI_CLIENT_MAX_RESPONSE_BYTES
    deadline = started + settings.OCPI_CLIENT_TOTAL_TIMEOUT
    chunks, size = [], 0
    try:
        while chunk := response.raw.read1(64 * 1024, decode_content=True):  # what arrived, not a full block
            size += len(chunk)
            if size > limit:
                raise _BodyRefused(f"the answer is larger than {limit} bytes", transient=False)
            if time.perf_counter() > deadline:
                raise _BodyRefused(
                    f"the answer took longer than {settings.OCPI_CLIENT_TOTAL_TIMEOUT} s", transient=True
                )
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)  # what response.content returns from now on


class OcpiClient:
    """Calls one partner's OCPI endpoints with that partner's token.

    ``token_encoding`` is what the partner expects after ``Token `` (DESIGN.md §4: raw by default
    for 2.1.1, Base64 for 2.2.1 partners). Timeouts and retries default to the
    ``OCPI_CLIENT_*`` settings. All calls of one client share an ``X-Correlation-ID``.
    Every URL is checked by ``ocpi.core.urlsafety`` before it is called.
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
        journal: bool = True,
    ) -> None:
        if not token:
            raise ValueError("an OCPI client needs the partner's credentials token")
        encoded = encode_token(token, token_encoding)
        self._auth = TokenAuth(f"Token {encoded}")
        # Both forms are redacted whatever we send: a partner may echo either one.
        self._secrets = (token, encoded, encode_token(token, "base64"))
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
        self.journal = journal  # off only for our CPO simulator, which is not our traffic
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
        reader = PageReader(self.get, secrets=self._secrets)
        yield from reader.pages(url, params, limit=limit, max_pages=max_pages)

    # --- one attempt ----------------------------------------------------------------------

    def _prepare(self, method: str, url: str, params: QueryParams | None, body: Any, idempotent: bool | None) -> Call:
        try:
            url_sent = full_url(url, params)
        except ValueError as exc:  # requests' InvalidURL and MissingSchema are ValueErrors
            raise OcpiTransportError(
                f"{method} {self._scrub(url)}: not a usable URL ({type(exc).__name__})",
                method=method,
                url=self._scrub(url),
                transient=False,
            ) from None
        try:
            check_partner_url(url_sent)
        except UnsafeUrl as exc:
            raise OcpiTransportError(
                f"{method} refused: {self._scrub(str(exc))}", method=method, url=self._scrub(url), transient=False
            ) from None
        request_id = new_request_id()
        headers = {"X-Request-ID": request_id, "X-Correlation-ID": self.correlation_id}
        payload = encode_body(body)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
        return Call(method, url_sent, payload, headers, idempotent, request_id)

    def _attempt(self, call: Call) -> OcpiReply | Failure:
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
                stream=True,  # the body is read by _read_body, bounded in size and time
            )
            _read_body(response, started=started)
        except requests.RequestException as exc:
            duration_ms = (time.perf_counter() - started) * 1000
            failure = transport_failure(call, exc, timeout=self.timeout, secrets=self._secrets)
            self._journal(call, duration_ms, error=str(failure.error))
            return failure
        except _BodyRefused as exc:
            duration_ms = (time.perf_counter() - started) * 1000
            failure = self._refused_body(call, str(exc), transient=exc.transient)
            self._journal(call, duration_ms, error=str(failure.error))
            return failure
        duration_ms = (time.perf_counter() - started) * 1000
        outcome, ocpi_status = response_outcome(call, response, secrets=self._secrets)
        error = str(outcome.error) if isinstance(outcome, Failure) else ""
        self._journal(call, duration_ms, response=response, ocpi_status=ocpi_status, error=error)
        logger.debug("OCPI %s %s: HTTP %s", call.method, self._scrub(call.url), response.status_code)
        return outcome

    def _refused_body(self, call: Call, reason: str, *, transient: bool) -> Failure:
        error_type = OcpiTransportError if transient else OcpiProtocolError
        error = error_type(
            f"{call.method} {self._scrub(call.url)}: {reason}",
            method=call.method,
            url=self._scrub(call.url),
            transient=transient,
        )
        return Failure(error, reason=reason, retry=transient and call.idempotent)

    def _delay(self, attempt: int, wait: float | None) -> float:
        if wait is not None:
            return min(wait, self.retry_after_cap)
        # Full jitter: spreads the retries of many workers hit by the same outage.
        return random.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))  # noqa: S311 - not crypto

    def _journal(
        self,
        call: Call,
        duration_ms: float,
        *,
        response: requests.Response | None = None,
        ocpi_status: int | None = None,
        error: str = "",
    ) -> None:
        if not self.journal:
            return
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

    def _scrub(self, text: str) -> str:
        return redact(text, self._secrets)
