"""Who is calling: ``Authorization: Token <token>`` resolved to an OCPI party (DESIGN.md §4).

The lookup itself is a hook, ``settings.OCPI_CREDENTIALS_RESOLVER``: a dotted path to a
function ``(token: str) -> OcpiCaller | None``. The partners room plugs its resolver in; the
core only parses the header, handles the Base64 form, and enforces the registration-token scope.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from rest_framework.views import APIView

_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,64}")  # printable, non-whitespace ASCII, string(64)
_BASE64_RE = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class TokenScope(enum.Enum):
    """REGISTRATION: a token A (or our token B while our own registration is still open) that
    may only reach versions, version details and POST credentials. FULL: a registered party."""

    REGISTRATION = "registration"
    FULL = "full"


@dataclass(frozen=True)
class OcpiCaller:
    """The party behind a presented token."""

    partner_id: int | None
    label: str
    country_code: str
    party_id: str
    scope: TokenScope
    # The token as matched (decoded when it came Base64-encoded), set by resolve_token; never
    # logged or shown.
    token: str = field(default="", repr=False)
    rate_limit_factor: float = 1.0  # scales the per-partner rate limits (ocpi.core.ratelimit)
    is_authenticated: ClassVar[bool] = True


class CredentialsResolver(Protocol):
    def __call__(self, token: str) -> OcpiCaller | None: ...


def no_parties(token: str) -> OcpiCaller | None:
    """Default resolver before any partner store is installed: nobody is known."""
    return None


@lru_cache(maxsize=8)
def _resolver(path: str) -> CredentialsResolver:
    resolver: CredentialsResolver = import_string(path)
    return resolver


def resolve_token(presented: str) -> OcpiCaller | None:
    """Find the caller for a presented token, raw (2.1.1) or Base64-encoded (2.2.1 habit).

    A raw token can itself be valid Base64: when both readings name different parties the
    token is refused rather than guessed (reference §9.1)."""
    resolver = _resolver(settings.OCPI_CREDENTIALS_RESOLVER)
    caller = _with_token(resolver(presented), presented)
    decoded = _decode_base64_token(presented)
    if decoded is None or decoded == presented:
        return caller
    via_base64 = _with_token(resolver(decoded), decoded)
    if caller is not None and via_base64 is not None:
        raise exceptions.AuthenticationFailed("Ambiguous token: its raw and Base64 readings name different parties")
    return caller or via_base64


def _with_token(caller: OcpiCaller | None, token: str) -> OcpiCaller | None:
    return replace(caller, token=token) if caller is not None else None


def _decode_base64_token(presented: str) -> str | None:
    if len(presented) % 4 or not _BASE64_RE.fullmatch(presented):
        return None
    try:
        decoded = base64.b64decode(presented, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if _TOKEN_RE.fullmatch(decoded) else None


class OcpiTokenAuthentication(BaseAuthentication):
    """DRF authentication for every OCPI view; 401 with the envelope when it fails."""

    def authenticate(self, request: Request) -> tuple[OcpiCaller, str] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, presented = header.partition(" ")
        presented = presented.strip()
        if scheme.lower() != "token" or not presented:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Token <credentials token>'")
        if not _TOKEN_RE.fullmatch(presented) and _decode_base64_token(presented) is None:
            raise exceptions.AuthenticationFailed(
                "The credentials token is not printable ASCII of at most 64 characters"
            )
        request._request.ocpi_presented_token = presented  # type: ignore[attr-defined]  # read by the journal
        caller = resolve_token(presented)
        if caller is None:
            raise exceptions.AuthenticationFailed("Unknown credentials token")
        request._request.ocpi_caller = caller  # type: ignore[attr-defined]  # read by the journal
        return caller, presented

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class IsOcpiParty(BasePermission):
    """A known party; a registration-scope token only where the view allows it (DESIGN.md §4:
    token A reaches versions, version details and POST credentials, and is 401 elsewhere)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        caller = request.user
        if not isinstance(caller, OcpiCaller):
            return False
        if caller.scope is TokenScope.FULL:
            return True
        allowed: tuple[str, ...] = getattr(view, "registration_token_methods", ())
        if request.method in allowed:
            return True
        raise exceptions.AuthenticationFailed("This token may only be used for registration")


def caller_of(request: Request | Any) -> OcpiCaller:
    """The authenticated caller of an OCPI view."""
    caller = request.user
    if not isinstance(caller, OcpiCaller):
        raise exceptions.NotAuthenticated()
    return caller
