"""The outbound OCPI client: how the eMSP calls a partner's OCPI interface (reference §1.1–1.5).

One ``OcpiClient`` speaks for one partner: it sends the partner's token, unwraps the response
envelope, retries transient failures with backoff and stops on permanent ones, walks paginated
lists one page at a time, and journals every HTTP attempt with the token redacted. Failures are
one typed hierarchy under ``OcpiClientError``; ``transient`` tells a caller (a Celery task)
whether trying again later may help.

Outbound calls must not run inside a database transaction (see ``ocpi.core.journal``).

The package's modules: ``errors`` (the failure hierarchy), ``sessions`` (per-partner sessions,
token header), ``urls`` (URLs as sent), ``attempts`` (reading one answer), ``connection`` (attempts
without an answer), ``pages`` (paginated lists) and ``transport`` (``OcpiClient``). Import from
here, not from them.
"""

from ocpi.core.client.attempts import OcpiReply, parse_retry_after
from ocpi.core.client.errors import (
    OcpiClientError,
    OcpiHttpError,
    OcpiProtocolError,
    OcpiStatusError,
    OcpiTransportError,
)
from ocpi.core.client.pages import DEFAULT_MAX_PAGES, OcpiPage, parse_next_link
from ocpi.core.client.sessions import TokenEncoding, close_sessions, partner_session
from ocpi.core.client.transport import OcpiClient
from ocpi.core.client.urls import QueryParams

__all__ = [
    "DEFAULT_MAX_PAGES",
    "OcpiClient",
    "OcpiClientError",
    "OcpiHttpError",
    "OcpiPage",
    "OcpiProtocolError",
    "OcpiReply",
    "OcpiStatusError",
    "OcpiTransportError",
    "QueryParams",
    "TokenEncoding",
    "close_sessions",
    "parse_next_link",
    "parse_retry_after",
    "partner_session",
]
