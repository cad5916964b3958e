"""Live mode: the network in use, pushed to the registered eMSP as a CPO would (reference §4.1–4.4
"CPO pushes"): a session is PUT when it starts, PATCHed with kWh and a new charging period while
it runs, PUT again COMPLETED when it ends, and its CDR POSTed; EVSE status changes are PATCHed
and tariff changes PUT. The simulator's own lists change the same way, so a pull sees it too.

Use it step by step (``start_session``, ``advance_session``, ``stop_session``, ``push_evse_status``,
``push_tariff``, ``tick``) or let ``run(interval)`` play it on a thread. A push that fails is
logged and kept in ``failures`` (OCPI pushes are not re-sent, §1.6: the eMSP's pull catches up).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ocpi.core.client import OcpiClientError
from ocpi.simulator.context import Context
from ocpi.simulator.generate import iso, price

logger = logging.getLogger("ocpi.simulator")

ACTIVE_SESSIONS = 3  # what ``tick`` keeps charging at once


class LiveError(RuntimeError):
    """A live action that cannot happen (unknown location, EVSE or session)."""


@dataclass(frozen=True)
class Push:
    """One push to the eMSP and how it went (``error`` empty when it succeeded;
    ``fell_back``: a PATCH the eMSP did not know the object for, followed by a PUT)."""

    method: str
    module: str
    url: str
    error: str = ""
    fell_back: bool = False


@dataclass
class _Running:
    index: int
    session: dict[str, Any]
    location_index: int
    evse_uid: str
    tariff: dict[str, Any]
    periods_left: int
    started: int


@dataclass
class _State:
    running: dict[str, _Running] = field(default_factory=dict)
    # The most recent pushes: a demo runs for days.
    pushes: deque[Push] = field(default_factory=lambda: deque(maxlen=10_000))


class LiveMode:
    """Plays session lifecycles, EVSE status and tariff changes into the registered eMSP."""

    def __init__(self, ctx: Context, *, seed: int = 0) -> None:
        self.ctx = ctx
        self._random = random.Random(seed)  # noqa: S311 - a reproducible play, not crypto
        self._lock = threading.RLock()
        self._state = _State()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # --- what happened ------------------------------------------------------------------

    @property
    def pushes(self) -> list[Push]:
        with self._lock:
            return list(self._state.pushes)

    @property
    def failures(self) -> list[Push]:
        """Pushes that failed (a PATCH answered 404 and followed by a PUT is not one)."""
        return [push for push in self.pushes if push.error and not push.fell_back]

    @property
    def active_sessions(self) -> list[str]:
        with self._lock:
            return list(self._state.running)

    # --- sessions -----------------------------------------------------------------------

    def start_session(
        self, *, auth_id: str, location_id: str | None = None, evse_uid: str | None = None
    ) -> dict[str, Any]:
        """A session starts now at the location and EVSE (chosen when not given): PUT to the eMSP,
        and the EVSE turns CHARGING."""
        location_index, location = self._location(location_id)
        evse = self._evse(location, evse_uid)
        connector = evse["connectors"][0]
        tariff = self._tariff(connector.get("tariff_id"))
        now = _now()
        sessions = self.ctx.data["sessions"]
        session_location = {**location, "evses": [{**evse, "status": "CHARGING", "connectors": [connector]}]}
        index, session = sessions.insert(
            lambda index: {
                "id": self.ctx.data.dataset.session_id(index),
                "start_datetime": iso(now),
                "kwh": 0.0,
                "auth_id": auth_id,
                "auth_method": "AUTH_REQUEST",
                "location": session_location,
                "currency": "EUR",
                "charging_periods": [],
                "total_cost": 0.0,
                "status": "ACTIVE",
                "last_updated": iso(now),
            },
            epoch=now,
        )
        running = _Running(index, session, location_index, evse["uid"], tariff, self._random.randint(2, 4), now)
        with self._lock:
            self._state.running[session["id"]] = running
        self._push("PUT", "sessions", f"/{session['id']}", session)
        self.push_evse_status(location_id=location["id"], evse_uid=evse["uid"], status="CHARGING")
        return dict(session)

    def advance_session(self, session_id: str, *, kwh: float | None = None) -> dict[str, Any]:
        """A new charging period: PATCH kWh, cost and the period (the eMSP appends periods)."""
        running = self._running(session_id)
        now = max(_now(), running.started + 1)
        added = round(kwh if kwh is not None else self._random.uniform(0.5, 3.0), 3)
        period = {"start_date_time": iso(now), "dimensions": [{"type": "ENERGY", "volume": added}]}
        session = running.session
        total = round(session["kwh"] + added, 3)
        cost = price(running.tariff, kwh=total, seconds=now - running.started)
        session = {
            **session,
            "kwh": total,
            "charging_periods": [*session["charging_periods"], period],
            "total_cost": cost,
            "last_updated": iso(now),
        }
        self._store_session(running, session, now)
        patch = {"kwh": total, "charging_periods": [period], "total_cost": cost, "last_updated": iso(now)}
        self._push("PATCH", "sessions", f"/{session_id}", patch, otherwise_put=(f"/{session_id}", session))
        return dict(session)

    def stop_session(self, session_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The session ends: PUT COMPLETED, POST its CDR, and the EVSE is AVAILABLE again."""
        running = self._running(session_id)
        if not running.session["charging_periods"]:
            self.advance_session(session_id)
        now = max(_now(), running.started + 1)
        session = {**running.session, "end_datetime": iso(now), "status": "COMPLETED", "last_updated": iso(now)}
        self._store_session(running, session, now)
        with self._lock:
            self._state.running.pop(session_id, None)
        self._push("PUT", "sessions", f"/{session_id}", session)
        cdr = self._cdr(running, session, now)
        self._push("POST", "cdrs", "", cdr)
        location_id = self.ctx.data.dataset.location_id(running.location_index)
        self.push_evse_status(location_id=location_id, evse_uid=running.evse_uid, status="AVAILABLE")
        return dict(session), cdr

    def _cdr(self, running: _Running, session: dict[str, Any], now: int) -> dict[str, Any]:
        seconds = now - running.started
        _, cdr = self.ctx.data["cdrs"].insert(
            lambda index: {
                "id": self.ctx.data.dataset.cdr_id(index),
                "start_date_time": session["start_datetime"],
                "stop_date_time": session["end_datetime"],
                "auth_id": session["auth_id"],
                "auth_method": session["auth_method"],
                "location": {
                    **session["location"],
                    "evses": [{**session["location"]["evses"][0], "status": "AVAILABLE"}],
                },
                "currency": "EUR",
                "tariffs": [running.tariff],
                "charging_periods": session["charging_periods"],
                "total_cost": price(running.tariff, kwh=session["kwh"], seconds=seconds),
                "total_energy": session["kwh"],
                "total_time": round(seconds / 3600, 4),
                "last_updated": iso(now),
            },
            epoch=now,
        )
        return cdr

    def _store_session(self, running: _Running, session: dict[str, Any], now: int) -> None:
        running.session = session
        self.ctx.data["sessions"].put(running.index, session, epoch=now)

    def _running(self, session_id: str) -> _Running:
        with self._lock:
            running = self._state.running.get(session_id)
        if running is None:
            raise LiveError(f"no active session {session_id!r}")
        return running

    # --- locations and tariffs ------------------------------------------------------------

    def push_evse_status(self, *, location_id: str, evse_uid: str, status: str) -> dict[str, Any]:
        """The EVSE's status changes: PATCH ``{status, last_updated}`` at EVSE level."""
        index, location = self._location(location_id)
        self._evse(location, evse_uid)  # raises for an unknown EVSE
        now = _now()
        evses = [
            {**evse, "status": status, "last_updated": iso(now)} if evse["uid"] == evse_uid else evse
            for evse in location["evses"]
        ]
        changed = {**location, "evses": evses, "last_updated": iso(now)}
        self.ctx.data["locations"].put(index, changed, epoch=now)
        patch = {"status": status, "last_updated": iso(now)}
        self._push(
            "PATCH", "locations", f"/{location_id}/{evse_uid}", patch, otherwise_put=(f"/{location_id}", changed)
        )
        return next(evse for evse in evses if evse["uid"] == evse_uid)

    def push_tariff(self, tariff_id: str) -> dict[str, Any]:
        """The tariff's prices change: the new Tariff is PUT."""
        found = self.ctx.data.find("tariffs", tariff_id)
        if found is None:
            raise LiveError(f"no tariff {tariff_id!r}")
        index, current = found
        now = _now()
        revision = round(current["elements"][0]["price_components"][0]["price"] * 100) % 7 + 1
        tariff = self.ctx.data.dataset.tariff(index, revision=revision, last_updated=now)
        tariff["id"] = current["id"]
        self.ctx.data["tariffs"].put(index, tariff, epoch=now)
        self._push("PUT", "tariffs", f"/{tariff_id}", tariff)
        return tariff

    # --- play -----------------------------------------------------------------------------

    def tick(self) -> None:
        """One step of the play: sessions start, charge and end; now and then an EVSE status or
        a tariff changes."""
        for session_id in self.active_sessions:
            running = self._running(session_id)
            if running.periods_left > 0:
                running.periods_left -= 1
                self.advance_session(session_id)
            else:
                self.stop_session(session_id)
        if len(self.active_sessions) < ACTIVE_SESSIONS and self.ctx.data.dataset.locations:
            self.start_session(auth_id=f"NL-EMS-C{self._random.randrange(10**7):07d}-X")
        if self._random.random() < 0.3:
            self._random_status_change()
        if self._random.random() < 0.05:
            self.push_tariff(self.ctx.data.dataset.tariff_id(self._random.randrange(self.ctx.data.dataset.tariffs)))

    @property
    def running(self) -> bool:
        return self._thread is not None

    def run(self, interval: float = 5.0) -> None:
        """Play ``tick`` every ``interval`` seconds on a thread until ``stop()``."""
        if self._thread is not None:
            raise RuntimeError("live mode is already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(interval,), name="cpo-simulator-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=30)

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.tick()
            except Exception:  # the play goes on; the reason is in the log
                logger.exception("Live mode step failed")

    def _random_status_change(self) -> None:
        dataset = self.ctx.data.dataset
        if not dataset.locations:
            return
        _, location = self._location(dataset.location_id(self._random.randrange(dataset.locations)))
        evse = self._random.choice(location["evses"])
        if evse["status"] in ("AVAILABLE", "OUTOFORDER", "UNKNOWN"):
            status = self._random.choice(("AVAILABLE", "OUTOFORDER", "INOPERATIVE", "UNKNOWN"))
            self.push_evse_status(location_id=location["id"], evse_uid=evse["uid"], status=status)

    # --- helpers --------------------------------------------------------------------------

    def _location(self, location_id: str | None) -> tuple[int, dict[str, Any]]:
        data = self.ctx.data
        if location_id is None:
            if not data.dataset.locations:
                raise LiveError("the simulator has no locations")
            location_id = data.dataset.location_id(self._random.randrange(data.dataset.locations))
        found = data.find("locations", location_id)
        if found is None:
            raise LiveError(f"no location {location_id!r}")
        return found

    def _evse(self, location: dict[str, Any], evse_uid: str | None) -> dict[str, Any]:
        evses = location.get("evses") or []
        if evse_uid is None:
            free = [evse for evse in evses if evse["status"] == "AVAILABLE"] or evses
            if not free:
                raise LiveError(f"location {location['id']!r} has no EVSE")
            return dict(self._random.choice(free))
        found = next((evse for evse in evses if evse["uid"] == evse_uid), None)
        if found is None:
            raise LiveError(f"no EVSE {evse_uid!r} at location {location['id']!r}")
        return dict(found)

    def _tariff(self, tariff_id: str | None) -> dict[str, Any]:
        found = self.ctx.data.find("tariffs", tariff_id or "")
        return found[1] if found else self.ctx.data.dataset.tariff(0)

    def _push(
        self,
        method: str,
        module: str,
        suffix: str,
        body: dict[str, Any],
        *,
        otherwise_put: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Send one push; ``otherwise_put`` (suffix, full object) is PUT when the eMSP answers
        a PATCH with 404: it does not know the object yet (DESIGN.md §4)."""
        registration = self.ctx.store.registration
        endpoint = registration.endpoints.get(module) if registration else None
        if registration is None or endpoint is None:
            # Not registered, or the eMSP has no receiver for this module: the pull is the way.
            return
        identity = self.ctx.identity
        base = endpoint.rstrip("/") + ("" if module == "cdrs" else f"/{identity.country_code}/{identity.party_id}")
        error = ""
        try:
            self.ctx.client(registration.token).request(method, base + suffix, body=body)
        except OcpiClientError as exc:
            error = str(exc)
            if otherwise_put is not None and getattr(exc, "http_status", None) == 404:
                self._record(Push(method, module, base + suffix, error, fell_back=True))
                self._push("PUT", module, otherwise_put[0], otherwise_put[1])
                return
            logger.warning("Live mode: %s %s failed: %s", method, module, exc)
        self._record(Push(method, module, base + suffix, error))

    def _record(self, push: Push) -> None:
        with self._lock:
            self._state.pushes.append(push)


def _now() -> int:
    return int(time.time())
