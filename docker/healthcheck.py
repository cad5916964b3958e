#!/usr/bin/env python3
"""Docker HEALTHCHECK for the eMSP image. Standard library only: exit 0 healthy, 1 unhealthy.

The role is EMSP_ROLE, which docker/entrypoint.sh exports just before it execs the real process.
The container runtime starts a health check with the container's configured environment, not
with what the entrypoint exported, so the role (and PORT, ALLOWED_HOSTS, the broker URL) is read
from the environment of the running process: /proc/<pid>/environ of the lowest pid that has
EMSP_ROLE (pid 1, or the child of an init such as `docker run --init`). Our own environment is
the fallback.

web     GET http://127.0.0.1:$PORT/healthz; healthy on 200. The view answers 200 only when the
        database and the broker are reachable, so this covers gunicorn and its dependencies.
worker  `celery inspect ping` addressed to this container's worker only (celery@<hostname>, the
        default node name). A pong means the worker's consumer loop is alive and the broker is
        reachable. It costs one short-lived celery process per interval, fine at 30 s.
beat    the same ping, to celerybeat@<hostname>: the entrypoint starts beat with
        --enable-remote-control (Celery 5.7), and beat answers only while its scheduler loop
        keeps ticking, so a wedged scheduler (say, stuck on the database) or a lost broker shows
        as unhealthy, which a mere "is the process there" check cannot see: if beat exits the
        container exits with it (it is pid 1).
        If a worker or beat is started with its own -n/--hostname, set EMSP_CELERY_NODENAME.
other   one-off commands (`migrate`, `manage ...`, a shell): nothing to check, healthy.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HTTP_TIMEOUT = 5.0  # seconds for the whole /healthz request (the view itself uses 2-3 s timeouts)
PING_TIMEOUT = "5"  # seconds celery waits for the pong
PING_DEADLINE = 12.0  # the whole `celery inspect ping` with its start-up; below HEALTHCHECK --timeout
APP_DIR = Path(__file__).resolve().parent.parent

Environ = dict[str, str]
Check = Callable[[Environ], tuple[bool, str]]


def _environ_of(pid: int) -> Environ | None:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:  # gone, or another user's process
        return None
    environ: Environ = {}
    for entry in raw.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        if sep:
            environ[key.decode(errors="replace")] = value.decode(errors="replace")
    return environ


def app_environ() -> Environ:
    """The environment of the lowest pid that carries EMSP_ROLE, else our own."""
    me = os.getpid()
    pids = sorted(int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    for pid in pids:
        if pid == me:
            continue
        environ = _environ_of(pid)
        if environ and environ.get("EMSP_ROLE"):
            return environ
    return dict(os.environ)


def _setting(environ: Environ, name: str) -> str | None:
    """NAME, or the content of NAME_FILE, the convention emsp/env.py reads."""
    if name in environ:
        return environ[name]
    path = environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError:
            return None
    return None


def _host_header(allowed_hosts: str | None) -> str:
    """A Host that Django's ALLOWED_HOSTS accepts, else it answers 400 instead of checking."""
    for host in (item.strip() for item in (allowed_hosts or "").split(",")):
        if not host:
            continue
        if host == "*":
            return "localhost"
        return host.lstrip(".") or "localhost"  # ".example.com" also matches example.com
    return "localhost"  # unset: Django's default list here starts with localhost


def check_web(environ: Environ) -> tuple[bool, str]:
    try:
        port = int(environ.get("PORT") or "8000")
    except ValueError:
        return False, f"PORT is not a number: {environ.get('PORT')!r}"
    host = _host_header(_setting(environ, "ALLOWED_HOSTS"))
    # http.client rather than urllib: no redirects followed, no proxy taken from the environment.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "User-Agent": "emsp-healthcheck"})
        response = connection.getresponse()
        body = response.read(1024).decode(errors="replace").strip()
    except (OSError, http.client.HTTPException) as exc:
        return False, f"GET /healthz on port {port}: {exc!r}"
    finally:
        connection.close()
    return response.status == 200, f"GET /healthz: {response.status} {body}"


def _celery_ping(node: str, environ: Environ) -> tuple[bool, str]:
    command = [
        sys.executable, "-m", "celery", "-A", "emsp",
        "inspect", "ping", "--destination", node, "--timeout", PING_TIMEOUT,
    ]  # fmt: skip
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command,
            cwd=APP_DIR,
            env={**os.environ, **environ},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PING_DEADLINE,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False, f"celery inspect ping {node}: no answer within {PING_DEADLINE:.0f} s"
    except OSError as exc:
        return False, f"celery inspect ping {node}: {exc!r}"
    # Exit 0 only when the node replied; 69 (EX_UNAVAILABLE) when nothing answered in time.
    output = " ".join((result.stdout + result.stderr).split())[-500:]
    return result.returncode == 0, f"celery inspect ping {node}: exit {result.returncode} {output}"


def check_worker(environ: Environ) -> tuple[bool, str]:
    return _celery_ping(environ.get("EMSP_CELERY_NODENAME") or f"celery@{socket.gethostname()}", environ)


def check_beat(environ: Environ) -> tuple[bool, str]:
    return _celery_ping(environ.get("EMSP_CELERY_NODENAME") or f"celerybeat@{socket.gethostname()}", environ)


CHECKS: dict[str, Check] = {"web": check_web, "worker": check_worker, "beat": check_beat}


def main() -> int:
    environ = app_environ()
    role = environ.get("EMSP_ROLE", "")
    check = CHECKS.get(role)
    if check is None:
        print(f"role {role or '(none)'}: nothing to check")
        return 0
    healthy, message = check(environ)
    print(f"{role}: {'healthy' if healthy else 'UNHEALTHY'}: {message}")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
