"""Customers and pricing plans for tests, made through the services as staff would."""

from __future__ import annotations

from itertools import count
from typing import Any

from customers import services
from customers.models import Customer, PricingPlan

_numbers = count(1)


def plan(**overrides: Any) -> PricingPlan:
    fields: dict[str, Any] = {"name": f"Plan {next(_numbers)}", "markup_percent": "10", "fee_per_session": "0.35"}
    return services.pricing_plan_create(**{**fields, **overrides})


def customer(**overrides: Any) -> Customer:
    number = next(_numbers)
    fields: dict[str, Any] = {
        "name": f"Driver {number}",
        "email": f"driver{number}@example.com",
        "contract_id": f"NL-EMS-C{number:08d}",
        "billing_country": "NL",
    }
    fields.update(overrides)
    fields.setdefault("pricing_plan", plan())
    return services.customer_create(**fields)
