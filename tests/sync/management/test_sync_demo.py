"""The `make run` demo CPO: registers through the real handshake, plays live data, resumes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from ocpi.sessions.models import Session
from partners.models import Partner

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_demo(ocpi_server: str, var_dir: Path, port: int) -> subprocess.Popen[str]:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_ALLOW_PRIVATE_URLS": "1",
        "OCPI_BASE_URL": ocpi_server,
        "EMSP_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    command = [sys.executable, "manage.py", "sync_demo", "--port", str(port), "--live-interval", "0.5", "--wait", "20"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603


def wait_for(condition, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline or process.poll() is not None:
            pytest.fail(f"timed out; the demo said:\n{stop(process)}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=20)
    return output


def test_the_demo_cpo_registers_plays_live_data_and_resumes(ocpi_server, tmp_path):
    port = free_port()
    demo = start_demo(ocpi_server, tmp_path, port)
    try:
        wait_for(lambda: Partner.objects.filter(party_id="SIM", status="REGISTERED").exists(), demo)
        wait_for(Session.objects.exists, demo)  # live mode pushes sessions into us
    finally:
        output = stop(demo)
    partner = Partner.objects.get(party_id="SIM", status="REGISTERED")
    assert partner.versions_url == f"http://127.0.0.1:{port}/ocpi/cpo/versions"
    assert partner.endpoint("locations")  # what the sync pulls from
    assert "registering with" in output

    again = start_demo(ocpi_server, tmp_path, port)
    try:
        wait_for(lambda: Session.objects.count() >= 2, again)
    finally:
        output = stop(again)
    assert "resuming" in output
    assert Partner.objects.filter(party_id="SIM", status="REGISTERED").count() == 1
