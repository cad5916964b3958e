"""The CDRs endpoint CPOs post to (reference §4.3.1): POST a CDR, GET it at the URL we gave."""

from __future__ import annotations

from rest_framework.request import Request

from ocpi.cdrs import schemas, selectors, services
from ocpi.core.authentication import OcpiCaller, caller_of
from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import ObjectNotFound
from ocpi.core.objects import partner_id_of, read_body
from ocpi.core.views import OcpiView, module_url

_MESSAGES = {
    services.Outcome.CREATED: None,
    services.Outcome.DUPLICATE: "This CDR was already received; it is stored at the Location given",
    services.Outcome.CONFLICT: (
        "A different CDR with this id is already stored at the Location given; "
        "this one was not applied and is kept for review"
    ),
}


def cdr_url(version: str, cdr_id: int) -> str:
    """The absolute URL of a stored CDR, sent in the ``Location`` header."""
    return f"{module_url(version, 'cdrs')}/{cdr_id}"


class CdrsView(OcpiView):
    rate_limit_scope = "push"

    def post(self, request: Request, version: str) -> OcpiResponse:
        partner_id, caller = _partner(request)
        cdr = read_body(request, schemas.CDR)
        cdr_id, outcome = services.cdr_receive(
            partner_id=partner_id, country_code=caller.country_code, party_id=caller.party_id, cdr=cdr
        )
        return OcpiResponse(
            message=_MESSAGES[outcome],
            http_status=201 if outcome is services.Outcome.CREATED else 200,
            headers={"Location": cdr_url(version, cdr_id)},
        )


class CdrView(OcpiView):
    def get(self, request: Request, version: str, cdr_id: int) -> OcpiResponse:
        partner_id, _ = _partner(request)
        data = selectors.cdr_get(partner_id=partner_id, cdr_id=cdr_id)
        if data is None:  # another partner's CDR is as unknown as a missing one
            raise ObjectNotFound(f"No CDR {cdr_id}")
        return OcpiResponse(data)


def _partner(request: Request) -> tuple[int, OcpiCaller]:
    caller = caller_of(request)
    return partner_id_of(caller), caller
