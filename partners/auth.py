"""The credentials resolver plugged into ``ocpi.core.authentication`` (settings
``OCPI_CREDENTIALS_RESOLVER``): a presented token → the partner behind it, and its scope."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ocpi.core.authentication import OcpiCaller, TokenScope
from partners.models import Partner
from partners.tokens import token_hash

_LIVE = (Partner.Status.PENDING, Partner.Status.REGISTERED)
_CONTACT_RESOLUTION = timedelta(minutes=1)


def resolve_token(token: str) -> OcpiCaller | None:
    """Only tokens we issued and that are alive resolve: a token A while its invitation is
    pending and our token B while our own registration is in flight (registration scope), and
    the access token of a registered partner, or its successor while our credentials PUT is open
    (full scope). Suspended and unregistered partners resolve to nobody."""
    digest = token_hash(token)
    matches = Q(access_token_hash=digest) | Q(pending_access_token_hash=digest) | Q(registration_token_hash=digest)
    partner = (
        Partner.objects.filter(matches, status__in=_LIVE)
        .only("id", "name", "country_code", "party_id", "status", "registration_token_hash", "last_inbound_at")
        .first()
    )
    if partner is None:
        return None
    if partner.status == Partner.Status.REGISTERED and partner.registration_token_hash != digest:
        scope = TokenScope.FULL
    else:
        scope = TokenScope.REGISTRATION
    _note_contact(partner)
    return OcpiCaller(
        partner_id=partner.pk,
        label=str(partner),
        country_code=partner.country_code,
        party_id=partner.party_id,
        scope=scope,
        token=token,
    )


def _note_contact(partner: Partner) -> None:
    now = timezone.now()
    # At most one write a minute per partner: the admin shows "last inbound contact", not a log.
    if partner.last_inbound_at is None or now - partner.last_inbound_at > _CONTACT_RESOLUTION:
        Partner.objects.filter(pk=partner.pk).update(last_inbound_at=now)
