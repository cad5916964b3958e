"""The only write path for partners: invitations and the credentials handshake both ways
(reference §1.9, §3; DESIGN.md §4).

Rules kept here: no database transaction is held open across a call to the partner (their
callback would block, and a rollback would take the journal with it); token switches happen in
one short transaction after the partner has answered, so the old token stops working only once
the new one is in place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ocpi.core.client import (
    OcpiClient,
    OcpiClientError,
    OcpiHttpError,
    OcpiProtocolError,
    OcpiStatusError,
)
from ocpi.core.errors import InvalidParameters, MethodNotAllowed, OcpiError
from ocpi.core.registry import SUPPORTED_VERSIONS
from ocpi.core.status import OcpiStatus
from ocpi.core.urlsafety import UnsafeUrl, check_partner_url
from ocpi.core.views import versions_url
from ocpi.core.wire import convert, to_builtins
from partners.models import Partner
from partners.schemas import BusinessDetails, Credentials, Version, VersionDetails
from partners.signals import credentials_changed
from partners.tokens import decrypt_token, encrypt_token, new_token, token_hash

logger = logging.getLogger(__name__)
_UNUSABLE = OcpiStatus.UNABLE_TO_USE_CLIENT_API


@dataclass(frozen=True)
class Invitation:
    partner: Partner
    token: str  # token A, shown once
    versions_url: str


@dataclass(frozen=True)
class Discovery:
    """What a partner's versions and version details told us."""

    version: str
    endpoints: dict[str, str]


# --- what we send --------------------------------------------------------------------------


def our_credentials(*, token: str) -> dict[str, object]:
    """Our Credentials object carrying ``token`` for the partner to use with us."""
    credentials = Credentials(
        token=token,
        url=versions_url(),
        business_details=BusinessDetails(name=settings.OCPI_BUSINESS_NAME),
        party_id=settings.OCPI_PARTY_ID,
        country_code=settings.OCPI_COUNTRY_CODE,
    )
    result: dict[str, object] = to_builtins(credentials)
    return result


def partner_client(partner: Partner, *, token: str | None = None, max_retries: int | None = None) -> OcpiClient:
    """A client speaking to ``partner`` with the token they gave us (or ``token``)."""
    return OcpiClient(
        token if token is not None else decrypt_token(partner.their_token_encrypted),
        token_encoding=partner.token_encoding,  # type: ignore[arg-type]
        partner_id=partner.pk,
        partner_label=str(partner),
        read_timeout=partner.request_timeout,
        max_retries=max_retries,
    )


# Handshakes run inside a web request (their POST/PUT to us, a staff action): one retry only,
# so a slow partner cannot hold a gunicorn worker past its timeout.
_HANDSHAKE_RETRIES = 1


def _handshake_client(partner: Partner, *, token: str | None = None) -> OcpiClient:
    return partner_client(partner, token=token, max_retries=_HANDSHAKE_RETRIES)


# --- discovery of their versions and endpoints ----------------------------------------------


def discover(client: OcpiClient, versions_url: str, *, version: str | None = None) -> Discovery:
    """GET their versions and the details of ``version`` (or of the highest mutual one)."""
    try:
        check_partner_url(versions_url)
        versions = convert(client.get(versions_url).data, list[Version])
        chosen = _choose_version(versions, version)
        details = convert(client.get(chosen.url).data, VersionDetails)
    except (OcpiClientError, UnsafeUrl, InvalidParameters) as exc:
        raise OcpiError(f"Could not use your API: {exc}", status=OcpiStatus.UNABLE_TO_USE_CLIENT_API) from None
    endpoints = {endpoint.identifier: endpoint.url for endpoint in details.endpoints}
    missing = sorted(set(settings.OCPI_REQUIRED_PARTNER_MODULES) - set(endpoints))
    if missing:
        raise OcpiError(
            f"Version {chosen.version} lacks the endpoints we need: {', '.join(missing)}",
            status=OcpiStatus.NO_MATCHING_ENDPOINTS,
        )
    return Discovery(version=chosen.version, endpoints=endpoints)


