"""Importing tokens in bulk from CSV (``manage.py tokens_import``), a service like ``services``.

Each row is validated by the one token validation (``schemas.validate_token``, the same as the
admin and the API), then rows are written a batch at a time: one query for the batch's
customers, one for its stored tokens, one bulk insert and one bulk update, in one transaction
that calls the change hook (``services._tokens_changed``). A row equal to the stored token
changes nothing, not even ``last_updated``, so importing a file twice changes nothing the second
time. The file is read row by row; besides the current batch, only the set of uids already seen
is kept (to refuse a uid repeated in the file, which would make a second run change things).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import Customer
from customers.selectors import customers_by_email
from ocpi.core.errors import InvalidParameters
from ocpi.core.types import format_datetime
from ocpi.tokens import schemas, services
from ocpi.tokens.models import Token

COLUMNS = ("uid", "type", "auth_id", "visual_number", "issuer", "valid", "whitelist", "language", "customer_email")
REQUIRED_COLUMNS = frozenset(COLUMNS) - {"visual_number", "language"}
BATCH_SIZE = 1000
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, or no valid header)."""


@dataclass
class Rejected:
    line: int
    uid: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"line": r.line, "uid": r.uid, "reason": r.reason} for r in self.rejected],
        }


@dataclass
class _Row:
    line: int
    token: schemas.Token
    email: str


def tokens_import(*, stream: IO[str], batch_size: int = BATCH_SIZE) -> ImportReport:
    """Import the CSV ``stream`` (header row with ``COLUMNS``; extra columns are ignored)."""
    report = ImportReport()
    seen: set[str] = set()
    batch: list[_Row] = []
    for row in _validated(_rows(stream), report, seen):
        batch.append(row)
        if len(batch) >= batch_size:
            _write(batch, report)
            batch = []
    if batch:
        _write(batch, report)
    report.rejected.sort(key=lambda rejected: rejected.line)  # some are found only when a batch is written
    return report


def _rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(stream)
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(f"cannot read the header: {exc}") from None
    if not header:
        raise ImportFileError("the file is empty: expected a header row " + ",".join(COLUMNS))
    missing = REQUIRED_COLUMNS - {name.strip() for name in header}
    if missing:
        raise ImportFileError(f"the header lacks the column(s) {', '.join(sorted(missing))}")
    try:
        for row in reader:
            yield reader.line_num, {(key or "").strip(): (value or "").strip() for key, value in row.items()}
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(f"line {reader.line_num + 1}: cannot read the file further: {exc}") from None


def _validated(rows: Iterable[tuple[int, dict[str, str]]], report: ImportReport, seen: set[str]) -> Iterator[_Row]:
    now = format_datetime(timezone.now())
    for line, row in rows:
        uid = row.get("uid", "")
        if uid and uid in seen:
            report.rejected.append(Rejected(line, uid, "uid: repeated in this file (each token once)"))
            continue
        seen.add(uid)
        try:
            token = schemas.validate_token(_wire(row, now))
        except InvalidParameters as exc:
            report.rejected.append(Rejected(line, uid, exc.message))
            continue
        yield _Row(line=line, token=token, email=row.get("customer_email", "").lower())


def _wire(row: dict[str, str], now: str) -> dict[str, Any]:
    """A CSV row as an OCPI Token object: empty optional cells are left out, required ones
    are kept (empty) so the validation names them."""
    data: dict[str, Any] = {name: row.get(name, "") for name in ("uid", "type", "auth_id", "issuer", "whitelist")}
    for name in ("visual_number", "language"):
        if row.get(name):
            data[name] = row[name]
    data["valid"] = _bool(row.get("valid", ""))
    data["last_updated"] = now
    return data


def _bool(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return raw  # not a boolean: the validation says "valid: Expected `bool`, got `str`"


def _write(batch: list[_Row], report: ImportReport) -> None:
    """Write one batch; if a parallel writer inserted one of its new uids meanwhile, the batch is
    rolled back and decided again (those uids are then updates), once."""
    customers = customers_by_email(row.email for row in batch)
    try:
        outcome = _write_once(batch, customers)
    except IntegrityError:
        outcome = _write_once(batch, customers)
    report.created += outcome.created
    report.updated += outcome.updated
    report.unchanged += outcome.unchanged
    report.rejected.extend(outcome.rejected)


def _write_once(batch: list[_Row], customers: dict[str, Customer]) -> ImportReport:
    outcome = ImportReport()
    with transaction.atomic():
        stored = {t.uid: t for t in Token.objects.select_for_update().filter(uid__in=[r.token.uid for r in batch])}
        now = timezone.now()
        new: list[Token] = []
        changed: list[tuple[Token, frozenset[str]]] = []
        for row in batch:
            customer = customers.get(row.email)
            reason = _customer_refusal(row, customer)
            if customer is None or reason:
                outcome.rejected.append(Rejected(row.line, row.token.uid, reason))
                continue
            values = _values(row.token, customer.pk)
            token = stored.get(row.token.uid)
            if token is None:
                new.append(Token(**values, uid=row.token.uid, last_updated=now))
                continue
            fields = frozenset(name for name, value in values.items() if getattr(token, name) != value)
            if not fields:
                outcome.unchanged += 1
                continue
            for name in fields:
                setattr(token, name, values[name])
            token.last_updated = now
            changed.append((token, fields))
        Token.objects.bulk_create(new)
        services.tokens_tally_add(len(new))
        if changed:
            Token.objects.bulk_update([t for t, _ in changed], [*services.WIRE_FIELDS, "customer_id", "last_updated"])
        services._tokens_changed([*((t, frozenset(services.WIRE_FIELDS)) for t in new), *changed])
    outcome.created, outcome.updated = len(new), len(changed)
    return outcome


def _customer_refusal(row: _Row, customer: Customer | None) -> str:
    if customer is None:
        return f"customer_email: no customer {row.email!r}"
    if row.token.auth_id != customer.contract_id:
        return f"auth_id: {row.token.auth_id!r} is not the contract id of customer {customer.email}"
    return ""


def _values(token: schemas.Token, customer_id: int) -> dict[str, Any]:
    return {
        "type": token.type,
        "auth_id": token.auth_id,
        "visual_number": token.visual_number if isinstance(token.visual_number, str) else "",
        "issuer": token.issuer,
        "valid": token.valid,
        "whitelist": token.whitelist,
        "language": token.language if isinstance(token.language, str) else "",
        "customer_id": customer_id,
    }
