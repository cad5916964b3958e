"""The CPO's sender interfaces the eMSP pulls from (reference §4.1.2, 4.2.2, 4.3.2, 4.4.2): a
paginated GET list per module, and the single Location, EVSE and Connector GETs.

Lists: ``offset``/``limit`` (capped by the fault modes' ``page_cap``, applied value in
``X-Limit``), ``date_from`` inclusive / ``date_to`` exclusive on ``last_updated``,
``X-Total-Count``, and an absolute ``Link`` to the next page keeping every parameter. Sessions
need ``date_from`` (2.1.1). Every fault mode of ``faults.py`` applies here.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import urlencode

from ocpi.core.errors import InvalidParameters, ObjectNotFound, OcpiError
from ocpi.core.pagination import PageRequest, parse_page_request
from ocpi.core.status import OcpiStatus
from ocpi.simulator.context import Context
from ocpi.simulator.routing import Handler, Module, Reply, Request, Route


class DropConnection(Exception):
    """Fault mode "timeouts": close the connection without an answer."""


def _apply_faults(request: Request) -> None:
    faults = request.ctx.faults
    if faults.timeouts.hit():
        # Hang past the client's read timeout; a stopping simulator ends the wait at once.
        request.ctx.stopping.wait(faults.hang)
        raise DropConnection
    if faults.delay > 0:
        request.ctx.stopping.wait(faults.delay)
    if faults.errors.hit():
        raise OcpiError("Simulated failure (fault mode)", status=OcpiStatus.SERVER_ERROR, http_status=503)


def _list_view(module: str) -> Any:
    def view(request: Request) -> Reply:
        _apply_faults(request)
        ctx = request.ctx
        cap = ctx.faults.page_cap
        page_request = parse_page_request(dict(request.query), default_limit=cap, max_limit=cap)
        if module == "sessions" and page_request.date_from is None:
            raise InvalidParameters("date_from: required for the Sessions list (OCPI 2.1.1)")
        page = ctx.data[module].page(
            offset=page_request.offset,
            limit=page_request.limit,
            date_from=page_request.date_from.timestamp() if page_request.date_from else None,
            date_to=page_request.date_to.timestamp() if page_request.date_to else None,
        )
        share = ctx.faults.malformed_share
        objects = [
            ctx.data.broken(module, obj) if ctx.data.is_malformed(module, index, share) else obj
            for index, obj in page.items
        ]
        headers = _page_headers(ctx, module, request, page_request, served=len(objects), total=page.total)
        _churn(ctx, module)
        return Reply(objects, headers=headers)

    view.__name__ = f"get_{module}"
    return view


def _page_headers(
    ctx: Context, module: str, request: Request, page_request: PageRequest, *, served: int, total: int
) -> dict[str, str]:
    headers = {"X-Total-Count": str(total), "X-Limit": str(page_request.limit)}
    following = page_request.offset + served
    if ctx.faults.link and served and following < total:
        params = {**request.query, "offset": str(following), "limit": str(page_request.limit)}
        headers["Link"] = f'<{ctx.module_url(module)}?{urlencode(params)}>; rel="next"'
    return headers


_churn_lock = threading.Lock()


def _churn(ctx: Context, module: str) -> None:
    """Fault mode "churn": objects inserted and removed while a client crawls the list."""
    count = ctx.faults.churn
    if not count:
        return
    collection = ctx.data[module]
    now = int(time.time())
    with _churn_lock:
        for _ in range(count):
            for _attempt in range(100):  # an index already removed is drawn again
                if not len(collection) or collection.remove(ctx.faults.pick(collection.end)):
                    break
            collection.insert(lambda index: ctx.data.fresh(module, index, now), epoch=now)


# --- single objects of Locations ------------------------------------------------------------


def get_location(request: Request) -> Reply:
    _apply_faults(request)
    return Reply(_location(request))


def get_evse(request: Request) -> Reply:
    _apply_faults(request)
    return Reply(_evse(_location(request), request.params["evse_uid"]))


def get_connector(request: Request) -> Reply:
    _apply_faults(request)
    evse = _evse(_location(request), request.params["evse_uid"])
    connector_id = request.params["connector_id"]
    found = next((one for one in evse["connectors"] if one["id"] == connector_id), None)
    if found is None:
        raise ObjectNotFound(f"Unknown connector {connector_id!r} of EVSE {evse['uid']!r}")
    return Reply(found)


def _location(request: Request) -> dict[str, Any]:
    location_id = request.params["location_id"]
    found = request.ctx.data.find("locations", location_id)
    if found is None:
        raise ObjectNotFound(f"Unknown location {location_id!r}")
    return found[1]


def _evse(location: dict[str, Any], evse_uid: str) -> dict[str, Any]:
    found = next((evse for evse in location.get("evses") or () if evse["uid"] == evse_uid), None)
    if found is None:
        raise ObjectNotFound(f"Unknown EVSE {evse_uid!r} at location {location['id']!r}")
    return dict(found)


def _list_module(identifier: str, *routes: Route) -> Module:
    return Module(identifier, routes=(Route("", {"GET": Handler(_list_view(identifier))}), *routes))


LOCATIONS = _list_module(
    "locations",
    Route("/{location_id}", {"GET": Handler(get_location)}),
    Route("/{location_id}/{evse_uid}", {"GET": Handler(get_evse)}),
    Route("/{location_id}/{evse_uid}/{connector_id}", {"GET": Handler(get_connector)}),
)
SESSIONS = _list_module("sessions")
CDRS = _list_module("cdrs")
TARIFFS = _list_module("tariffs")
