"""Base classes for OCPI views, and the versions endpoints (reference §2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.request import Request
from rest_framework.views import APIView

from ocpi.core.authentication import caller_of
from ocpi.core.envelope import OcpiResponse, envelope
from ocpi.core.errors import InvalidParameters, ObjectNotFound
from ocpi.core.openapi import openapi_document
from ocpi.core.pagination import page_headers, paginate, parse_page_request
from ocpi.core.parsers import OcpiContentNegotiation
from ocpi.core.ratelimit import rate_limit_check
from ocpi.core.registry import SUPPORTED_VERSIONS, registry
from ocpi.core.status import OcpiStatus


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
    # Per-partner rate limit (ocpi.core.ratelimit): the scope this view's limited methods count in.
    rate_limit_scope: str | None = None
    rate_limited_methods: tuple[str, ...] = ("PUT", "PATCH", "POST", "DELETE")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        for name, value in kwargs.items():  # URL parts end up in queries: PostgreSQL text cannot hold NUL
            if isinstance(value, str) and "\x00" in value:
                raise InvalidParameters(f"{name}: must not contain NUL (%00)")
        if self.rate_limit_scope and request.method in self.rate_limited_methods:
            caller = caller_of(request)
            if caller.partner_id is not None:
                rate_limit_check(
                    scope=self.rate_limit_scope, partner_id=caller.partner_id, factor=caller.rate_limit_factor
                )

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


def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document of our OCPI endpoints (public: it holds no data, only shapes)."""
    if request.method not in ("GET", "HEAD"):
        return _envelope_response(OcpiStatus.CLIENT_ERROR, "Method not allowed", 405)
    return JsonResponse(openapi_document())


# --- errors raised before a DRF view runs (DisallowedHost, a broken middleware) --------------
# Django answers those with handler400/500 (emsp/urls.py); under /ocpi/ they get the envelope.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_ocpi(request):
        return _envelope_response(OcpiStatus.CLIENT_ERROR, "Bad request", 400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_ocpi(request):
        return _envelope_response(OcpiStatus.SERVER_ERROR, "Internal server error", 500)
    return defaults.server_error(request)


def _is_ocpi(request: HttpRequest) -> bool:
    return request.path.startswith("/ocpi/")


def _envelope_response(status: OcpiStatus, message: str, http_status: int) -> HttpResponse:
    return JsonResponse(envelope(status=status, message=message), status=http_status)
