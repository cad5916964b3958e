"""Invite a CPO to register with us: prints token A and our versions URL, once."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from partners.services import partner_invite


class Command(BaseCommand):
    help = "Create a pending partner and its token A. The token is shown now and never again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the CPO's name, for our staff")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        invitation = partner_invite(name=name)
        result = {
            "partner_id": invitation.partner.pk,
            "token_a": invitation.token,
            "versions_url": invitation.versions_url,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, sort_keys=True))
            return
        self.stdout.write(f"Invited {name} (partner {invitation.partner.pk}). Give them, out of band:")
        self.stdout.write(f"  versions URL: {invitation.versions_url}")
        self.stdout.write(f"  token A:      {invitation.token}")
        self.stdout.write("The token is not stored in clear and cannot be shown again.")
