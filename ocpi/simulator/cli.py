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
    _data_arguments(parser.add_argument_group("generated data (the same seed gives the same objects)"))
    _fault_arguments(parser.add_argument_group("fault modes of the sender interfaces"))
    _receiver_arguments(parser.add_argument_group("tokens and commands receivers"))


def _data_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    group.add_argument("--locations", type=int, default=25, metavar="N", help="locations (default 25)")
    group.add_argument(
        "--evses-per-location", type=float, default=2.5, metavar="F", help="EVSEs per location on average (2.5)"
    )
    group.add_argument("--sessions", type=int, default=100, metavar="N", help="finished sessions (default 100)")
    group.add_argument("--cdrs", type=int, default=100, metavar="N", help="CDRs (default 100)")
    group.add_argument("--tariffs", type=int, default=4, metavar="N", help="tariffs (default 4)")
    group.add_argument(
        "--live", action="store_true", help="play sessions, EVSE status and tariff changes into the registered eMSP"
    )
    group.add_argument("--live-interval", type=float, default=5.0, metavar="SECONDS", help="live mode step (5)")


def _fault_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--delay", type=float, default=0.0, metavar="SECONDS", help="answer this much later")
    group.add_argument("--error-share", type=float, default=0.0, metavar="F", help="share answered HTTP 503")
    group.add_argument("--timeout-share", type=float, default=0.0, metavar="F", help="share never answered")
    group.add_argument("--hang", type=float, default=60.0, metavar="SECONDS", help="how long a timeout hangs (60)")
    group.add_argument("--malformed-share", type=float, default=0.0, metavar="F", help="share of broken objects")
    group.add_argument("--page-cap", type=int, default=1000, metavar="N", help="most objects per page (1000)")
    group.add_argument("--churn", type=int, default=0, metavar="N", help="objects inserted and removed per page")
    group.add_argument("--no-link", action="store_true", help="never send Link (clients page by offset)")
    group.add_argument(
        "--fault-mode",
        choices=("spread", "random"),
        default="spread",
        help="shares hit evenly (spread, default) or at random from --fault-seed",
    )
    group.add_argument("--fault-seed", type=int, default=0, metavar="N", help="seed of random faults and churn")


def _receiver_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--tokens-fail-share", type=float, default=0.0, metavar="F", help="share of token calls 503")
    group.add_argument(
        "--tokens-respect-last-updated", action="store_true", help="ignore token writes older than the stored one"
    )
    responses = ("ACCEPTED", "REJECTED", "NOT_SUPPORTED", "UNKNOWN_SESSION", "TIMEOUT")
    group.add_argument("--command-response", choices=responses, default="ACCEPTED", help="the answer (ACCEPTED)")
    group.add_argument("--command-result", choices=responses, default="ACCEPTED", help="the result (ACCEPTED)")
    group.add_argument(
        "--command-callback",
        choices=("object", "string", "none"),
        default="object",
        help='the result as {"result": ...} (object), a bare string, or none at all',
    )
    group.add_argument("--command-delay", type=float, default=1.0, metavar="SECONDS", help="result after (1 s)")


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
            **_behaviour(options),
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


def _behaviour(options: Mapping[str, Any]) -> dict[str, Any]:
    """The data set, fault modes and receivers' settings the options ask for; ValueError when
    one is impossible."""
    from ocpi.simulator.commands import CommandsConfig  # noqa: PLC0415 - needs Django set up
    from ocpi.simulator.faults import Faults, Share  # noqa: PLC0415
    from ocpi.simulator.generate import Dataset  # noqa: PLC0415
    from ocpi.simulator.tokens import TokenStore  # noqa: PLC0415

    def get(name: str, default: Any) -> Any:
        value = options.get(name)
        return default if value is None else value

    mode, fault_seed = get("fault_mode", "spread"), get("fault_seed", 0)
    dataset = Dataset(
        seed=get("seed", 1),
        locations=get("locations", 25),
        evses_per_location=get("evses_per_location", 2.5),
        sessions=get("sessions", 100),
        cdrs=get("cdrs", 100),
        tariffs=get("tariffs", 4),
        country_code=options["country_code"],
        party_id=options["party_id"],
        operator=options["name"],
    )
    faults = Faults(
        delay=get("delay", 0.0),
        errors=Share(get("error_share", 0.0), mode=mode, seed=fault_seed),
        timeouts=Share(get("timeout_share", 0.0), mode=mode, seed=fault_seed + 1),
        hang=get("hang", 60.0),
        malformed_share=get("malformed_share", 0.0),
        page_cap=get("page_cap", 1000),
        churn=get("churn", 0),
        link=not options.get("no_link"),
        seed=fault_seed,
    )
    tokens = TokenStore(respect_last_updated=bool(options.get("tokens_respect_last_updated")))
    tokens.failures.configure(get("tokens_fail_share", 0.0), mode=mode, seed=fault_seed + 2)
    commands = CommandsConfig(
        response=get("command_response", "ACCEPTED"),
        result=get("command_result", "ACCEPTED"),
        form=get("command_callback", "object"),
        callback_delay=get("command_delay", 1.0),
    )
    return {"dataset": dataset, "faults": faults, "tokens": tokens, "commands": commands}


def _check(options: Mapping[str, Any]) -> None:
    if options.get("register_with") and not options.get("token"):
        raise UsageError("--register-with needs --token (the eMSP's token A)")
    if options.get("token") and not options.get("register_with"):
        raise UsageError("--token only goes with --register-with")


def _run(simulator: CpoSimulator, options: Mapping[str, Any], out: Writer, err: Writer, until: threading.Event) -> int:
    outcome: dict[str, Any] | None = None
    if options.get("register_with"):
        outcome = _register(simulator, options, until)
    if options.get("live") and (outcome is None or outcome["ok"]):
        simulator.live.run(float(options.get("live_interval") or 5.0))
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
    identity, dataset = simulator.context.identity, simulator.data.dataset
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
        "data": {
            "seed": dataset.seed,
            "locations": dataset.locations,
            "evses": dataset.evses,
            "sessions": dataset.sessions,
            "cdrs": dataset.cdrs,
            "tariffs": dataset.tariffs,
        },
        "live": bool(simulator.live.running),
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
    dataset = simulator.data.dataset
    _line(
        out,
        f"  Data (seed {dataset.seed}):     {dataset.locations} locations, {dataset.evses} EVSEs,"
        f" {dataset.sessions} sessions, {dataset.cdrs} CDRs, {dataset.tariffs} tariffs",
    )
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
