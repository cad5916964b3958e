"""The CPO's tokens receiver (reference §4.5.2): the eMSP PUTs, PATCHes and GETs its tokens at
``/tokens/{country_code}/{party_id}/{uid}`` (the eMSP's own country_code and party_id).

What is stored is readable by tests (``sim.tokens.get(uid)``). Writes apply in arrival order by
default, as a naive CPO would, so a test can tell whether the eMSP sends them in order;
``respect_last_updated`` makes older writes change nothing (still answered 1000). A share of
requests can be made to fail with HTTP 503 (``failures``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from ocpi.core.errors import InvalidParameters, ObjectNotFound, OcpiError
from ocpi.core.status import OcpiStatus
from ocpi.core.types import format_datetime
from ocpi.core.wire import convert
from ocpi.core.wire_types import String2, String36, String64, WireObject, as_utc
from ocpi.simulator.faults import Share
from ocpi.simulator.routing import Handler, Module, Reply, Request, Route

WRITES_KEPT = 100_000
TokenType = Literal["OTHER", "RFID"]
WhitelistType = Literal["ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER"]
Uid = Annotated[str, Meta(min_length=1, max_length=36)]
NonEmpty36 = Annotated[str, Meta(min_length=1, max_length=36)]
NonEmpty64 = Annotated[str, Meta(min_length=1, max_length=64)]


class Token(WireObject, kw_only=True, forbid_unknown_fields=True):
    """Token (reference §5.6) as this CPO validates it: as strictly as ChargeMap's schema (no
    empty strings, no null ``language``, no unknown fields), so a bad push shows in a test."""

    uid: Uid
    type: TokenType
    auth_id: NonEmpty36
    visual_number: String64 | UnsetType = UNSET
    issuer: NonEmpty64
    valid: bool
    whitelist: WhitelistType
    language: String2 | UnsetType = UNSET
    last_updated: datetime

    def __post_init__(self) -> None:
        self.last_updated = as_utc(self.last_updated)


class TokenPatch(WireObject, kw_only=True):
    uid: Uid | UnsetType = UNSET
    type: TokenType | UnsetType = UNSET
    auth_id: String36 | UnsetType = UNSET
    visual_number: String64 | UnsetType | None = UNSET
    issuer: String64 | UnsetType = UNSET
    valid: bool | UnsetType = UNSET
    whitelist: WhitelistType | UnsetType = UNSET
    language: String2 | UnsetType | None = UNSET
    last_updated: datetime | UnsetType = UNSET


@dataclass(frozen=True)
class TokenWrite:
    """One write the receiver took (applied or not), in arrival order."""

    method: str
    uid: str
    body: dict[str, Any]
    applied: bool


class TokenStore:
    """Tokens by (country_code, party_id, uid), and every write in arrival order. Thread-safe."""

    def __init__(self, *, respect_last_updated: bool = False) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._by_uid: dict[str, tuple[str, str, str]] = {}
        # The most recent writes: an initial push may bring a million tokens.
        self._writes: deque[TokenWrite] = deque(maxlen=WRITES_KEPT)
        self.respect_last_updated = respect_last_updated
        self.failures = Share()

    def get(self, uid: str, *, country_code: str | None = None, party_id: str | None = None) -> dict[str, Any] | None:
        with self._lock:
            key = self._by_uid.get(uid)
            if key is None or country_code not in (None, key[0]) or party_id not in (None, key[1]):
                return None
            return dict(self._tokens[key])

    def all(self) -> dict[str, dict[str, Any]]:
        """Every stored token by uid."""
        with self._lock:
            return {uid: dict(token) for (_, _, uid), token in self._tokens.items()}

    @property
    def writes(self) -> list[TokenWrite]:
        with self._lock:
            return list(self._writes)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._by_uid.clear()
            self._writes.clear()

    def put(self, key: tuple[str, str, str], token: dict[str, Any]) -> bool:
        with self._lock:
            applied = not self._stale(self._tokens.get(key), token)
            if applied:
                self._tokens[key] = token
                self._by_uid[key[2]] = key
            self._writes.append(TokenWrite("PUT", key[2], token, applied))
            return applied

    def patch(self, key: tuple[str, str, str], fields: dict[str, Any]) -> bool:
        """Merge ``fields`` into the stored token; raises KeyError for an unknown token."""
        with self._lock:
            stored = self._tokens[key]
            applied = not self._stale(stored, fields)
            if applied:
                self._tokens[key] = {**stored, **fields}
            self._writes.append(TokenWrite("PATCH", key[2], fields, applied))
            return applied

    def _stale(self, stored: dict[str, Any] | None, new: dict[str, Any]) -> bool:
        # Comparing the DateTime strings is exact: both are YYYY-MM-DDTHH:MM:SSZ.
        return bool(self.respect_last_updated and stored and new["last_updated"] < stored["last_updated"])


def _key(request: Request) -> tuple[str, str, str]:
    params = request.params
    registration = request.ctx.store.registration
    if registration and (params["country_code"], params["party_id"]) != (
        registration.country_code,
        registration.party_id,
    ):
        # Reference §4.5.2: the URL carries the eMSP's own party.
        raise InvalidParameters(
            f"country_code/party_id: {params['country_code']}/{params['party_id']} is not the registered eMSP"
            f" ({registration.country_code}/{registration.party_id})"
        )
    return params["country_code"], params["party_id"], params["uid"]


def _maybe_fail(request: Request) -> None:
    if request.ctx.tokens.failures.hit():
        raise OcpiError("Simulated failure (tokens fault mode)", status=OcpiStatus.SERVER_ERROR, http_status=503)


def get_token(request: Request) -> Reply:
    _maybe_fail(request)
    country_code, party_id, uid = _key(request)
    token = request.ctx.tokens.get(uid, country_code=country_code, party_id=party_id)
    if token is None:
        raise ObjectNotFound(f"Unknown token {uid!r}")
    return Reply(token)


def put_token(request: Request) -> Reply:
    _maybe_fail(request)
    key = _key(request)
    token = convert(_body(request), Token)
    if token.uid != key[2]:
        raise InvalidParameters(f"uid: {token.uid!r} differs from the uid in the URL ({key[2]!r})")
    request.ctx.tokens.put(key, _stored(token))
    return Reply()


def patch_token(request: Request) -> Reply:
    _maybe_fail(request)
    key = _key(request)
    patch = convert(_body(request), TokenPatch)
    if patch.uid is not UNSET and patch.uid != key[2]:
        raise InvalidParameters(f"uid: {patch.uid!r} differs from the uid in the URL ({key[2]!r})")
    fields = _stored(patch)
    fields.setdefault("last_updated", format_datetime(datetime.fromtimestamp(time.time(), UTC)))
    try:
        request.ctx.tokens.patch(key, fields)
    except KeyError:
        raise ObjectNotFound(f"Unknown token {key[2]!r}: PUT it first") from None
    return Reply()


def _body(request: Request) -> Any:
    if not isinstance(request.data, dict):
        raise InvalidParameters("The body must be a Token object")
    return request.data


def _stored(obj: msgspec.Struct) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(obj, builtin_types=(datetime,))
    if isinstance(data.get("last_updated"), datetime):
        data["last_updated"] = format_datetime(data["last_updated"])
    return data


MODULE = Module(
    "tokens",
    routes=(
        Route(
            "/{country_code}/{party_id}/{uid}",
            {"GET": Handler(get_token), "PUT": Handler(put_token), "PATCH": Handler(patch_token)},
        ),
    ),
)
