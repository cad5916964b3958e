"""GET versions and version details (reference §2): every token role may read them, so the
eMSP can discover the simulator with token A and call back with a pending token."""

from __future__ import annotations

from ocpi.simulator.context import BASE_PATH, VERSION
from ocpi.simulator.routing import ANY_TOKEN, Handler, Reply, Request, Route
from partners.schemas import Endpoint, Version, VersionDetails


def get_versions(request: Request) -> Reply:
    return Reply([Version(version=VERSION, url=request.ctx.version_url)])


def get_version_details(request: Request) -> Reply:
    ctx = request.ctx
    endpoints = [
        Endpoint(identifier=module.identifier, url=ctx.module_url(module.identifier)) for module in ctx.modules
    ]
    return Reply(VersionDetails(version=VERSION, endpoints=endpoints))


ROUTES = (
    (f"{BASE_PATH}/versions", Route("", {"GET": Handler(get_versions, roles=ANY_TOKEN)})),
    (f"{BASE_PATH}/{VERSION}", Route("", {"GET": Handler(get_version_details, roles=ANY_TOKEN)})),
)
