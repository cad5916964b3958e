"""The `make run` demo CPO: a simulator beside the platform, registered through the real
handshake, playing live sessions, CDRs, EVSE status and tariff changes into it.

It waits for the platform to answer, invites the simulator (``partner_invite``) and lets the
simulator register with that invitation (the simulator's own ``--register-with``). Its state is
kept in ``var/`` so a restart resumes the same registration; when the platform and the
simulator disagree (a fresh database, a lost state file) it registers again. From there the
platform's beat schedules create this partner's pull schedules and the workers pull its data.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ocpi.core.errors import OcpiError
from ocpi.core.views import versions_url
from ocpi.simulator import CpoSimulator, cli
from partners.models import Partner
from partners.services import partner_invite, partner_unregister

PARTY = ("NL", "SIM")


class Command(BaseCommand):
    help = "Run the demo CPO simulator registered with this platform (used by `make run` unless DEMO=0)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, help="the simulator's port (default: the platform's port + 1)")
        parser.add_argument("--locations", type=int, default=50, help="generated locations (default 50)")
        parser.add_argument("--live-interval", type=float, default=3.0, help="seconds between live steps (3)")
        parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the platform (120)")

    def handle(self, *args: Any, **options: Any) -> None:
        ours = versions_url()
        port = options["port"] or (urlsplit(ours).port or 80) + 1
        state = Path(settings.VAR_DIR) / f"demo-simulator-{port}.json"
        self._wait_for_platform(ours, options["wait"])
        simulator_options = self._simulator_options(port, state, options)
        partner = Partner.objects.filter(
            country_code=PARTY[0], party_id=PARTY[1], status=Partner.Status.REGISTERED
        ).first()
        simulator_url = f"http://127.0.0.1:{port}/ocpi/cpo/versions"
        if partner is None or partner.versions_url != simulator_url or not state.exists():
            self._forget(partner, port, state)
            invitation = partner_invite(name="CPO Simulator (demo)")
            simulator_options += ["--register-with", invitation.versions_url, "--token", invitation.token]
            simulator_options += ["--register-wait", "60"]
            self.stdout.write(f"Demo CPO: registering with {invitation.versions_url} (partner {invitation.partner.pk})")
        else:
            self.stdout.write(f"Demo CPO: registered as partner {partner.pk}; resuming")
        parsed = _parse(simulator_options)
        raise SystemExit(cli.handle(parsed, stdout=self.stdout, stderr=self.stderr))

    def _wait_for_platform(self, url: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                # 401 without a token: the platform is up (reference §1.9).
                if requests.get(url, timeout=2).status_code in (200, 401):
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise CommandError(f"the platform did not answer at {url} within {seconds:.0f} s")
            time.sleep(1)

    def _forget(self, partner: Partner | None, port: int, state: Path) -> None:
        """Start over: the simulator forgets its state, we unregister the old demo partner (its
        DELETE reaches a simulator that no longer knows our token, which counts as done)."""
        state.unlink(missing_ok=True)
        if partner is None:
            return
        try:
            with CpoSimulator(port=port, party_id=PARTY[1]):
                partner_unregister(partner=partner)
        except (OcpiError, OSError) as exc:
            raise CommandError(f"could not end the old demo registration (partner {partner.pk}): {exc}") from None

    def _simulator_options(self, port: int, state: Path, options: dict[str, Any]) -> list[str]:
        return [
            "--port", str(port), "--state", str(state), "--name", "CPO Simulator (demo)",
            "--country-code", PARTY[0], "--party-id", PARTY[1],
            "--locations", str(options["locations"]), "--sessions", "40", "--cdrs", "40", "--tariffs", "4",
            "--live", "--live-interval", str(options["live_interval"]),
        ]  # fmt: skip


def _parse(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="cpo_simulator")
    cli.add_arguments(parser)
    return vars(parser.parse_args(argv))
