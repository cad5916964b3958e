"""``python manage.py billing_reprice [--partner ID] [--period YYYY-MM] [--flagged] [--json]``:
price CDRs again with the tariff valid at their start (after a tariff was corrected, say)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing import selectors, services
from partners.models import Partner


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--period: expected YYYY-MM, got {value!r}") from None


class Command(BaseCommand):
    help = "Price CDRs again (all, a partner's, a month's, or only flagged ones) and say how they stand."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", type=int, help="only this partner id")
        parser.add_argument("--period", help="only sessions started in this month (UTC), YYYY-MM")
        parser.add_argument("--flagged", action="store_true", help="only flagged CDRs and those without a price")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        partner_id = options["partner"]
        if partner_id is not None and not Partner.objects.filter(pk=partner_id).exists():
            raise CommandError(f"--partner: no partner {partner_id}")
        month = _month(options["period"]) if options["period"] else None
        cdr_ids = selectors.cdr_ids_to_price(partner_id=partner_id, month=month, flagged_only=options["flagged"])
        priced = services.cdrs_reprice(cdr_ids=cdr_ids)
        result = {"priced": priced, **selectors.pricing_tally(cdr_ids=cdr_ids)}
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(
            f"{priced} CDR(s) priced: {result['verified']} verified, {result['flagged']} flagged"
            + (" (see Billing › CDR pricings, flagged)" if result["flagged"] else "")
        )
