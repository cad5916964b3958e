"""Servers a fault test owns: a PostgreSQL cluster and a Redis server on free ports (never the
shared ones other tests use), which the test stops and starts, and the platform itself (gunicorn,
Celery) as subprocesses pointed at them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is needed for the fault tests and is missing on CI")
        pytest.skip(f"{binary} is not installed: the fault tests need their own servers")
    return path


class PostgresCluster:
    """A throwaway cluster (``initdb``), fsync off; started and stopped by the test."""

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = require("initdb"), require("pg_ctl")
        self.dir = Path(tempfile.mkdtemp(prefix="emsp-faults-pg-"))
        self.port = free_port()
        # PostgreSQL refuses to run as root: then its files and processes belong to "postgres".
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, user="postgres")
        self._run(self.initdb, "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(self.pg_ctl, "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        subprocess.run([*self.as_user, self.pg_ctl, "-D", str(self.dir / "data"), "-m", "immediate", "stop"],  # noqa: S603
                       capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], capture_output=True, check=True, timeout=60)  # noqa: S603


class RedisServer:
    """A Redis of the test's own, nothing persisted; stop and start keep its port."""

    def __init__(self) -> None:
        self.binary = require("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Platform:
    """Our own processes (``manage.py`` commands, gunicorn, a Celery worker) with an environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "emsp.settings", "DEBUG": "0", "SECURE_HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING", "OCPI_ALLOW_PRIVATE_URLS": "1", **env,
        }  # fmt: skip
        self.processes: list[subprocess.Popen[bytes]] = []
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env.setdefault("OCPI_BASE_URL", self.base_url)

    def manage(self, *args: str) -> str:
        command = [sys.executable, "manage.py", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
        if done.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def web(self, workers: int = 2) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "emsp.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers",
            str(workers), "--worker-class", "sync", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        self.processes.append(subprocess.Popen(command, cwd=ROOT, env=self.env))  # noqa: S603
        wait_for_port(self.port)

    def worker(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "-A", "emsp", "worker", "--concurrency", "1", "--pool", "prefork",
                   "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)  # noqa: S603
        self.processes.append(process)
        return process

    def beat(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "-A", "emsp", "beat", "--loglevel", "WARNING",
                   "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)  # noqa: S603
        self.processes.append(process)
        return process

    def get(self, path: str, token: str, timeout: float = 10.0) -> requests.Response:
        return requests.get(f"{self.base_url}{path}", headers={"Authorization": f"Token {token}"}, timeout=timeout)

    def put(self, path: str, json: object, token: str, timeout: float = 10.0) -> requests.Response:
        headers = {"Authorization": f"Token {token}"}
        return requests.put(f"{self.base_url}{path}", json=json, headers=headers, timeout=timeout)

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
