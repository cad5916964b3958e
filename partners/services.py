"""The only write path for partners: invitations and the credentials handshake both ways
(reference §1.9, §3; DESIGN.md §4).

Rules kept here: no database transaction is held open across a call to the partner (their
callback would block, and a rollback would take the journal with it); token switches happen in
one short transaction after the partner has answered, so the old token stops working only once
the new one is in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ocpi.core.client import OcpiClient, OcpiClientError
from ocpi.core.errors import InvalidParameters, MethodNotAllowed, OcpiError
from ocpi.core.registry import SUPPORTED_VERSIONS
from ocpi.core.status import OcpiStatus
from ocpi.core.urlsafety import UnsafeUrl, check_partner_url
from ocpi.core.views import versions_url
from ocpi.core.wire import convert, to_builtins
from partners.models import Partner
from partners.schemas import BusinessDetails, Credentials, Version, VersionDetails
from partners.tokens import decrypt_token, encrypt_token, new_token, token_hash


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


def partner_client(partner: Partner, *, token: str | None = None) -> OcpiClient:
    """A client speaking to ``partner`` with the token they gave us (or ``token``)."""
    return OcpiClient(
        token if token is not None else decrypt_token(partner.their_token_encrypted),
        token_encoding=partner.token_encoding,  # type: ignore[arg-type]
        partner_id=partner.pk,
        partner_label=str(partner),
        read_timeout=partner.request_timeout,
    )


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
    return Invitation(partner=partner, token=token, versions_url=versions_url())


def credentials_accept(*, partner_id: int, presented: str, theirs: Credentials, version: str) -> dict[str, object]:
    """POST /credentials with token A: call them back, store them, issue token C."""
    partner = Partner.objects.get(pk=partner_id)
    client = partner_client(partner, token=theirs.token)
    discovery = discover(client, theirs.url, version=version)
    token_c = new_token()
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner_id)
        if locked.status != Partner.Status.PENDING or locked.registration_token_hash != token_hash(presented):
            raise MethodNotAllowed("Already registered: use PUT to update or DELETE to unregister")
        _ensure_party_free(theirs, exclude=locked)
        _store_registration(locked, theirs, discovery, access_token=token_c)
    return our_credentials(token=token_c)


def credentials_update(*, partner_id: int, theirs: Credentials, version: str) -> dict[str, object]:
    """PUT /credentials: re-fetch their versions and details, store their new token, rotate C."""
    partner = Partner.objects.get(pk=partner_id)
    discovery = discover(partner_client(partner, token=theirs.token), theirs.url, version=version)
    token_c = new_token()
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner_id)
        if locked.status != Partner.Status.REGISTERED:
            raise MethodNotAllowed("Not registered: POST your credentials first")
        _ensure_party_free(theirs, exclude=locked)
        _store_registration(locked, theirs, discovery, access_token=token_c)
    return our_credentials(token=token_c)


def credentials_delete(*, partner_id: int) -> None:
    """DELETE /credentials: they unregister; every token of the relationship dies."""
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner_id)
        if partner.status != Partner.Status.REGISTERED:
            raise MethodNotAllowed("Not registered")
        _end(partner)


def _store_registration(partner: Partner, theirs: Credentials, discovery: Discovery, *, access_token: str) -> None:
    partner.country_code = theirs.country_code.upper()
    partner.party_id = theirs.party_id.upper()
    partner.business_details = to_builtins(theirs.business_details)
    partner.versions_url = theirs.url
    partner.version = discovery.version
    partner.endpoints = discovery.endpoints
    partner.their_token_encrypted = encrypt_token(theirs.token)
    partner.access_token_hash = token_hash(access_token)
    partner.registration_token_hash = ""  # token A (or our pending token B) dies here
    partner.status = Partner.Status.REGISTERED
    partner.registered_at = partner.registered_at or timezone.now()
    partner.last_outbound_at = timezone.now()
    partner.save()


def _ensure_party_free(theirs: Credentials, *, exclude: Partner) -> None:
    taken = (
        Partner.objects.filter(country_code=theirs.country_code.upper(), party_id=theirs.party_id.upper())
        .exclude(status=Partner.Status.UNREGISTERED)
        .exclude(pk=exclude.pk)
    )
    if taken.exists():
        raise MethodNotAllowed(f"Party {theirs.country_code}/{theirs.party_id} is already registered with us")


def _end(partner: Partner) -> None:
    partner.status = Partner.Status.UNREGISTERED
    partner.access_token_hash = ""
    partner.registration_token_hash = ""
    partner.their_token_encrypted = ""
    partner.save()


# --- we register with them (we are the client) -----------------------------------------------


def partner_register(*, versions_url: str, token_a: str, name: str = "") -> Partner:
    """Register with a CPO that gave us ``token_a`` and its versions URL."""
    discovery = discover(OcpiClient(token_a, partner_label=name or versions_url), versions_url)
    token_b = new_token()
    # Committed before the POST: they call our versions and details back with B meanwhile.
    partner = Partner.objects.create(
        name=name or versions_url[:100],
        initiated_by_us=True,
        versions_url=versions_url,
        registration_token_hash=token_hash(token_b),
    )
    try:
        theirs = _post_credentials(partner, discovery, token=token_a, ours=token_b, method="POST")
        with transaction.atomic():
            _ensure_party_free(theirs, exclude=partner)
            partner.name = name or theirs.business_details.name[:100]
            _store_registration(partner, theirs, discovery, access_token=token_b)
    except OcpiError:
        partner.delete()  # B dies with the attempt
        raise
    return partner


def partner_update(*, partner: Partner) -> Partner:
    """PUT our credentials with a new token B; the old B works until they have accepted it."""
    _require_registered(partner)
    client = partner_client(partner)
    discovery = discover(client, partner.versions_url)
    token_b = new_token()
    Partner.objects.filter(pk=partner.pk).update(registration_token_hash=token_hash(token_b))
    try:
        theirs = _post_credentials(partner, discovery, token=None, ours=token_b, method="PUT")
    except OcpiError:
        Partner.objects.filter(pk=partner.pk).update(registration_token_hash="")
        raise
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        _ensure_party_free(theirs, exclude=locked)
        _store_registration(locked, theirs, discovery, access_token=token_b)
    return locked


def partner_unregister(*, partner: Partner) -> Partner:
    """DELETE our credentials at their side, then end the relationship here."""
    _require_registered(partner)
    url = partner.endpoint("credentials")
    try:
        partner_client(partner).delete(url or "")
    except OcpiClientError as exc:
        raise OcpiError(
            f"They did not confirm the unregistration: {exc}", status=OcpiStatus.UNABLE_TO_USE_CLIENT_API
        ) from None
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        _end(locked)
    return locked


def _post_credentials(
    partner: Partner, discovery: Discovery, *, token: str | None, ours: str, method: str
) -> Credentials:
    url = discovery.endpoints["credentials"]
    client = partner_client(partner, token=token)
    try:
        reply = client.request(method, url, body=our_credentials(token=ours))
        return convert(reply.data, Credentials)
    except (OcpiClientError, InvalidParameters) as exc:
        raise OcpiError(f"{method} {url} failed: {exc}", status=OcpiStatus.UNABLE_TO_USE_CLIENT_API) from None


def _require_registered(partner: Partner) -> None:
    if partner.status != Partner.Status.REGISTERED:
        raise OcpiError(f"{partner} is {partner.get_status_display()}, not registered", status=OcpiStatus.CLIENT_ERROR)
