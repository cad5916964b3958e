"""Which OCPI modules this platform implements, per version.

Each module room registers itself in its ``AppConfig.ready()``; the version details endpoint
lists exactly what is registered, and the URL configuration mounts each module's ``urls``
under ``/ocpi/emsp/<version>/<identifier>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, include, path

SUPPORTED_VERSIONS = ("2.1.1",)
MODULE_IDS = ("cdrs", "commands", "credentials", "locations", "sessions", "tariffs", "tokens")


@dataclass(frozen=True)
class ModuleSpec:
    identifier: str  # OCPI ModuleID, e.g. "sessions"
    version: str  # e.g. "2.1.1"
    urls: str | None = None  # dotted path of the URLconf serving this module


class ModuleRegistry:
    def __init__(self) -> None:
        self._modules: dict[tuple[str, str], ModuleSpec] = {}

    def register(self, spec: ModuleSpec) -> None:
        if spec.version not in SUPPORTED_VERSIONS:
            raise ValueError(f"OCPI version {spec.version!r} is not supported: {SUPPORTED_VERSIONS}")
        key = (spec.version, spec.identifier)
        if key in self._modules and self._modules[key] != spec:
            raise ValueError(f"OCPI module {spec.identifier!r} {spec.version} is registered twice")
        self._modules[key] = spec

    def modules(self, version: str) -> list[ModuleSpec]:
        return sorted(
            (spec for (spec_version, _), spec in self._modules.items() if spec_version == version),
            key=lambda spec: spec.identifier,
        )

    def urlpatterns(self, version: str) -> list[URLPattern | URLResolver]:
        """Each module's URLconf under ``<identifier>`` (its root pattern is ``""``, deeper ones
        start with ``/``, matching the endpoint URL we publish); views receive ``version``."""
        return [
            path(spec.identifier, include(spec.urls), {"version": version})
            for spec in self.modules(version)
            if spec.urls is not None
        ]

    @contextmanager
    def registered(self, *specs: ModuleSpec) -> Iterator[None]:
        """Register modules for the duration of a block (tests)."""
        saved = dict(self._modules)
        try:
            for spec in specs:
                self.register(spec)
            yield
        finally:
            self._modules = saved


registry = ModuleRegistry()
