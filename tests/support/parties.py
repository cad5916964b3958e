"""A stand-in partner store for core tests: tokens registered here resolve to callers.

The partners room provides the real resolver; the core only needs something that follows
``ocpi.core.authentication.CredentialsResolver``.
"""

from __future__ import annotations

from ocpi.core.authentication import OcpiCaller, TokenScope

_known: dict[str, OcpiCaller] = {}

RESOLVER_PATH = "tests.support.parties.resolve"


def resolve(token: str) -> OcpiCaller | None:
    return _known.get(token)


def add(token: str, *, scope: TokenScope = TokenScope.FULL, partner_id: int = 1, party: str = "NL/CPO") -> OcpiCaller:
    country_code, party_id = party.split("/")
    caller = OcpiCaller(
        partner_id=partner_id, label=f"Test {party}", country_code=country_code, party_id=party_id, scope=scope
    )
    _known[token] = caller
    return caller


def clear() -> None:
    _known.clear()
