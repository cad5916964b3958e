"""Pull partners' data in the foreground: the same work the Celery workers do on schedule."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.models import Partner
from sync.models import MODULES, SyncRun
from sync.services import SyncBusy, SyncRefused, sync_run, sync_run_summary


class Command(BaseCommand):
    help = "Pull Locations, Sessions, CDRs and Tariffs from registered partners now (incremental unless --full)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--partner", type=int, metavar="ID", help="one partner, by id")
        which.add_argument("--all", action="store_true", help="every registered partner")
        parser.add_argument("--module", choices=(*MODULES, "all"), default="all", help="which list (default all)")
        parser.add_argument("--full", action="store_true", help="the whole list, noticing objects no longer listed")
        parser.add_argument("--limit", type=int, metavar="N", help="page size asked for (default: the partner's)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit: at least 1")
        results = [self._pull(partner, module, options) for partner, module in self._pulls(options)]
        if options["json"]:
            self.stdout.write(json.dumps(results, sort_keys=True))
        else:
            for result in results:
                self.stdout.write(_line(result))
        failed = [result for result in results if result["status"] != SyncRun.Status.SUCCEEDED]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} pulls did not succeed")

    def _pulls(self, options: dict[str, Any]) -> list[tuple[Partner, str]]:
        if options["all"]:
            partners = list(Partner.objects.filter(status=Partner.Status.REGISTERED).order_by("pk"))
        else:
            partners = list(Partner.objects.filter(pk=options["partner"]))
            if not partners:
                raise CommandError(f"--partner: no partner {options['partner']}")
        modules = MODULES if options["module"] == "all" else (options["module"],)
        pulls = [(partner, module) for partner in partners for module in modules]
        if options["all"] or options["module"] == "all":  # modules a partner does not list are not asked for
            pulls = [(partner, module) for partner, module in pulls if partner.endpoint(module)]
        return pulls

    def _pull(self, partner: Partner, module: str, options: dict[str, Any]) -> dict[str, Any]:
        try:
            run = sync_run(
                partner_id=partner.pk,
                module=module,
                full=options["full"],
                trigger=SyncRun.Trigger.COMMAND,
                limit=options["limit"],
            )
        except (SyncBusy, SyncRefused) as exc:
            status = "BUSY" if isinstance(exc, SyncBusy) else "REFUSED"
            return {"partner_id": partner.pk, "module": module, "status": status, "message": str(exc)}
        return sync_run_summary(run)


def _line(result: dict[str, Any]) -> str:
    head = f"partner {result['partner_id']} {result['module']}: {result['status']}"
    if "pages" not in result:
        return f"{head} ({result['message']})"
    counts = ", ".join(f"{result[name]} {name}" for name in ("created", "updated", "unchanged", "failed", "removed"))
    tail = f"; {result['message']}" if result["message"] else ""
    return f"{head} in {result['pages']} pages: {counts}{tail}"
