"""Import tokens from a CSV file (columns in the README, "Tokens"); idempotent."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocpi.tokens.importing import ImportFileError, tokens_import


class Command(BaseCommand):
    help = (
        "Import tokens from FILE.csv: columns uid, type, auth_id, visual_number, issuer, valid, whitelist, "
        "language, customer_email. Rejected rows are reported with their line; importing twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8, header row first)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            with open(file, encoding="utf-8-sig", newline="") as stream:
                report = tokens_import(stream=stream)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        except ImportFileError as exc:
            raise CommandError(f"{file}: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), sort_keys=True))
            return
        for rejected in report.rejected:
            self.stdout.write(f"line {rejected.line}: {rejected.uid or '(no uid)'}: {rejected.reason}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.rejected)} rejected"
        )
