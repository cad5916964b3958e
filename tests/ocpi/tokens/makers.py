"""Tokens for tests, issued through the service as staff would."""

from __future__ import annotations

from itertools import count
from typing import Any

from customers.models import Customer
from ocpi.tokens import services
from ocpi.tokens.models import Token
from tests.customers.makers import customer as make_customer

_numbers = count(1)
TOKEN_SCHEMA = "V2_1_1/eMSP/Server/Tokens/tokenGetResponse.schema.json"
AUTHORIZE_SCHEMA = "V2_1_1/eMSP/Server/Tokens/tokenPostResponse.schema.json"


def token(customer: Customer | None = None, **overrides: Any) -> Token:
    fields: dict[str, Any] = {"uid": f"UID{next(_numbers):06d}", "issuer": "Open eMSP", "visual_number": "NL-EMS-0001"}
    fields.update(overrides)
    return services.token_issue(customer=customer or make_customer(), **fields)
