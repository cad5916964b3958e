"""``python manage.py billing_export --period YYYY-MM --kind customers|partners
--format csv|xlsx|jsonl --output PATH [--partner ID] [--customer ID] [--json]``: a month's
customer invoice lines or partner settlement, written to PATH and kept as a BillingExport."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.exports import services
from billing.models import BillingExport, BillingKind
from customers.models import Customer
from partners.models import Partner


def month(value: str) -> date:
    try:
        year, number = value.split("-")
        if len(year) != 4:
            raise ValueError
        return date(int(year), int(number), 1)
    except ValueError:
        raise CommandError(f"--period: expected YYYY-MM, got {value!r}") from None


class Command(BaseCommand):
    help = "Export a month's customer invoice lines or partner settlement (CSV, XLSX or JSON lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="the month, YYYY-MM (CDRs by stop time, UTC)")
        parser.add_argument("--kind", required=True, choices=BillingKind.values)
        parser.add_argument("--format", required=True, choices=BillingExport.Format.values)
        parser.add_argument("--output", required=True, help="file to write ('-' for standard output)")
        parser.add_argument("--partner", type=int, help="only this partner id")
        parser.add_argument("--customer", type=int, help="only this customer id")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        request = services.ExportRequest(
            kind=options["kind"], period=month(options["period"]), format=options["format"],
            partner_id=options["partner"], customer_id=options["customer"],
        )  # fmt: skip
        if request.partner_id is not None and not Partner.objects.filter(pk=request.partner_id).exists():
            raise CommandError(f"--partner: no partner {request.partner_id}")
        if request.customer_id is not None and not Customer.objects.filter(pk=request.customer_id).exists():
            raise CommandError(f"--customer: no customer {request.customer_id}")
        if options["output"] == "-":
            export = services.export_create(request=request, output=self.stdout.buffer)
        else:
            try:
                with open(options["output"], "wb") as output:
                    export = services.export_create(request=request, output=output)
            except OSError as error:
                raise CommandError(f"--output: {error}") from None
        result = {
            "id": export.pk, "kind": export.kind, "period": f"{export.period:%Y-%m}", "format": export.format,
            "rows": export.row_count, "sha256": export.checksum, "output": options["output"],
        }  # fmt: skip
        summary = f"{export.row_count} row(s) of {export.kind} {result['period']} written ({export.checksum})"
        # With the export on standard output, the summary goes to standard error.
        stream = self.stderr if options["output"] == "-" else self.stdout
        stream.write(json.dumps(result) if options["json"] else summary)
