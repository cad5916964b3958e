"""The credentials resolver plugged into ``ocpi.core.authentication`` (settings
``OCPI_CREDENTIALS_RESOLVER``): a presented token → the partner behind it, and its scope."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from ocpi.core.authentication import OcpiCaller, TokenScope
from partners.models import Partner
from partners.tokens import token_hash

_LIVE = (Partner.Status.PENDING.value, Partner.Status.REGISTERED.value)
_LOOKUP = (
    "SELECT id, name, country_code, party_id, status, registration_token_hash,"  # noqa: S608
    " (last_inbound_at IS NULL OR last_inbound_at < %s), rate_limit_factor"
    f" FROM {Partner._meta.db_table}"
    " WHERE (access_token_hash = %s OR pending_access_token_hash = %s OR registration_token_hash = %s)"
    " AND status IN (%s, %s) LIMIT 1"
)
_CONTACT_RESOLUTION = timedelta(minutes=1)


def resolve_token(token: str) -> OcpiCaller | None:
    """Only tokens we issued and that are alive resolve: a token A while its invitation is
    pending and our token B while our own registration is in flight (registration scope), and
    the access token of a registered partner, or its successor while our credentials PUT is open
    (full scope). Suspended and unregistered partners resolve to nobody."""
    digest = token_hash(token)
    # Every OCPI request passes here: one prepared-shape statement instead of an ORM query
    # (building the ORM query cost more CPU than the rest of an EVSE PATCH; bench/RESULTS.md).
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, [timezone.now() - _CONTACT_RESOLUTION, digest, digest, digest, *_LIVE])
        row = cursor.fetchone()
    if row is None:
        return None
    partner_id, name, country_code, party_id, status, registration_token_hash, contact_is_old, factor = row
    if status == Partner.Status.REGISTERED and registration_token_hash != digest:
        scope = TokenScope.FULL
    else:
        scope = TokenScope.REGISTRATION
    if contact_is_old:
        # At most one write a minute per partner: the admin shows "last inbound contact", not a log.
        Partner.objects.filter(pk=partner_id).update(last_inbound_at=timezone.now())
    return OcpiCaller(
        partner_id=partner_id,
        label=str(Partner(name=name, country_code=country_code, party_id=party_id)),
        country_code=country_code,
        party_id=party_id,
        scope=scope,
        token=token,
        rate_limit_factor=factor,
    )
