"""The only write path for customers and pricing plans (the admin and commands call these)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from customers.models import Customer, PricingPlan
from customers.signals import customer_status_changed


def pricing_plan_create(
    *, name: str, markup_percent: Any = 0, fee_per_session: Any = 0, price_per_kwh: Any = 0, currency: str = "EUR"
) -> PricingPlan:
    plan = PricingPlan(
        name=name,
        markup_percent=markup_percent,
        fee_per_session=fee_per_session,
        price_per_kwh=price_per_kwh,
        currency=currency,
    )
    plan.full_clean()
    plan.save()
    return plan


def customer_create(
    *,
    name: str,
    email: str,
    contract_id: str,
    billing_country: str,
    pricing_plan: PricingPlan,
    has_credit: bool = True,
    valid_until: datetime | None = None,
    allowed_partner_ids: Iterable[int] = (),
    blocked_location_ids: Iterable[str] = (),
    blocked_evse_uids: Iterable[str] = (),
) -> Customer:
    """A new, active customer; validation errors name the field (``ValidationError``)."""
    customer = Customer(
        name=name,
        email=email.strip().lower(),
        contract_id=contract_id,
        billing_country=billing_country,
        pricing_plan=pricing_plan,
        has_credit=has_credit,
        valid_until=valid_until,
        blocked_location_ids=list(blocked_location_ids),
        blocked_evse_uids=list(blocked_evse_uids),
    )
    customer_validate(customer=customer)
    with transaction.atomic():
        customer.save()
        customer.allowed_partners.set(list(allowed_partner_ids))
    return customer


def customer_validate(*, customer: Customer) -> None:
    """Model validation (``Customer.clean``: the e-mail lower-cased, the policy lists' shape)."""
    customer.full_clean()


def customer_block(*, customer: Customer) -> bool:
    """Block a customer: all its tokens answer BLOCKED and are served ``valid: false``.
    Returns False when it was already blocked (nothing changes)."""
    return _set_status(customer, Customer.Status.BLOCKED)


def customer_unblock(*, customer: Customer) -> bool:
    return _set_status(customer, Customer.Status.ACTIVE)


def customer_set_credit(*, customer: Customer, has_credit: bool) -> None:
    Customer.objects.filter(pk=customer.pk).update(has_credit=has_credit)
    customer.has_credit = has_credit


def _set_status(customer: Customer, status: str) -> bool:
    with transaction.atomic():
        changed = Customer.objects.filter(pk=customer.pk).exclude(status=status).update(status=status)
        customer.status = status
        if changed:
            # The tokens room listens: the served `valid` of this customer's tokens changes.
            customer_status_changed.send(sender=Customer, customer_id=customer.pk)
    return bool(changed)