def _choose_version(versions: list[Version], wanted: str | None) -> Version:
    by_number = {item.version: item for item in versions}
    candidates = [wanted] if wanted else sorted(SUPPORTED_VERSIONS, key=_version_key, reverse=True)
    for number in candidates:
        if number in by_number:
            return by_number[number]
    offered = ", ".join(sorted(by_number)) or "none"
    raise OcpiError(
        f"No mutual OCPI version: you offer {offered}, we speak {', '.join(candidates)}",
        status=OcpiStatus.UNSUPPORTED_VERSION,
    )


def _version_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


# --- they register with us (we are the server) -----------------------------------------------


def partner_invite(*, name: str) -> Invitation:
    """A pending partner and its token A, to be handed over out of band with our versions URL."""
    token = new_token()
    partner = Partner.objects.create(name=name, registration_token_hash=token_hash(token))
    _announce(partner, "invite", None)
    return Invitation(partner=partner, token=token, versions_url=versions_url())


# Who changed a registration, for the audit trail: the partner over OCPI, or we (admin, CLI).
VIA_OCPI = "ocpi"
VIA_US = "system"
ALREADY_REGISTERED = "Already registered: use PUT to update or DELETE to unregister"
NOT_REGISTERED = "Not registered: POST your credentials first"


def credentials_accept(*, partner_id: int, presented: str, theirs: Credentials, version: str) -> dict[str, object]:
    """POST /credentials with token A: call them back, store them, issue token C."""
    partner = Partner.objects.get(pk=partner_id)
    if partner.initiated_by_us:  # our own pending token B must not register anyone
        raise MethodNotAllowed(ALREADY_REGISTERED)
    discovery = discover(_handshake_client(partner, token=theirs.token), theirs.url, version=version)
    token_c = new_token()
    with _locked(partner_id) as locked:
        if locked.status != Partner.Status.PENDING or locked.registration_token_hash != token_hash(presented):
            raise MethodNotAllowed(ALREADY_REGISTERED)
        _store_registration(locked, theirs, discovery, access_token=token_c, via=VIA_OCPI)
    return our_credentials(token=token_c)


def credentials_update(*, partner_id: int, presented: str, theirs: Credentials, version: str) -> dict[str, object]:
    """PUT /credentials: re-fetch their versions and details, store their new token, rotate C."""
    partner = Partner.objects.get(pk=partner_id)
    _ensure_same_party(partner, theirs)
    discovery = discover(_handshake_client(partner, token=theirs.token), theirs.url, version=version)
    token_c = new_token()
    with _locked(partner_id) as locked:
        # The token they presented must still be the current one: of two racing PUTs, one wins.
        if locked.status != Partner.Status.REGISTERED or locked.access_token_hash != token_hash(presented):
            raise MethodNotAllowed(NOT_REGISTERED)
        _store_registration(locked, theirs, discovery, access_token=token_c, via=VIA_OCPI)
    return our_credentials(token=token_c)


def credentials_delete(*, partner_id: int) -> None:
    """DELETE /credentials: they unregister; every token of the relationship dies."""
    with _locked(partner_id) as partner:
        if partner.status != Partner.Status.REGISTERED:
            raise MethodNotAllowed("Not registered")
        _end(partner, via=VIA_OCPI)


@contextmanager
def _locked(partner_id: int) -> Iterator[Partner]:
    """The partner row, locked for one short transaction; a (country_code, party_id) taken by a
    concurrent registration surfaces as the constraint's IntegrityError and is refused cleanly."""
    try:
        with transaction.atomic():
            yield Partner.objects.select_for_update().get(pk=partner_id)
    except IntegrityError:
        raise MethodNotAllowed("That country_code/party_id is already registered with us") from None


