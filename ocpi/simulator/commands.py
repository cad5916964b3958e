"""The CPO's commands receiver (reference §4.6.1): ``POST /commands/{command}`` answers a
CommandResponse at once, then, after ``callback_delay`` seconds, POSTs the Charge Point's result
to the request's ``response_url``.

Configurable at run time (``sim.commands``): the synchronous ``response`` (default ACCEPTED),
the async ``result``, the callback ``form`` (``object`` = ``{"result": …}``, ``string`` = the bare
value some 2.1.1 CPOs send, ``none`` = no callback, so the eMSP times out). An accepted
START_SESSION whose result is ACCEPTED starts a live session (PUT to the eMSP) with the token's
``auth_id``; an accepted STOP_SESSION ends one (PUT COMPLETED, POST CDR). An unknown location is
answered 2003, a ``response_url`` the URL rules refuse 2001.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from msgspec import Meta

from ocpi.core.client import OcpiClientError
from ocpi.core.errors import InvalidParameters, ObjectNotFound, OcpiError
from ocpi.core.status import OcpiStatus
from ocpi.core.urlsafety import UnsafeUrl, check_partner_url
from ocpi.core.wire import convert
from ocpi.core.wire_types import Url, WireObject
from ocpi.simulator.live import LiveError
from ocpi.simulator.routing import Handler, Module, Reply, Request, Route
from ocpi.simulator.tokens import Token

logger = logging.getLogger("ocpi.simulator")

CommandType = Literal["RESERVE_NOW", "START_SESSION", "STOP_SESSION", "UNLOCK_CONNECTOR"]
ResponseType = Literal["NOT_SUPPORTED", "REJECTED", "ACCEPTED", "TIMEOUT", "UNKNOWN_SESSION"]
CallbackForm = Literal["object", "string", "none"]
COMMANDS: tuple[str, ...] = ("RESERVE_NOW", "START_SESSION", "STOP_SESSION", "UNLOCK_CONNECTOR")
RESPONSES: tuple[str, ...] = ("NOT_SUPPORTED", "REJECTED", "ACCEPTED", "TIMEOUT", "UNKNOWN_SESSION")
CALLBACK_FORMS: tuple[str, ...] = ("object", "string", "none")
LocationId = Annotated[str, Meta(min_length=1, max_length=39)]


class StartSession(WireObject, kw_only=True):
    response_url: Url
    token: Token
    location_id: LocationId
    evse_uid: Annotated[str, Meta(min_length=1, max_length=39)] | None = None


class StopSession(WireObject, kw_only=True):
    response_url: Url
    session_id: Annotated[str, Meta(min_length=1, max_length=36)]


class ReserveNow(WireObject, kw_only=True):
    response_url: Url
    token: Token
    expiry_date: datetime
    reservation_id: int
    location_id: LocationId
    evse_uid: Annotated[str, Meta(min_length=1, max_length=39)] | None = None


class UnlockConnector(WireObject, kw_only=True):
    response_url: Url
    location_id: LocationId
    evse_uid: Annotated[str, Meta(min_length=1, max_length=39)]
    connector_id: Annotated[str, Meta(min_length=1, max_length=36)]


_BODIES: dict[str, type[WireObject]] = {
    "START_SESSION": StartSession,
    "STOP_SESSION": StopSession,
    "RESERVE_NOW": ReserveNow,
    "UNLOCK_CONNECTOR": UnlockConnector,
}


@dataclass(frozen=True)
class Callback:
    """A result the simulator POSTed (or, with form ``none``, did not) to a ``response_url``."""

    command: str
    response_url: str
    body: Any  # what was sent; None when no callback was sent
    error: str = ""


@dataclass
class CommandsConfig:
    """How the commands receiver behaves; every field may change while the simulator runs."""

    response: str = "ACCEPTED"
    result: str = "ACCEPTED"
    form: str = "object"
    callback_delay: float = 1.0
    # Per command, overriding ``response`` / ``result`` (e.g. START accepted, STOP rejected).
    responses: dict[str, str] = field(default_factory=dict)
    results: dict[str, str] = field(default_factory=dict)
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.check()
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []

    def check(self) -> None:
        for name, value in (("response", self.response), ("result", self.result)):
            if value not in RESPONSES:
                raise ValueError(f"{name}: one of {', '.join(RESPONSES)}, not {value!r}")
        for name, overrides in (("responses", self.responses), ("results", self.results)):
            for command, value in overrides.items():
                if command not in COMMANDS or value not in RESPONSES:
                    raise ValueError(f"{name}: {command!r}: {value!r} is not a command and a CommandResponseType")
        if self.form not in CALLBACK_FORMS:
            raise ValueError(f"form: one of {', '.join(CALLBACK_FORMS)}, not {self.form!r}")
        if self.callback_delay < 0:
            raise ValueError("callback_delay is seconds, not negative")

    def response_for(self, command: str) -> str:
        return self.responses.get(command, self.response)

    def result_for(self, command: str) -> str:
        return self.results.get(command, self.result)

    def record(self, command: str, body: dict[str, Any]) -> None:
        with self._lock:
            self.received.append((command, body))

    def recorded(self, callback: Callback) -> None:
        with self._lock:
            self.callbacks.append(callback)

    def schedule(self, delay: float, action: Any) -> None:
        timer = threading.Timer(delay, action)
        timer.daemon = True
        with self._lock:
            self._timers = [one for one in self._timers if one.is_alive()]
            self._timers.append(timer)
        timer.start()

    def cancel(self) -> None:
        """Drop callbacks not sent yet (the simulator stops)."""
        with self._lock:
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()


def post_command(request: Request) -> Reply:
    command = request.params["command"]
    if command not in _BODIES:
        raise ObjectNotFound(f"Unknown command {command!r}: one of {', '.join(COMMANDS)}")
    if not isinstance(request.data, dict):
        raise InvalidParameters(f"The body must be a {_BODIES[command].__name__} object")
    body = convert(request.data, _BODIES[command])
    try:
        check_partner_url(body.response_url)  # type: ignore[attr-defined]
    except UnsafeUrl as exc:
        raise InvalidParameters(f"response_url: {exc}") from None
    config = request.ctx.commands
    config.record(command, request.data)
    response = _response(request, command, body)
    if response == "ACCEPTED":
        config.schedule(config.callback_delay, lambda: _complete(request, command, body))
    return Reply({"result": response})


def _response(request: Request, command: str, body: Any) -> str:
    """The synchronous answer: unknown locations are 2003; an unknown session UNKNOWN_SESSION."""
    ctx = request.ctx
    _check_place(request, body)
    configured = ctx.commands.response_for(command)
    if command == "STOP_SESSION" and configured == "ACCEPTED" and body.session_id not in ctx.live.active_sessions:
        return "UNKNOWN_SESSION"
    return str(configured)


def _check_place(request: Request, body: Any) -> None:
    """The location, EVSE and connector a command names must exist: 2003 otherwise (§4.6.1)."""
    location_id = getattr(body, "location_id", None)
    if location_id is None:
        return
    found = request.ctx.data.find("locations", location_id)
    if found is None:
        raise OcpiError(f"Unknown location {location_id!r}", status=OcpiStatus.UNKNOWN_LOCATION)
    evse_uid = getattr(body, "evse_uid", None)
    if evse_uid is None:
        return
    evse = next((evse for evse in found[1].get("evses") or () if evse["uid"] == evse_uid), None)
    if evse is None:
        raise OcpiError(f"Unknown EVSE {evse_uid!r} at location {location_id!r}", status=OcpiStatus.UNKNOWN_LOCATION)
    connector_id = getattr(body, "connector_id", None)
    if connector_id is not None and all(connector["id"] != connector_id for connector in evse["connectors"]):
        raise OcpiError(f"Unknown connector {connector_id!r} of EVSE {evse_uid!r}", status=OcpiStatus.UNKNOWN_LOCATION)


def _complete(request: Request, command: str, body: Any) -> None:
    """After the delay: the result to ``response_url``, then what the Charge Point did."""
    ctx, config = request.ctx, request.ctx.commands
    result, form = config.result_for(command), config.form
    _callback(request, command, body.response_url, result, form)
    if result != "ACCEPTED":
        return
    try:
        if command == "START_SESSION":
            ctx.live.start_session(auth_id=body.token.auth_id, location_id=body.location_id, evse_uid=body.evse_uid)
        elif command == "STOP_SESSION":
            ctx.live.stop_session(body.session_id)
    except LiveError as exc:
        logger.warning("Command %s accepted but not carried out: %s", command, exc)


def _callback(request: Request, command: str, url: str, result: str, form: str) -> None:
    ctx = request.ctx
    if form == "none":
        ctx.commands.recorded(Callback(command, url, None))
        return
    payload: Any = {"result": result} if form == "object" else result
    registration = ctx.store.registration
    error = ""
    try:
        if registration is None:
            raise OcpiError("the simulator is no longer registered")
        ctx.client(registration.token).post(url, payload)
    except (OcpiClientError, OcpiError) as exc:
        error = str(exc)
        logger.warning("Command %s: the result callback failed: %s", command, exc)
    ctx.commands.recorded(Callback(command, url, payload, error))


MODULE = Module("commands", routes=(Route("/{command}", {"POST": Handler(post_command)}),))
