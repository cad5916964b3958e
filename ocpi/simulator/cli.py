"""The ``cpo_simulator`` command: start a CPO simulator, optionally register it with an eMSP,
and serve until Ctrl-C.

``add_arguments(parser)`` and ``handle(options)`` are what a Django management command wraps;
``main(argv)`` runs the same outside manage.py. Prints the versions URL and token A (or one
JSON line with ``--json``); never logs a token.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ocpi.simulator.simulator import CpoSimulator
    from ocpi.simulator.store import Registration

DEFAULT_PORT = 9001


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


class UsageError(ValueError):
    """Options that do not go together."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"0 picks a free port (default {DEFAULT_PORT})")
    parser.add_argument("--base-url", help="the URL the eMSP reaches the simulator at (default http://HOST:PORT)")
    parser.add_argument("--country-code", default="NL", help="the CPO's country_code (default NL)")
    parser.add_argument("--party-id", default="SIM", help="the CPO's party_id (default SIM)")
    parser.add_argument("--name", default="CPO Simulator", help="the CPO's business name")
    parser.add_argument("--token-a", help="the token A an eMSP registers with (default: generated and printed)")
    parser.add_argument("--state", metavar="PATH", help="keep the simulator's state in this JSON file")
    parser.add_argument("--register-with", metavar="VERSIONS_URL", help="after starting, register with this eMSP")
    parser.add_argument("--token", metavar="TOKEN_A", help="the eMSP's token A (with --register-with)")
    parser.add_argument(
        "--register-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="keep retrying a registration that fails transiently (eMSP not up yet) this long",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON summary line")


def handle(
    options: Mapping[str, Any],
    *,
    stdout: Writer | None = None,
    stderr: Writer | None = None,
    until: threading.Event | None = None,
) -> int:
    """Run the simulator until Ctrl-C (or ``until`` is set); the exit status: 0, 1 when the
    simulator cannot start or register, 2 for bad options. Messages go to ``stderr``."""
    from ocpi.simulator.simulator import CpoSimulator  # noqa: PLC0415 - needs Django set up (see main)
    from ocpi.simulator.store import StateError  # noqa: PLC0415

    out, err = _writer(stdout, "stdout"), _writer(stderr, "stderr")
    try:
        _check(options)
        simulator = CpoSimulator(
            host=options["host"],
            port=options["port"],
            base_url=options.get("base_url"),
            token_a=options.get("token_a"),
            country_code=options["country_code"],
            party_id=options["party_id"],
            name=options["name"],
            state_path=options.get("state"),
        )
    except (UsageError, StateError, ValueError) as exc:
        _line(err, f"cpo_simulator: {exc}")
        return 2
    try:
        simulator.start()
    except OSError as exc:
        _line(err, f"cpo_simulator: cannot listen on {options['host']}:{options['port']}: {exc.strerror or exc}")
        return 1
    try:
        return _run(simulator, options, out, err, until or threading.Event())
    finally:
        simulator.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """The command outside manage.py; Django settings default to the project's."""
    import django  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="cpo_simulator", description="Run an OCPI 2.1.1 CPO simulator.")
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emsp.settings")
    django.setup()
    return handle(options)


def _check(options: Mapping[str, Any]) -> None:
    if options.get("register_with") and not options.get("token"):
        raise UsageError("--register-with needs --token (the eMSP's token A)")
    if options.get("token") and not options.get("register_with"):
        raise UsageError("--token only goes with --register-with")


def _run(simulator: CpoSimulator, options: Mapping[str, Any], out: Writer, err: Writer, until: threading.Event) -> int:
    outcome: dict[str, Any] | None = None
    if options.get("register_with"):
        outcome = _register(simulator, options, until)
    if options.get("json"):
        _line(out, json.dumps(_summary(simulator, outcome)))
    else:
        _print_human(simulator, outcome, out)
    if outcome is not None and not outcome["ok"]:
        _line(err, f"cpo_simulator: registration failed: {outcome['error']}")
        return 1
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop it
        until.wait()
    return 0


def _register(simulator: CpoSimulator, options: Mapping[str, Any], until: threading.Event) -> dict[str, Any]:
    from ocpi.simulator.handshake import HandshakeError  # noqa: PLC0415

    deadline = time.monotonic() + max(0.0, float(options.get("register_wait") or 0.0))
    while True:
        try:
            registration = simulator.register_with(options["register_with"], options["token"])
        except HandshakeError as exc:
            if exc.transient and time.monotonic() < deadline and not until.wait(1.0):
                continue
            return {"ok": False, "error": exc.message, "ocpi_status": int(exc.status)}
        return {"ok": True, "emsp": _emsp(registration)}


def _summary(simulator: CpoSimulator, outcome: dict[str, Any] | None) -> dict[str, Any]:
    identity = simulator.context.identity
    return {
        "url": simulator.url,
        "versions_url": simulator.versions_url,
        "country_code": identity.country_code,
        "party_id": identity.party_id,
        "name": identity.name,
        "token_a": simulator.token_a,
        "registered": simulator.registered,
        "emsp": _emsp(simulator.registration) if simulator.registration else None,
        "registration": outcome,
    }


def _emsp(registration: Registration) -> dict[str, Any]:
    return {
        "country_code": registration.country_code,
        "party_id": registration.party_id,
        "name": registration.business_details.get("name", ""),
        "versions_url": registration.versions_url,
        "initiated_by": registration.initiated_by,
    }


def _print_human(simulator: CpoSimulator, outcome: dict[str, Any] | None, out: Writer) -> None:
    identity = simulator.context.identity
    _line(out, f"CPO simulator {identity.country_code}/{identity.party_id} ({identity.name}) is running.")
    _line(out, f"  OCPI versions URL: {simulator.versions_url}")
    registration = simulator.registration
    if registration is None:
        _line(out, f"  Token A:           {simulator.token_a}")
    else:
        emsp = f"{registration.country_code}/{registration.party_id} at {registration.versions_url}"
        _line(out, f"  Registered with eMSP {emsp} (token A is spent)")
    if outcome is not None and not outcome["ok"]:
        _line(out, "  Registration failed (see below).")
    _line(out, "Ctrl-C stops it.")


def _writer(given: Writer | None, name: str) -> Writer:
    stream: Writer = given if given is not None else getattr(sys, name)
    return stream


def _line(stream: Writer, text: str) -> None:
    # Django's OutputWrapper adds a newline only when missing: one per line either way.
    stream.write(text + "\n")
    stream.flush()