def _store_registration(
    partner: Partner, theirs: Credentials, discovery: Discovery, *, access_token: str, via: str = VIA_US
) -> None:
    _ensure_party_free(theirs, exclude=partner)
    before = registration_view(partner)
    partner.country_code = theirs.country_code.upper()
    partner.party_id = theirs.party_id.upper()
    partner.business_details = to_builtins(theirs.business_details)
    partner.versions_url = theirs.url
    partner.version = discovery.version
    partner.endpoints = discovery.endpoints
    partner.their_token_encrypted = encrypt_token(theirs.token)
    partner.access_token_hash = token_hash(access_token)
    partner.registration_token_hash = ""  # token A (or our pending token B) dies here
    partner.pending_access_token_hash = ""
    partner.status = Partner.Status.REGISTERED
    partner.registered_at = partner.registered_at or timezone.now()
    partner.last_outbound_at = timezone.now()
    partner.save()
    _announce(partner, "register" if before["status"] != Partner.Status.REGISTERED else "update", before, via=via)


def _ensure_party_free(theirs: Credentials, *, exclude: Partner) -> None:
    taken = (
        Partner.objects.filter(country_code=theirs.country_code.upper(), party_id=theirs.party_id.upper())
        .exclude(status=Partner.Status.UNREGISTERED)
        .exclude(pk=exclude.pk)
    )
    if taken.exists():
        raise MethodNotAllowed(f"Party {theirs.country_code}/{theirs.party_id} is already registered with us")


def _ensure_same_party(partner: Partner, theirs: Credentials) -> None:
    if (theirs.country_code.upper(), theirs.party_id.upper()) != (partner.country_code, partner.party_id):
        raise InvalidParameters(
            f"country_code/party_id: a registration keeps its party ({partner.party}); "
            "unregister and register again to change it"
        )


def _end(partner: Partner, *, via: str = VIA_US) -> None:
    before = registration_view(partner)
    partner.status = Partner.Status.UNREGISTERED
    partner.access_token_hash = ""
    partner.registration_token_hash = ""
    partner.pending_access_token_hash = ""
    partner.their_token_encrypted = ""
    partner.save()
    _announce(partner, "unregister", before, via=via)


def registration_view(partner: Partner) -> dict[str, object]:
    """A partner's registration for the audit trail: tokens only as fingerprints (8 hex digits
    of their SHA-256), so a change shows without the trail holding a usable secret."""
    theirs = token_hash(decrypt_token(partner.their_token_encrypted))[:8] if partner.their_token_encrypted else ""
    return {
        "status": partner.status,
        "country_code": partner.country_code,
        "party_id": partner.party_id,
        "versions_url": partner.versions_url,
        "version": partner.version,
        "endpoints": dict(partner.endpoints or {}),
        "token_a_or_b": partner.registration_token_hash[:8],
        "token_c_or_b": partner.access_token_hash[:8],
        "pending_token_b": partner.pending_access_token_hash[:8],
        "their_token": theirs,
    }


def _announce(partner: Partner, action: str, before: dict[str, object] | None, *, via: str = VIA_US) -> None:
    credentials_changed.send(
        sender=Partner, partner=partner, action=action, before=before, after=registration_view(partner), via=via
    )


def partner_suspend(*, partner: Partner) -> bool:
    """Refuse their requests and stop calling them; tokens are kept for resume."""
    return _switch(partner, Partner.Status.REGISTERED, Partner.Status.SUSPENDED)


def partner_resume(*, partner: Partner) -> bool:
    return _switch(partner, Partner.Status.SUSPENDED, Partner.Status.REGISTERED)


def _switch(partner: Partner, old: str, new: str) -> bool:
    with _locked(partner.pk) as locked:
        if locked.status != old:
            return False
        locked.status = new
        locked.save(update_fields=["status", "updated"])
    return True


# --- we register with them (we are the client) -----------------------------------------------


class _Unclear(OcpiError):
    """Our POST/PUT may or may not have been applied at their side (no clear answer came)."""


def partner_register(*, versions_url: str, token_a: str, name: str = "") -> Partner:
    """Register with a CPO that gave us ``token_a`` and its versions URL."""
    discovery = discover(
        OcpiClient(token_a, partner_label=name or versions_url, max_retries=_HANDSHAKE_RETRIES), versions_url
    )
    token_b = new_token()
    # Committed before the POST: they call our versions and details back with B meanwhile.
    partner = Partner.objects.create(
        name=name or versions_url[:100],
        initiated_by_us=True,
        versions_url=versions_url,
        registration_token_hash=token_hash(token_b),
    )
    try:
        theirs = _send_credentials(partner, discovery, method="POST", token=token_a, ours=token_b)
    except OcpiError:
        partner.delete()  # B dies with the attempt
        raise
    try:
        with _locked(partner.pk) as locked:
            locked.name = name or theirs.business_details.name[:100]
            _store_registration(locked, theirs, discovery, access_token=token_b)
    except OcpiError:
        # They accepted us, but we cannot keep the relationship (the party is already registered
        # here): tell them, so neither side is left holding a half-registration.
        _delete_quietly(partner, discovery.endpoints["credentials"], their_token=theirs.token)
        partner.delete()
        raise
    return locked


