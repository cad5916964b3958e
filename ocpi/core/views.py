"""Base classes for OCPI views, and the versions endpoints (reference §2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.views import APIView

from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import ObjectNotFound
from ocpi.core.pagination import page_headers, paginate, parse_page_request
from ocpi.core.parsers import OcpiContentNegotiation
from ocpi.core.registry import SUPPORTED_VERSIONS, registry


def versions_url() -> str:
    return f"{settings.OCPI_BASE_URL}/ocpi/emsp/versions"


def version_details_url(version: str) -> str:
    return f"{settings.OCPI_BASE_URL}/ocpi/emsp/{version}/"


def module_url(version: str, identifier: str) -> str:
    return f"{settings.OCPI_BASE_URL}/ocpi/emsp/{version}/{identifier}"


class OcpiView(APIView):
    """Every OCPI endpoint derives from this: token authentication, envelope errors, JSON."""

    content_negotiation_class = OcpiContentNegotiation
    metadata_class = None  # OCPI defines no OPTIONS: answer 405 with the envelope
    # Methods a registration-scope token (token A) may call on this view.
    registration_token_methods: tuple[str, ...] = ()

    def paginated(
        self,
        request: Request,
        queryset: QuerySet[Any],
        serialize: Callable[[Iterable[Any]], list[Any]],
        *,
        date_field: str = "last_updated",
        count: Callable[[QuerySet[Any]], int] | None = None,
    ) -> OcpiResponse:
        """A paginated list answer with ``Link``, ``X-Total-Count`` and ``X-Limit``."""
        page = paginate(queryset, parse_page_request(request.query_params), date_field=date_field, count=count)
        headers = page_headers(page, path=request._request.path_info, query=request.query_params)
        return OcpiResponse(serialize(page.items), headers=headers)


class VersionsView(OcpiView):
    registration_token_methods = ("GET",)

    def get(self, request: Request) -> OcpiResponse:
        return OcpiResponse(
            [{"version": version, "url": version_details_url(version)} for version in SUPPORTED_VERSIONS]
        )


class VersionDetailsView(OcpiView):
    registration_token_methods = ("GET",)

    def get(self, request: Request, version: str) -> OcpiResponse:
        if version not in SUPPORTED_VERSIONS:
            raise ObjectNotFound(f"OCPI version {version!r} is not supported")
        endpoints = [
            {"identifier": spec.identifier, "url": module_url(version, spec.identifier)}
            for spec in registry.modules(version)
        ]
        return OcpiResponse({"version": version, "endpoints": endpoints})


class NotFoundView(OcpiView):
    """Any other URL under /ocpi/: 401 without a valid token, otherwise 404 — with the envelope."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise ObjectNotFound(f"No OCPI endpoint at {request._request.path_info}")
