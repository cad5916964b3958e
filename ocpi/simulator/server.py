"""The simulator's HTTP server: threaded (the eMSP calls back while its own request is open),
HTTP/1.1 keep-alive, an OCPI envelope on every answer, errors included.

A request passes, in order: ``Authorization`` (401), the route (404, 405), the token's role
(401), the JSON body (400/2001), then the view. Views raise ``ocpi.core.errors`` exceptions.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import msgspec

from ocpi.core.envelope import envelope
from ocpi.core.errors import InvalidParameters, MethodNotAllowed, ObjectNotFound, OcpiError, Unauthorized
from ocpi.core.status import OcpiStatus, http_status_for
from ocpi.simulator import versions
from ocpi.simulator.context import BASE_PATH, VERSION, Context
from ocpi.simulator.routing import NO_DATA, Reply, Request, Route, Router
from ocpi.simulator.senders import DropConnection
from ocpi.simulator.store import HandshakeBusy, TokenRole

logger = logging.getLogger("ocpi.simulator")

MAX_BODY_BYTES = 10 * 1024 * 1024
REQUEST_LOG_SIZE = 10_000

_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,64}")
_BASE64_RE = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_CHALLENGE = {"WWW-Authenticate": "Token"}


@dataclass(frozen=True)
class LoggedRequest:
    """One request the simulator answered: no token, no body. ``status`` 0: dropped unanswered
    (fault mode "timeouts")."""

    method: str
    path: str
    status: int
    ocpi_status: int


class RequestLog:
    """The most recent requests, oldest first."""

    def __init__(self, size: int = REQUEST_LOG_SIZE) -> None:
        self._lock = threading.Lock()
        self._entries: deque[LoggedRequest] = deque(maxlen=size)

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def build_router(ctx: Context) -> Router:
    routes: list[tuple[str, Route]] = [(mount + route.path, route) for mount, route in versions.ROUTES]
    for module in ctx.modules:
        mount = f"{BASE_PATH}/{VERSION}/{module.identifier}"
        routes.extend((mount + route.path, route) for route in module.routes)
    return Router(routes)


class SimulatorHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], ctx: Context, log: RequestLog) -> None:
        self.ctx = ctx
        self.router = build_router(ctx)
        self.log = log
        super().__init__(address, _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY, Nagle holds the body until the
    # client's delayed ACK (40 ms per request on keep-alive connections).
    disable_nagle_algorithm = True
    server: SimulatorHttpServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        path = urlsplit(self.path).path
        try:
            reply = self._dispatch()
        except DropConnection:
            # Fault mode "timeouts": the client gets no answer at all.
            self.server.log.add(LoggedRequest(self.command, path, 0, 0))
            self.close_connection = True
            return
        except OcpiError as exc:
            reply = Reply(status=exc.status, message=exc.message, http_status=exc.http_status, headers=exc.headers)
        except HandshakeBusy as exc:
            reply = Reply(status=OcpiStatus.SERVER_ERROR, message=str(exc), http_status=503)
        except Exception:
            logger.exception("Simulator failed on %s %s", self.command, path)
            reply = Reply(status=OcpiStatus.SERVER_ERROR, message="Internal server error")
        http_status = reply.http_status or http_status_for(reply.status)
        self.server.log.add(LoggedRequest(self.command, path, http_status, int(reply.status)))
        logger.debug("%s %s: HTTP %s, OCPI %s", self.command, path, http_status, int(reply.status))
        self._send(reply, http_status)

    def _dispatch(self) -> Reply:
        body = self._read_body()
        target = urlsplit(self.path)
        ctx = self.server.ctx
        token, role = _authenticate(self.headers.get("Authorization"), ctx)
        matched = self.server.router.match(target.path)
        if matched is None:
            raise ObjectNotFound(f"Nothing here: {target.path}")
        route, params = matched
        handler = route.methods.get(self.command)
        if handler is None:
            raise MethodNotAllowed(f"{self.command} is not allowed here", headers={"Allow": ", ".join(route.methods)})
        if role not in handler.roles:
            raise Unauthorized("This token may not be used here", headers=_CHALLENGE)
        request = Request(
            method=self.command,
            path=target.path,
            query=dict(parse_qsl(target.query, keep_blank_values=True)),
            headers=self.headers,
            body=body,
            data=_json(body),
            params=params,
            token=token,
            role=role,
            ctx=ctx,
        )
        return handler.view(request)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise OcpiError("Chunked bodies are not supported: send Content-Length", http_status=411)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise InvalidParameters("Content-Length is not a number") from None
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise OcpiError(f"The body exceeds {MAX_BODY_BYTES} bytes", http_status=413)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, reply: Reply, http_status: int) -> None:
        if reply.data is NO_DATA:
            body = envelope(status=reply.status, message=reply.message)
        else:
            body = envelope(reply.data, status=reply.status, message=reply.message)
        payload = msgspec.json.encode(body)
        try:
            self.send_response(http_status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: ``_serve`` logs each request without headers (tokens stay out of logs)."""


def _authenticate(header: str | None, ctx: Context) -> tuple[str, TokenRole]:
    """``Token <token>``, the token raw (2.1.1) or in Base64 (2.2.1 habit), as the simulator knows it."""
    scheme, _, presented = (header or "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "token" or not presented:
        raise Unauthorized("Authorization header must be 'Token <credentials token>'", headers=_CHALLENGE)
    for candidate in (presented, _from_base64(presented)):
        role = ctx.store.role_of(candidate) if candidate else None
        if candidate and role is not None:
            return candidate, role
    raise Unauthorized("Unknown credentials token", headers=_CHALLENGE)


def _from_base64(presented: str) -> str | None:
    if len(presented) % 4 or not _BASE64_RE.fullmatch(presented):
        return None
    try:
        decoded = base64.b64decode(presented, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if _TOKEN_RE.fullmatch(decoded) else None


def _json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidParameters(f"The body is not valid JSON: {exc}") from None
