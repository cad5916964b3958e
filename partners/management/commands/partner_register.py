"""Register with a CPO, given its versions URL and the token A it gave us."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocpi.core.errors import OcpiError
from partners.services import partner_register


class Command(BaseCommand):
    help = "Register with a CPO: discover its endpoints, POST our credentials, store its token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--versions-url", required=True)
        parser.add_argument("--token", required=True, help="the token A the CPO gave us")
        parser.add_argument("--name", default="", help="our name for them (default: their business name)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, versions_url: str, token: str, name: str, **options: Any) -> None:
        try:
            partner = partner_register(versions_url=versions_url, token_a=token, name=name)
        except OcpiError as exc:
            raise CommandError(f"Registration failed ({int(exc.status)}): {exc.message}") from None
        result = {
            "partner_id": partner.pk,
            "name": partner.name,
            "party": partner.party,
            "version": partner.version,
            "endpoints": partner.endpoints,
            "status": partner.status,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, sort_keys=True))
            return
        self.stdout.write(f"Registered with {partner} over OCPI {partner.version} (partner {partner.pk}).")
        self.stdout.write(f"  their endpoints: {', '.join(sorted(partner.endpoints))}")
