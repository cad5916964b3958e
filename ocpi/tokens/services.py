"""The only write path for tokens: the admin, ``tokens_import`` and the API all end here.

Every change goes through ``_tokens_changed`` inside the writing transaction: that is the one
place where the token distribution to CPOs (``ocpi.tokens.outbox``, a transactional outbox)
hooks in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from customers.models import Customer
from ocpi.core.errors import InvalidParameters
from ocpi.core.types import format_datetime
from ocpi.tokens import schemas
from ocpi.tokens.models import Token, TokenTally

# The fields a token's OCPI representation is made of (besides last_updated).
WIRE_FIELDS = ("type", "auth_id", "visual_number", "issuer", "valid", "whitelist", "language")
EDITABLE_FIELDS = (*WIRE_FIELDS, "customer", "valid_until")


class TokenRefused(ValueError):
    """A token write we refuse; the message names the field (``field: reason``)."""


def token_issue(
    *,
    customer: Customer,
    uid: str,
    issuer: str,
    type: str = "RFID",
    whitelist: str = "ALLOWED",
    visual_number: str = "",
    language: str = "",
    valid_until: datetime | None = None,
) -> Token:
    """A new, valid token for ``customer``; its ``auth_id`` is the customer's contract id."""
    token = Token(
        customer=customer,
        uid=uid,
        type=type,
        auth_id=customer.contract_id,
        issuer=issuer,
        whitelist=whitelist,
        visual_number=visual_number,
        language=language,
        valid=True,
        valid_until=valid_until,
        last_updated=timezone.now(),
    )
    token_check(token=token)
    try:
        with transaction.atomic():
            token.save()
            tokens_tally_add(1)
            _token_changed(token, set(WIRE_FIELDS))
    except IntegrityError:
        raise TokenRefused(f"uid: a token {uid!r} already exists") from None
    return token


def token_update(*, token: Token, **changes: Any) -> bool:
    """Change the given fields (any of ``EDITABLE_FIELDS``); False when nothing changed, and
    then ``last_updated`` stays as it was."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TokenRefused(f"{sorted(unknown)[0]}: not a field staff may change")
    changed = {field for field, value in changes.items() if getattr(token, field) != value}
    if not changed:
        return False
    for field in changed:
        setattr(token, field, changes[field])
    if "customer" in changed and "auth_id" not in changes:
        token.auth_id = token.customer.contract_id
        changed.add("auth_id")
    token_check(token=token)
    _save(token, changed)
    return True


def token_block(*, token: Token) -> bool:
    """Make the token invalid (CPOs learn it through the list and, later, the push)."""
    return token_update(token=token, valid=False)


def token_unblock(*, token: Token) -> bool:
    """Make the token valid again, unless it or its customer's contract has ended (the expiry
    job would invalidate it again within minutes)."""
    if token.valid_until is not None and token.valid_until <= timezone.now():
        raise TokenRefused("valid_until: the token has expired; extend valid_until before unblocking it")
    if token.customer.is_expired():
        raise TokenRefused("customer: the customer's contract has ended; extend it before unblocking the token")
    return token_update(token=token, valid=True)


def token_expire(*, token: Token, at: datetime | None = None) -> bool:
    """End the token's life now (or at ``at``): invalid from then on, answered EXPIRED."""
    moment = at or timezone.now()
    changes: dict[str, Any] = {"valid_until": moment}
    if moment <= timezone.now():
        changes["valid"] = False
    return token_update(token=token, **changes)


