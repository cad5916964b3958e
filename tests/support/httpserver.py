"""A small scripted HTTP server on 127.0.0.1 for tests that need real HTTP (STYLE habit 9).

A test queues the replies a path gives, in order (``enqueue``), or routes a path to a function
that builds the reply from the request (``route``); queued replies win over a route. Every
request is recorded. A request nothing was scripted for is answered 404 and also kept in
``unexpected``.

    with ScriptedServer() as server:
        server.enqueue("/versions", Reply.ocpi([...]), Reply(status=503))
        ...
        assert server.received_on("/versions")[0].headers["Authorization"] == "Token abc"

The ``http_server`` fixture yields a started server; test modules use it by importing it or
by listing this module in ``pytest_plugins``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

_ABSENT: Any = object()


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``delay`` (seconds) passes before anything is sent; ``drop`` closes
    the connection without answering, after the request was read."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False

    @classmethod
    def json(
        cls, payload: Any, *, status: int = 200, headers: Mapping[str, str] | None = None, delay: float = 0.0
    ) -> Reply:
        merged = {"Content-Type": "application/json", **(headers or {})}
        return cls(status=status, body=json.dumps(payload).encode(), headers=merged, delay=delay)

    @classmethod
    def ocpi(
        cls,
        data: Any = _ABSENT,
        *,
        status_code: int = 1000,
        status_message: str | None = "Success",
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
    ) -> Reply:
        """An OCPI envelope; ``data`` is left out when not given."""
        envelope: dict[str, Any] = {} if data is _ABSENT else {"data": data}
        envelope["status_code"] = status_code
        if status_message is not None:
            envelope["status_message"] = status_message
        envelope["timestamp"] = "2024-01-01T00:00:00Z"
        return cls.json(envelope, status=status, headers=headers, delay=delay)

    @classmethod
    def dropped(cls, *, delay: float = 0.0) -> Reply:
        return cls(drop=True, delay=delay)


@dataclass(frozen=True)
class ReceivedRequest:
    """A request as the server read it. ``headers`` looks names up case-insensitively."""

    method: str
    path: str
    query_string: str
    headers: Message
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        """The query parameters, the last value of each."""
        return {name: values[-1] for name, values in parse_qs(self.query_string, keep_blank_values=True).items()}

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query_string}" if self.query_string else self.path

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[ReceivedRequest], Reply]
_Key = tuple[str | None, str]


class ScriptedServer:
    """A threaded HTTP/1.1 server (keep-alive, as real partners) answering scripted replies."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._httpd = _HttpServer((host, 0), _RequestHandler)
        self._httpd.script = self
        self._lock = threading.Lock()
        self._queues: dict[_Key, deque[Reply]] = {}
        self._routes: dict[_Key, Handler] = {}
        self._received: list[ReceivedRequest] = []
        self._unexpected: list[ReceivedRequest] = []
        self.stopping = threading.Event()  # wakes delayed replies when the server stops
        # A short poll interval: stop() waits for the serving loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="scripted-http", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def enqueue(self, path: str, *replies: Reply, method: str | None = None) -> None:
        """Answer the next requests to ``path`` (any method unless given) with ``replies``."""
        with self._lock:
            self._queues.setdefault(_key(method, path), deque()).extend(replies)

    def route(self, path: str, handler: Handler, *, method: str | None = None) -> None:
        """Answer every request to ``path`` that no queued reply takes with ``handler(request)``."""
        with self._lock:
            self._routes[_key(method, path)] = handler

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    @property
    def unexpected(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._unexpected)

    def received_on(self, path: str, method: str | None = None) -> list[ReceivedRequest]:
        return [r for r in self.received if r.path == path and (method is None or r.method == method.upper())]

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def reply_for(self, request: ReceivedRequest) -> Reply:
        """Record ``request`` and pick its reply (called from the server's threads)."""
        with self._lock:
            self._received.append(request)
            for key in (_key(request.method, request.path), _key(None, request.path)):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
            handler = self._routes.get(_key(request.method, request.path)) or self._routes.get(_key(None, request.path))
            if handler is None:
                self._unexpected.append(request)
                return Reply.json(
                    {"status_code": 2000, "status_message": f"nothing scripted for {request.target}"}, status=404
                )
        # Outside the lock: a handler may be slow or look at what was received.
        return handler(request)


def _key(method: str | None, path: str) -> _Key:
    return (method.upper() if method else None, path)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    script: ScriptedServer


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer

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
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = urlsplit(self.path)
        request = ReceivedRequest(self.command, target.path, target.query, self.headers, body)
        reply = self.server.script.reply_for(request)
        if reply.delay:
            self.server.script.stopping.wait(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a timeout test)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows what matters."""


@pytest.fixture
def http_server() -> Iterator[ScriptedServer]:
    """A started ``ScriptedServer``, stopped after the test."""
    with ScriptedServer() as server:
        yield server
