"""Rows for console tests and the console benchmark, written in bulk.

The console reads what the rooms stored; how they got there (pushes, pulls, services) is tested
in those rooms. Here many realistic rows are needed fast, so they are written with
``bulk_create``, each linked as the services would link it (session to customer and token, CDR
to its pricing, command to its session).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from billing.models import CdrPricing
from customers.models import Customer, PricingPlan
from ocpi.cdrs.models import Cdr, CdrConflict
from ocpi.commands.models import Command
from ocpi.core.models import JournalEntry
from ocpi.locations.models import Connector, Evse, Location
from ocpi.sessions.models import Session
from ocpi.tokens.models import Token, TokenPush
from partners.models import Partner
from sync.models import SyncRun

_serial = count(1)
STATUSES = ("AVAILABLE", "CHARGING", "OUTOFORDER", "BLOCKED", "UNKNOWN")


def partner(name: str = "", **fields: Any) -> Partner:
    number = next(_serial)
    party = f"P{number % 100:02d}"
    values = {
        "name": name or f"CPO {number}",
        "country_code": "NL",
        "party_id": party,
        "status": Partner.Status.REGISTERED,
        "version": "2.1.1",
        "access_token_hash": f"{number:064d}",
        "registered_at": timezone.now(),
        "last_inbound_at": timezone.now(),
    }
    return Partner.objects.create(**{**values, **fields})


def customers_and_tokens(n: int, *, batch: int = 5000) -> list[Token]:
    """``n`` customers with one token each (returns the tokens of the last batch)."""
    plan = PricingPlan.objects.create(name=f"Plan {next(_serial)}", markup_percent=Decimal(10))
    start = next(_serial) * 10_000_000
    now = timezone.now()
    tokens: list[Token] = []
    for first in range(0, n, batch):
        numbers = range(start + first, start + min(first + batch, n))
        made = Customer.objects.bulk_create(
            Customer(name=f"Driver {i}", email=f"d{i}@example.com", contract_id=f"NL-EMS-C{i:09d}", pricing_plan=plan)
            for i in numbers
        )
        tokens = Token.objects.bulk_create(
            Token(
                uid=f"U{i:012d}",
                auth_id=customer.contract_id,
                issuer="Open eMSP",
                customer=customer,
                last_updated=now - timedelta(seconds=i % 100_000),
            )
            for i, customer in zip(numbers, made, strict=True)
        )
    return tokens


def locations(owner: Partner, n: int, *, evses: int = 2) -> list[Location]:
    now = timezone.now()
    made = Location.objects.bulk_create(
        Location(
            partner=owner,
            country_code=owner.country_code,
            party_id=owner.party_id,
            ocpi_id=f"LOC{i:07d}",
            type="ON_STREET",
            name=f"Station {i}",
            address=f"Street {i}",
            city="Amsterdam",
            postal_code="1011AB",
            country="NLD",
            latitude=Decimal("52.370216") + Decimal(i) / 1000,
            longitude=Decimal("4.895168") + Decimal(i) / 1000,
            last_updated=now,
            data={},
        )
        for i in range(n)
    )
    made_evses = Evse.objects.bulk_create(
        Evse(
            location=location,
            uid=f"{location.ocpi_id}-{e}",
            evse_id=f"NL*CPO*E{location.pk:06d}{e}",
            status=STATUSES[(location.pk + e) % len(STATUSES)],
            position=e,
            last_updated=now,
            data={},
        )
        for location in made
        for e in range(evses)
    )
    Connector.objects.bulk_create(
        Connector(
            evse=evse,
            connector_id="1",
            standard="IEC_62196_T2",
            format="SOCKET",
            power_type="AC_3_PHASE",
            voltage=230,
            amperage=32,
            last_updated=now,
            data={},
        )
        for evse in made_evses
    )
    return made


def sessions(owner: Partner, n: int, *, tokens: list[Token] | None = None, start: datetime | None = None,
             active: int = 0, batch: int = 5000) -> None:  # fmt: skip
    """``n`` sessions, one an hour back from ``start``; the first ``active`` still ACTIVE."""
    start = start or timezone.now()
    for first in range(0, n, batch):
        Session.objects.bulk_create(
            _session(owner, i, start, tokens, active) for i in range(first, min(first + batch, n))
        )


def _session(owner: Partner, i: int, start: datetime, tokens: list[Token] | None, active: int) -> Session:
    token = tokens[i % len(tokens)] if tokens else None
    begun = start - timedelta(hours=i)
    return Session(
        partner=owner, country_code=owner.country_code, party_id=owner.party_id, ocpi_id=f"S{next(_serial):09d}",
        status="ACTIVE" if i < active else "COMPLETED", auth_id=token.auth_id if token else "UNKNOWN",
        auth_method="WHITELIST", token_known=token is not None, customer_id=token.customer_id if token else None,
        token=token, start_datetime=begun, end_datetime=None if i < active else begun + timedelta(hours=1),
        kwh=12.5, total_cost=4.2, currency="EUR", location_id="LOC0000000", last_updated=begun, data={},
    )  # fmt: skip


def cdrs(owner: Partner, n: int, *, flagged: int = 0, conflicts: int = 0, start: datetime | None = None) -> list[Cdr]:
    start = start or timezone.now()
    ids = [f"C{next(_serial):09d}" for _ in range(n)]
    made = Cdr.objects.bulk_create(
        Cdr(
            partner=owner,
            country_code=owner.country_code,
            party_id=owner.party_id,
            ocpi_id=ids[i],
            ocpi_id_ci=ids[i],
            start_date_time=start - timedelta(hours=i + 1),
            stop_date_time=start - timedelta(hours=i),
            auth_id="UNKNOWN",
            auth_method="WHITELIST",
            total_energy=20.0,
            total_time=1.0,
            total_cost=7.5,
            currency="EUR",
            location_id="LOC0000000",
            last_updated=start,
            data={},
        )
        for i in range(n)
    )
    CdrPricing.objects.bulk_create(
        CdrPricing(
            cdr=cdr,
            flagged=i < flagged,
            reason="differs by 1.00" if i < flagged else "",
            currency="EUR",
            cpo_total=Decimal("7.5"),
            expected_total=Decimal("6.5") if i < flagged else Decimal("7.5"),
            difference=Decimal(1) if i < flagged else Decimal(0),
            tolerance=Decimal("0.01"),
            computed_at=start,
        )
        for i, cdr in enumerate(made)
    )
    CdrConflict.objects.bulk_create(
        CdrConflict(cdr=cdr, data={}, body_hash=f"{cdr.pk:064d}") for cdr in made[:conflicts]
    )
    return made


def commands(owner: Partner, n: int, *, state: str = "REQUESTED") -> None:
    now = timezone.now()
    Command.objects.bulk_create(
        Command(
            partner=owner,
            type="START_SESSION",
            state=state,
            request={},
            response_token=f"r{next(_serial):030d}",
            url="http://127.0.0.1/commands/START_SESSION",
            location_id="LOC0000000",
            requested_at=now,
            deadline=now + timedelta(minutes=2),
        )
        for _ in range(n)
    )


def token_pushes(owner: Partner, tokens: list[Token], *, state: str = "PENDING") -> None:
    now = timezone.now()
    TokenPush.objects.bulk_create(
        TokenPush(partner=owner, token=token, version=1, state=state, next_attempt_at=now, changed_at=now)
        for token in tokens
    )


def journal(owner: Partner, n: int, *, http_status: int = 200) -> None:
    now = timezone.now()
    JournalEntry.objects.bulk_create(
        JournalEntry(
            created=now,
            direction="IN",
            partner_id=owner.pk,
            partner_label=owner.name,
            method="GET",
            url="http://127.0.0.1/ocpi/emsp/2.1.1/tokens",
            http_status=http_status,
            ocpi_status=1000,
            duration_ms=3.0,
        )
        for _ in range(n)
    )


def sync_runs(owner: Partner, *, modules: tuple[str, ...] = ("locations", "sessions", "cdrs", "tariffs"),
              status: str = "SUCCEEDED") -> None:  # fmt: skip
    now = timezone.now()
    SyncRun.objects.bulk_create(
        SyncRun(partner=owner, module=module, status=status, started_at=now, finished_at=now, watermark=now)
        for module in modules
    )
