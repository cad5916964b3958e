"""The simulator's state: the tokens it accepts (and in which role), and the eMSP it is
registered with. Thread-safe; optionally persisted to a JSON file after every change.

The simulator is another company's system: its state never touches our database.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

STATE_FORMAT = 1
HANDSHAKE_WAIT_S = 60.0

Initiator = Literal["emsp", "simulator"]


class TokenRole(enum.Enum):
    """What a token presented to the simulator may reach (reference §1.9)."""

    # Token A: versions, version details and POST credentials; dead once registered.
    TOKEN_A = "token_a"  # noqa: S105 - a role name, not a secret
    # The simulator's own new token while its POST/PUT to the eMSP is open: the eMSP calls
    # back our versions and version details with it, nothing else.
    PENDING = "pending"
    # The registered eMSP's token: everything.
    PARTNER = "partner"


class StateError(ValueError):
    """The state file cannot be read, or a state change is not allowed."""


class HandshakeBusy(RuntimeError):
    """Another credentials handshake did not finish in time."""


@dataclass(frozen=True)
class Registration:
    """The registered eMSP as the simulator knows it."""

    token: str = field(repr=False)  # the eMSP's token: what the simulator sends when calling it
    versions_url: str
    version_url: str
    endpoints: Mapping[str, str]  # ModuleID → URL
    country_code: str
    party_id: str
    business_details: Mapping[str, Any]
    initiated_by: Initiator

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "versions_url": self.versions_url,
            "version_url": self.version_url,
            "endpoints": dict(self.endpoints),
            "country_code": self.country_code,
            "party_id": self.party_id,
            "business_details": dict(self.business_details),
            "initiated_by": self.initiated_by,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Registration:
        return cls(
            token=str(data["token"]),
            versions_url=str(data["versions_url"]),
            version_url=str(data["version_url"]),
            endpoints=MappingProxyType({str(k): str(v) for k, v in data["endpoints"].items()}),
            country_code=str(data["country_code"]),
            party_id=str(data["party_id"]),
            business_details=MappingProxyType(dict(data["business_details"])),
            initiated_by="simulator" if data["initiated_by"] == "simulator" else "emsp",
        )


class Store:
    """Tokens by role and the registration, behind one lock; saved to ``path`` on every change.

    ``handshake()`` serialises credentials handshakes (POST/PUT/DELETE in either direction);
    ordinary reads never wait for it, so the eMSP can call back while a handshake is open.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.RLock()
        self._handshake = threading.Lock()
        self._tokens: dict[str, TokenRole] = {}
        self._registration: Registration | None = None
        self.path = path
        if path is not None and path.exists():
            self._load(path)

    # --- reads ------------------------------------------------------------------------------

    def role_of(self, token: str) -> TokenRole | None:
        with self._lock:
            return self._tokens.get(token)

    @property
    def registration(self) -> Registration | None:
        with self._lock:
            return self._registration

    @property
    def token_a(self) -> str | None:
        return self._token_with(TokenRole.TOKEN_A)

    @property
    def issued_token(self) -> str | None:
        """The token the registered eMSP presents to the simulator."""
        return self._token_with(TokenRole.PARTNER)

    def _token_with(self, role: TokenRole) -> str | None:
        with self._lock:
            return next((token for token, held in self._tokens.items() if held is role), None)

    # --- changes ----------------------------------------------------------------------------

    def issue_token_a(self, token: str) -> None:
        """Make ``token`` the one token A (replacing any earlier one); only while unregistered."""
        with self._lock:
            if self._registration is not None:
                raise StateError("registered: a token A would be dead at once (unregister first)")
            self._replace_tokens({token: TokenRole.TOKEN_A}, keep={TokenRole.PENDING})

    def add_pending(self, token: str) -> None:
        with self._lock:
            self._tokens[token] = TokenRole.PENDING

    def drop(self, token: str) -> None:
        with self._lock:
            if self._tokens.pop(token, None) is not None:
                self._save()

    def set_registration(self, registration: Registration, *, issued_token: str) -> None:
        """Registered (or re-registered by PUT): ``issued_token`` becomes the eMSP's only token;
        token A and every earlier token die in the same step."""
        with self._lock:
            self._registration = registration
            self._replace_tokens({issued_token: TokenRole.PARTNER})

    def forget(self) -> None:
        """Unregistered: the registration and every token of it are gone."""
        with self._lock:
            self._registration = None
            self._replace_tokens({})

    def _replace_tokens(self, tokens: dict[str, TokenRole], *, keep: set[TokenRole] | None = None) -> None:
        kept = {token: role for token, role in self._tokens.items() if role in (keep or set())}
        self._tokens = {**kept, **tokens}
        self._save()

    @contextlib.contextmanager
    def handshake(self, wait: float = HANDSHAKE_WAIT_S) -> Iterator[None]:
        if not self._handshake.acquire(timeout=wait):
            raise HandshakeBusy("another credentials handshake is in progress")
        try:
            yield
        finally:
            self._handshake.release()

    # --- persistence ------------------------------------------------------------------------

    def _save(self) -> None:
        if self.path is None:
            return
        state = {
            "format": STATE_FORMAT,
            # Pending tokens belong to a handshake in flight: a restart ends it.
            "tokens": {token: role.value for token, role in self._tokens.items() if role is not TokenRole.PENDING},
            "registration": self._registration.to_json() if self._registration else None,
        }
        _write_private(self.path, json.dumps(state, indent=2, sort_keys=True))

    def _load(self, path: Path) -> None:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            if state.get("format") != STATE_FORMAT:
                raise StateError(f"{path}: unknown state format {state.get('format')!r}")
            tokens = {str(token): TokenRole(role) for token, role in state["tokens"].items()}
            registration = state["registration"]
            self._registration = Registration.from_json(registration) if registration else None
        except StateError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StateError(f"{path}: not a simulator state file ({type(exc).__name__}: {exc})") from None
        self._tokens = {token: role for token, role in tokens.items() if role is not TokenRole.PENDING}


def _write_private(path: Path, text: str) -> None:
    """Write atomically, readable by the owner only: the file holds live tokens."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
