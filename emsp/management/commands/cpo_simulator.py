"""Run the OCPI 2.1.1 CPO simulator (ocpi/simulator): for demos, partner testing and our tests."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocpi.simulator import cli


class Command(BaseCommand):
    help = "Run an OCPI 2.1.1 CPO simulator; optionally register it with an eMSP."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if cli.handle(options, stdout=self.stdout, stderr=self.stderr):
            raise CommandError("the CPO simulator stopped with an error")
