"""A credentials resolver for benchmarks: one known full-access token."""

from __future__ import annotations

from ocpi.core.authentication import OcpiCaller, TokenScope

_CALLER = OcpiCaller(partner_id=1, label="Bench CPO", country_code="NL", party_id="BEN", scope=TokenScope.FULL)


def resolve(token: str) -> OcpiCaller | None:
    return _CALLER if token == "bench-journal-token" else None  # noqa: S105 (a benchmark's fixed token)
