"""``python manage.py tokens_push [--partner ID] [--full] [--json]``: send the pending token
pushes to CPOs in the foreground (``--full``: queue every token first, as an initial push)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocpi.tokens import outbox
from ocpi.tokens.models import TokenPush


class Command(BaseCommand):
    help = "Send pending token pushes to CPOs now (all receiving partners, or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", type=int, help="only this partner id")
        parser.add_argument("--full", action="store_true", help="queue a PUT of every token first")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        partner_ids = outbox.receiving_partner_ids()
        if options["partner"] is not None:
            if options["partner"] not in partner_ids:
                raise CommandError(f"Partner {options['partner']} is not registered with a tokens endpoint")
            partner_ids = [options["partner"]]
        results = [self._push(partner_id, full=options["full"]) for partner_id in partner_ids]
        if options["json"]:
            self.stdout.write(json.dumps({"partners": results}))
            return
        if not results:
            self.stdout.write("No partner with a tokens endpoint.")
        for result in results:
            self.stdout.write(
                f"partner {result['partner_id']}: {result['sent']} sent, {result['retrying']} to retry later, "
                f"{result['dead']} dead-lettered, {result['pending']} still pending"
            )
            for error in result["errors"][:3]:
                self.stdout.write(f"  {error}")
        if any(result["dead"] for result in results):
            raise CommandError("Some pushes were dead-lettered: see Tokens › Token pushes in the admin")

    def _push(self, partner_id: int, *, full: bool) -> dict[str, Any]:
        queued = outbox.outbox_fill(partner_id=partner_id) if full else 0
        report = outbox.outbox_drain(partner_id=partner_id, budget_seconds=float("inf"))
        pending = TokenPush.objects.filter(partner_id=partner_id, state=TokenPush.State.PENDING).count()
        return {
            "partner_id": partner_id, "queued": queued, "sent": report.sent, "retrying": report.retrying,
            "dead": report.dead, "pending": pending, "errors": report.errors,
        }  # fmt: skip