def tokens_expire_due(*, now: datetime | None = None) -> int:
    """Make invalid every still-valid token whose own ``valid_until`` or whose customer's
    contract end has passed, so CPOs that authorize from their whitelist learn it through the
    list and the push (authorization answers EXPIRED either way). Run periodically; returns how
    many tokens changed. A contract extended later needs its tokens unblocked by staff."""
    moment = now or timezone.now()
    due = (
        Token.objects.select_for_update()
        .filter(valid=True)
        .filter(Q(valid_until__lte=moment) | Q(customer__valid_until__lte=moment))
    )
    with transaction.atomic():
        tokens = list(due.order_by("pk"))
        for token in tokens:
            token.valid = False
            token.last_updated = timezone.now()
        Token.objects.bulk_update(tokens, ["valid", "last_updated"], batch_size=500)
        _tokens_changed([(token, frozenset({"valid"})) for token in tokens])
    return len(tokens)


def token_check(*, token: Token) -> None:
    """The one validation of a token (the OCPI Token object, ``schemas.validate_token``) plus our
    own rule that ``auth_id`` is the customer's contract id."""
    try:
        schemas.validate_token(token_wire(token, valid=token.valid))
    except InvalidParameters as exc:
        raise TokenRefused(exc.message) from None
    if token.auth_id != token.customer.contract_id:
        raise TokenRefused(f"auth_id: {token.auth_id!r} is not the contract id of customer {token.customer.email}")


def token_wire(token: Token, *, valid: bool) -> dict[str, Any]:
    """The OCPI Token of a stored token, with ``valid`` as given (served: false while the customer is blocked)."""
    data: dict[str, Any] = {"uid": token.uid, "type": token.type, "auth_id": token.auth_id}
    if token.visual_number:
        data["visual_number"] = token.visual_number
    data.update(issuer=token.issuer, valid=valid, whitelist=token.whitelist)
    if token.language:
        data["language"] = token.language
    data["last_updated"] = format_datetime(token.last_updated)
    return data


def tokens_tally_add(created: int) -> None:
    """Count ``created`` new tokens, inside the transaction that inserted them (the row lock
    orders concurrent writers). A missing tally row is made from a real count, which already
    includes this transaction's tokens."""
    if not created or TokenTally.objects.filter(pk=1).update(count=F("count") + created):
        return
    try:
        with transaction.atomic():
            TokenTally.objects.create(pk=1, count=Token.objects.count())
    except IntegrityError:  # made by a parallel writer since: count ours on top
        TokenTally.objects.filter(pk=1).update(count=F("count") + created)


def tokens_tally_refresh() -> int:
    """Recount (after loading tokens around the services, e.g. a benchmark's COPY)."""
    with transaction.atomic():
        total = Token.objects.count()
        TokenTally.objects.update_or_create(pk=1, defaults={"count": total})
    return total


def on_customer_status_changed(sender: Any, *, customer_id: int, **kwargs: Any) -> None:
    """A customer was blocked or unblocked: the served ``valid`` of its tokens changed."""
    tokens = list(Token.objects.select_for_update().filter(customer_id=customer_id))
    now = timezone.now()
    for token in tokens:
        token.last_updated = now
    Token.objects.bulk_update(tokens, ["last_updated"], batch_size=500)
    _tokens_changed([(token, frozenset({"valid"})) for token in tokens])


def _save(token: Token, changed: set[str]) -> None:
    token.last_updated = timezone.now()
    with transaction.atomic():
        token.save(update_fields=[*sorted(changed), "last_updated"])
        _token_changed(token, changed)


def _token_changed(token: Token, fields: Iterable[str]) -> None:
    _tokens_changed([(token, frozenset(fields))])


def _tokens_changed(changes: Sequence[tuple[Token, frozenset[str]]]) -> None:
    """Called once per write, inside its transaction, with each changed token (already saved,
    ``last_updated`` bumped) and the names of the fields that changed.

    The token distribution to CPOs hooks in here: ``outbox.outbox_record`` writes the outbox
    rows in the same transaction as the change, so a change is pushed if and only if it was
    committed; ``fields`` lets it choose PATCH (a few fields, e.g. ``valid``) over PUT.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("token changes are recorded inside the transaction that makes them")
    from ocpi.tokens.outbox import outbox_record  # noqa: PLC0415 (the outbox builds on these services)

    outbox_record(changes)
