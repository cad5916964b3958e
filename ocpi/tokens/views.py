"""The Tokens endpoints we serve to CPOs (reference §4.5.1): the list, and real-time authorization."""

from __future__ import annotations

import time

from rest_framework.request import Request

from ocpi.core.authentication import caller_of
from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import InvalidParameters
from ocpi.core.objects import partner_id_of, read_body
from ocpi.core.pagination import parse_page_request
from ocpi.core.views import OcpiView
from ocpi.tokens import schemas, selectors
from ocpi.tokens.authorization import token_authorize

TOKEN_TYPES = ("OTHER", "RFID")


class TokenListView(OcpiView):
    def get(self, request: Request, version: str) -> OcpiResponse:
        page = parse_page_request(request.query_params)  # read again by `paginated`; cheap
        filtered = page.date_from is not None or page.date_to is not None
        rows = selectors.tokens_for_list(date_from=page.date_from, date_to=page.date_to, first_page=page.after is None)
        return self.paginated(
            request,
            rows,
            selectors.serialize_tokens,
            count=lambda queryset: selectors.tokens_count(queryset, filtered=filtered),
        )


class TokenAuthorizeView(OcpiView):
    rate_limit_scope = "authorize"

    def post(self, request: Request, version: str, token_uid: str) -> OcpiResponse:
        started = time.perf_counter()
        partner_id = partner_id_of(caller_of(request))
        token_type = _token_type(request)
        references = _references(request)
        info = token_authorize(
            partner_id=partner_id, uid=token_uid, token_type=token_type, references=references, started=started
        )
        return OcpiResponse(schemas.encode(info))


def _token_type(request: Request) -> str | None:
    """``type`` (the URL template, 2.2.1) or ``token_type`` (2.1.1's parameter table); absent
    means any type, as a uid is unique across types with us (DESIGN.md §4)."""
    for name in ("type", "token_type"):
        value = request.query_params.get(name)
        if value:
            if value not in TOKEN_TYPES:
                raise InvalidParameters(f"{name}: expected one of {', '.join(TOKEN_TYPES)}, got {value!r}")
            return value
    return None


def _references(request: Request) -> schemas.LocationReferences | None:
    """The optional LocationReferences body; no body (or JSON ``null``) means none was given."""
    if request.data is None or not getattr(request._request, "ocpi_raw_body", b""):
        return None  # DRF parses nothing when there are no bytes
    return read_body(request, schemas.LocationReferences)
