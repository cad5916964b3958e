"""URLs of the OCPI API: versions, version details and every registered module."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from ocpi.core.registry import SUPPORTED_VERSIONS, registry
from ocpi.core.views import NotFoundView, VersionDetailsView, VersionsView, openapi_json


def _version_patterns(version: str) -> list[URLPattern | URLResolver]:
    return [
        path("", VersionDetailsView.as_view(), {"version": version}, name=f"ocpi-{version}-details"),
        *registry.urlpatterns(version),
    ]


urlpatterns: list[URLPattern | URLResolver] = [
    path("emsp/versions", VersionsView.as_view(), name="ocpi-versions"),
    path("openapi.json", openapi_json, name="ocpi-openapi"),
    *(path(f"emsp/{version}/", include(_version_patterns(version))) for version in SUPPORTED_VERSIONS),
    re_path(r"^.*$", NotFoundView.as_view(), name="ocpi-not-found"),
]
