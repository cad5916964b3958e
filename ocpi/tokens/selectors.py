"""Reads of tokens; the only thing another room may import from this one.

``customer_links_for_auth_ids`` is what the Sessions and CDRs rooms call to link an ``auth_id``
they received to our customer (and token).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Min, QuerySet

from customers.models import Customer
from ocpi.core.types import format_datetime
from ocpi.tokens.models import Token, TokenTally

# Columns the served list needs: the Token fields, and the customer for `valid`.
_LIST_COLUMNS = (
    "pk", "uid", "type", "auth_id", "visual_number", "issuer", "valid", "whitelist", "language",
    "last_updated", "customer_id",
)  # fmt: skip


@dataclass(frozen=True)
class CustomerLink:
    """Whose contract an ``auth_id`` is: the customer, and the token when exactly one carries it."""

    customer_id: int
    token_id: int | None


def tokens_for_list(
    *, date_from: datetime | None = None, date_to: datetime | None = None, first_page: bool = True
) -> QuerySet[Any]:
    """Every token (invalid ones too, DESIGN.md §4), as rows for ``serialize_tokens``; the
    core's pagination orders and windows it (primary-key order: creation order).

    For the first page of a ``last_updated`` window (later pages continue after a key, from
    ``Link``), the rows start at the window's lowest id. Without that bound PostgreSQL walks
    the primary key from the very first token, filtering, until it meets the window (206 ms at
    a million tokens for the most recent 10 %, bench/RESULTS.md "tokens"); the bound costs one
    index-only scan of ``token_updated_id`` and changes no answer.
    """
    rows = Token.objects.values(*_LIST_COLUMNS)
    if first_page and (date_from is not None or date_to is not None):
        start = _window_first_id(date_from, date_to)
        rows = rows.none() if start is None else rows.filter(pk__gte=start)
    return rows


def tokens_count(queryset: QuerySet[Any], *, filtered: bool) -> int:
    """``X-Total-Count``: the tally when the list is not filtered, else a count of the window
    (an index-only range scan of ``token_updated_id``)."""
    if not filtered:
        total = TokenTally.objects.filter(pk=1).values_list("count", flat=True).first()
        if total is not None:
            return total
    return queryset.count()


def serialize_tokens(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's rows as OCPI Tokens; one query finds which of their customers are blocked."""
    rows = list(rows)
    customer_ids = {row["customer_id"] for row in rows}
    blocked = set(
        Customer.objects.filter(pk__in=customer_ids)
        .exclude(status=Customer.Status.ACTIVE)
        .values_list("pk", flat=True)
    ) if customer_ids else set()  # fmt: skip
    return [_served(row, customer_active=row["customer_id"] not in blocked) for row in rows]


def customer_links_for_auth_ids(auth_ids: Iterable[str]) -> dict[str, CustomerLink]:
    """For each known ``auth_id``: the customer whose contract id it is, and the token id when
    exactly one token carries it (two queries, whatever the number of ids). Unknown ids are
    left out."""
    wanted = {auth_id for auth_id in auth_ids if auth_id}
    if not wanted:
        return {}
    customers = dict(Customer.objects.filter(contract_id__in=wanted).values_list("contract_id", "pk"))
    tokens: dict[str, list[int]] = {}
    for auth_id, token_id in Token.objects.filter(auth_id__in=customers.keys()).values_list("auth_id", "pk"):
        tokens.setdefault(auth_id, []).append(token_id)
    return {
        auth_id: CustomerLink(
            customer_id=customer_id,
            token_id=tokens[auth_id][0] if len(tokens.get(auth_id, ())) == 1 else None,
        )
        for auth_id, customer_id in customers.items()
    }


def customer_link_columns(auth_id: str) -> dict[str, Any]:
    """The columns a received Session or CDR keeps for its ``auth_id``: ``customer_id``,
    ``token_id`` and ``token_known`` (False for an unknown auth_id, which is kept, never refused)."""
    link = customer_links_for_auth_ids([auth_id]).get(auth_id)
    if link is None:
        return {"token_known": False, "customer_id": None, "token_id": None}
    return {"token_known": True, "customer_id": link.customer_id, "token_id": link.token_id}


def _window_first_id(date_from: datetime | None, date_to: datetime | None) -> int | None:
    window = Token.objects.all()
    if date_from is not None:
        window = window.filter(last_updated__gte=date_from)
    if date_to is not None:
        window = window.filter(last_updated__lt=date_to)
    # `id + 0`, not `id`: a plain MIN(id) is planned as the same primary-key walk we avoid.
    first: int | None = window.aggregate(first=Min(F("id") + 0))["first"]
    return first


def customer_link_sql() -> dict[str, str]:
    """``customer_link_columns`` as SQL expressions, each with one ``%s`` for the auth_id, for a
    writer that stores the link in the same statement as its object (the Sessions push path on
    PostgreSQL: no round trips of its own)."""
    customers, tokens = Customer._meta.db_table, Token._meta.db_table
    return {
        "customer_id": f"(SELECT id FROM {customers} WHERE contract_id = %s)",  # noqa: S608 (constant names)
        "token_id": (
            f"(SELECT CASE WHEN COUNT(*) = 1 THEN MIN(t.id) END FROM {tokens} t"  # noqa: S608 (constant names)
            f" JOIN {customers} c ON c.contract_id = t.auth_id WHERE t.auth_id = %s)"
        ),
        "token_known": f"EXISTS (SELECT 1 FROM {customers} WHERE contract_id = %s)",  # noqa: S608 (constant names)
    }


def _served(row: dict[str, Any], *, customer_active: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"uid": row["uid"], "type": row["type"], "auth_id": row["auth_id"]}
    if row["visual_number"]:
        data["visual_number"] = row["visual_number"]
    data["issuer"] = row["issuer"]
    data["valid"] = row["valid"] and customer_active
    data["whitelist"] = row["whitelist"]
    if row["language"]:
        data["language"] = row["language"]
    data["last_updated"] = format_datetime(row["last_updated"])
    return data
