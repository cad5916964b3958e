"""Reads of customers; the tokens room and (later) billing use these."""

from __future__ import annotations

from collections.abc import Iterable

from customers.models import Customer


def customers_by_email(emails: Iterable[str]) -> dict[str, Customer]:
    """Customers keyed by e-mail (stored lower-cased), in one query: imports name customers so."""
    wanted = {email.strip().lower() for email in emails if email}
    if not wanted:
        return {}
    return {customer.email: customer for customer in Customer.objects.filter(email__in=wanted)}


def customer_get(*, customer_id: int) -> Customer | None:
    return Customer.objects.select_related("pricing_plan").filter(pk=customer_id).first()
