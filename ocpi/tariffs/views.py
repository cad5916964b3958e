"""The Tariffs endpoint CPOs push to (reference §4.4.1): GET, PUT, PATCH, DELETE of one tariff."""

from __future__ import annotations

from rest_framework.request import Request

from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import InvalidParameters, ObjectNotFound
from ocpi.core.objects import check_id, owner_id, read_body
from ocpi.core.views import OcpiView
from ocpi.tariffs import schemas, selectors, services


class TariffView(OcpiView):
    rate_limit_scope = "push"

    def get(self, request: Request, version: str, country_code: str, party_id: str, tariff_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        data = selectors.tariff_get(
            partner_id=partner_id, country_code=country_code, party_id=party_id, tariff_id=tariff_id
        )
        if data is None:
            raise ObjectNotFound(f"No tariff {country_code}/{party_id}/{tariff_id}")
        return OcpiResponse(data)

    def put(self, request: Request, version: str, country_code: str, party_id: str, tariff_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        tariff = read_body(request, schemas.Tariff)
        check_id(url_id=tariff_id, body_id=tariff.id)
        outcome = services.tariff_put(
            partner_id=partner_id, country_code=country_code, party_id=party_id, tariff=tariff
        )
        return OcpiResponse(http_status=201 if outcome is services.Outcome.CREATED else 200)

    def patch(self, request: Request, version: str, country_code: str, party_id: str, tariff_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        patch = read_body(request, schemas.TariffPatch)
        check_id(url_id=tariff_id, body_id=patch.id if isinstance(patch.id, str) else None)
        if not patch.has_changes():
            raise InvalidParameters("the PATCH body names no field of the Tariff to change")
        services.tariff_patch(
            partner_id=partner_id, country_code=country_code, party_id=party_id, tariff_id=tariff_id, patch=patch
        )
        return OcpiResponse()

    def delete(self, request: Request, version: str, country_code: str, party_id: str, tariff_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        services.tariff_delete(partner_id=partner_id, country_code=country_code, party_id=party_id, tariff_id=tariff_id)
        return OcpiResponse()
