"""CDRs received and priced as in production (receive, then the pricing service), with the
stop time, cost, currency and driver a test needs."""

from __future__ import annotations

from typing import Any

from billing import services
from customers.models import Customer
from partners.models import Partner
from tests.billing.makers import cdr, receive
from tests.customers.makers import customer, plan


def driver(contract_id: str, *, currency: str = "EUR", country: str = "NL", **plan_fields: Any) -> Customer:
    fields = {"markup_percent": "10", "fee_per_session": "0.35", "price_per_kwh": "0", **plan_fields}
    return customer(contract_id=contract_id, billing_country=country, pricing_plan=plan(currency=currency, **fields))


def priced_cdr(
    owner: Partner,
    cdr_id: str,
    *,
    stop: str = "2026-02-02T23:37:32Z",
    total_cost: float = 4.0,
    currency: str = "EUR",
    auth_id: str = "NL-EMS-C00000001-X",
) -> int:
    """A CDR of 1.973 h and 15.342 kWh ending at ``stop`` (a session of 2 hours before it)."""
    body = cdr(cdr_id=cdr_id, total_cost=total_cost, currency=currency)
    start = f"{stop[:11]}{int(stop[11:13]) // 2:02d}{stop[13:]}"  # earlier the same day
    body.update(start_date_time=start, stop_date_time=stop, auth_id=auth_id)
    body["charging_periods"][0]["start_date_time"] = start
    pk = receive(owner, body)
    assert services.cdr_price(cdr_id=pk) is not None
    return pk