def partner_update(*, partner: Partner) -> Partner:
    """PUT our credentials with a new token B. Both B's work while the PUT is open; afterwards
    only the new one, or only the old one if they refused. When no clear answer comes, both
    stay valid (whichever they hold keeps working) until the next successful update."""
    _require_status(partner, Partner.Status.REGISTERED)
    discovery = discover(_handshake_client(partner), partner.versions_url)
    token_b = new_token()
    pending = token_hash(token_b)
    Partner.objects.filter(pk=partner.pk).update(pending_access_token_hash=pending)
    try:
        theirs = _send_credentials(partner, discovery, method="PUT", token=None, ours=token_b)
    except _Unclear:
        raise
    except OcpiError:
        Partner.objects.filter(pk=partner.pk, pending_access_token_hash=pending).update(pending_access_token_hash="")
        raise
    with _locked(partner.pk) as locked:
        if locked.status != Partner.Status.REGISTERED or locked.pending_access_token_hash != pending:
            raise OcpiError(f"{locked} changed during the update ({locked.get_status_display()}); nothing stored")
        _store_registration(locked, theirs, discovery, access_token=token_b)
    return locked


def partner_unregister(*, partner: Partner) -> Partner:
    """DELETE our credentials at their side, then end the relationship here. A partner that
    answers that we are not registered (401/405) has already forgotten us: that counts as done."""
    _require_status(partner, Partner.Status.REGISTERED, Partner.Status.SUSPENDED)
    try:
        _handshake_client(partner).delete(partner.endpoint("credentials") or "")
    except OcpiHttpError as exc:
        if exc.http_status not in (401, 405):
            raise OcpiError(f"They did not confirm the unregistration: {exc}", status=_UNUSABLE) from None
    except OcpiClientError as exc:
        raise OcpiError(f"They did not confirm the unregistration: {exc}", status=_UNUSABLE) from None
    with _locked(partner.pk) as locked:
        _end(locked)
    return locked


def _delete_quietly(partner: Partner, url: str, *, their_token: str) -> None:
    try:
        _handshake_client(partner, token=their_token).delete(url)
    except OcpiClientError:
        logger.warning("Could not undo our registration at %s", partner.versions_url)


def _send_credentials(
    partner: Partner, discovery: Discovery, *, method: str, token: str | None, ours: str
) -> Credentials:
    """POST or PUT our credentials, never retried once it may have reached them."""
    url = discovery.endpoints["credentials"]
    client = _handshake_client(partner, token=token)
    try:
        reply = client.request(method, url, body=our_credentials(token=ours), idempotent=False)
    except (OcpiStatusError, OcpiProtocolError) as exc:
        raise OcpiError(f"{method} {url} failed: {exc}", status=_UNUSABLE) from None
    except OcpiHttpError as exc:
        kind = _Unclear if exc.transient else OcpiError
        raise kind(f"{method} {url} failed: {exc}", status=_UNUSABLE) from None
    except OcpiClientError as exc:
        raise _Unclear(f"{method} {url}: no clear answer ({exc})", status=_UNUSABLE) from None
    try:
        return convert(reply.data, Credentials)
    except InvalidParameters as exc:
        raise _Unclear(f"{method} {url}: their answer is not valid Credentials ({exc})", status=_UNUSABLE) from None


def _require_status(partner: Partner, *allowed: str) -> None:
    if partner.status not in allowed:
        raise OcpiError(f"{partner} is {partner.get_status_display()}, not registered", status=OcpiStatus.CLIENT_ERROR)
