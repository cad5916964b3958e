"""The ``cpo_simulator`` command logic (``ocpi.simulator.cli``) and the ``--state`` file."""

from __future__ import annotations

import argparse
import io
import json
import os
import queue
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ocpi.simulator import CpoSimulator, cli
from tests.ocpi.simulator.conftest import TOKEN_A
from tests.ocpi.simulator.fake_emsp import CREDENTIALS, VERSIONS
from tests.support.httpserver import Reply

ROOT = Path(__file__).resolve().parents[3]


class Lines:
    """A stdout/stderr that hands each written line to the test."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def write(self, text: str) -> None:
        for line in text.splitlines():
            self.lines.put(line)

    def flush(self) -> None:
        pass

    def next(self) -> str:
        return self.lines.get(timeout=10)


def options(*argv: str) -> dict[str, Any]:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return vars(parser.parse_args(["--port", "0", *argv]))


class Running:
    """``cli.handle`` on a thread: its output, and its exit status once it returns."""

    def __init__(self, argv: tuple[str, ...], until: threading.Event) -> None:
        self.out, self.err = Lines(), Lines()
        self.code: int | None = None
        self.thread = threading.Thread(target=self._run, args=(argv, until), daemon=True)
        self.thread.start()

    def _run(self, argv: tuple[str, ...], until: threading.Event) -> None:
        self.code = cli.handle(options(*argv), stdout=self.out, stderr=self.err, until=until)

    def exit_code(self) -> int | None:
        self.thread.join(timeout=10)
        return self.code


@pytest.fixture
def run() -> Iterator[Any]:
    """Start the command; it stops (as on Ctrl-C) when the test ends."""
    until = threading.Event()
    started: list[Running] = []

    def start(*argv: str) -> Running:
        started.append(Running(argv, until))
        return started[-1]

    yield start
    until.set()
    for running in started:
        assert running.exit_code() is not None, "the command did not stop"


def test_it_prints_the_versions_url_and_token_a(run):
    out = run("--token-a", "cli-token-A", "--party-id", "CLI").out
    assert out.next() == "CPO simulator NL/CLI (CPO Simulator) is running."
    versions_url = out.next().split(": ", 1)[1].strip()
    assert out.next().split(":", 1)[1].strip() == "cli-token-A"
    response = requests.get(versions_url, headers={"Authorization": "Token cli-token-A"}, timeout=5)
    assert response.json()["data"][0]["version"] == "2.1.1"


def test_it_registers_with_an_emsp_and_prints_json(run, emsp):
    emsp.server.route(CREDENTIALS, lambda request: Reply.ocpi(emsp.credentials("emsp-token-C")))
    out = run("--json", "--register-with", emsp.versions_url, "--token", "emsp-token-A", "--token-a", "x").out

    summary = json.loads(out.next())

    assert summary["versions_url"].endswith("/ocpi/cpo/versions")
    assert summary["registered"] is True
    assert summary["token_a"] is None
    assert summary["registration"] == {
        "ok": True,
        "emsp": {
            "country_code": "NL",
            "party_id": "EMS",
            "name": "Test eMSP",
            "versions_url": emsp.versions_url,
            "initiated_by": "simulator",
        },
    }
    assert "emsp-token-C" not in json.dumps(summary)


def test_a_failed_registration_exits_1(run, emsp):
    emsp.versions = []
    running = run("--json", "--register-with", emsp.versions_url, "--token", "emsp-token-A")
    summary = json.loads(running.out.next())
    assert summary["registration"]["ok"] is False
    assert summary["registration"]["ocpi_status"] == 3002
    assert "registration failed" in running.err.next()
    assert running.exit_code() == 1


def test_it_waits_for_an_emsp_that_is_not_up_yet(run, emsp):
    # Two 503s exhaust the client's own retry: the command tries again a second later.
    emsp.server.enqueue(VERSIONS, Reply(status=503), Reply(status=503))
    emsp.server.route(CREDENTIALS, lambda request: Reply.ocpi(emsp.credentials("emsp-token-C")))
    argv = ("--json", "--register-with", emsp.versions_url, "--token", "emsp-token-A", "--register-wait", "5")

    summary = json.loads(run(*argv).out.next())

    assert summary["registration"]["ok"] is True
    assert len(emsp.server.received_on(VERSIONS)) == 3


def test_main_shows_help_without_django(tmp_path):
    # Only the command's own module is imported before the options are read.
    result = subprocess.run(
        [sys.executable, "-m", "ocpi.simulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "no.such.settings"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "--register-with VERSIONS_URL" in result.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--register-with", "http://127.0.0.1:1/versions"), "needs --token"),
        (("--token", "abc"), "only goes with --register-with"),
        (("--country-code", "NLD"), "country_code"),
        (("--error-share", "2"), "share"),
        (("--page-cap", "0"), "page_cap"),
        (("--evses-per-location", "0.5"), "evses_per_location"),
        (("--command-delay", "-1"), "callback_delay"),
    ],
)
def test_bad_options_exit_2(argv, message):
    err = Lines()
    assert cli.handle(options(*argv), stdout=Lines(), stderr=err) == 2
    assert message in err.next()


def test_the_state_file_survives_a_restart(tmp_path, emsp):
    state = tmp_path / "sim.json"
    with CpoSimulator(token_a=TOKEN_A, state_path=state) as first:
        posted = requests.post(
            first.module_url("credentials"),
            json=emsp.credentials(),
            headers={"Authorization": f"Token {TOKEN_A}"},
            timeout=10,
        )
        issued = posted.json()["data"]["token"]
    assert stat.S_IMODE(state.stat().st_mode) == 0o600

    with CpoSimulator(token_a=TOKEN_A, state_path=state) as second:
        assert second.registered
        assert second.emsp_token == "emsp-token-B"
        assert second.token_a is None  # token A stays spent, whatever the options say
        credentials = second.module_url("credentials")
        assert requests.get(credentials, headers={"Authorization": f"Token {issued}"}, timeout=5).status_code == 200
        assert requests.get(credentials, headers={"Authorization": f"Token {TOKEN_A}"}, timeout=5).status_code == 401


def test_a_broken_state_file_is_refused(tmp_path):
    state = tmp_path / "sim.json"
    state.write_text("{}")
    err = Lines()
    assert cli.handle(options("--state", str(state)), stdout=Lines(), stderr=err) == 2
    assert "state" in err.next()


def test_a_management_command_can_wrap_it(emsp):
    # The shape of the one-file wrapper in emsp/management/commands/cpo_simulator.py.
    class Command(BaseCommand):
        def add_arguments(self, parser):
            cli.add_arguments(parser)

        def handle(self, *args, **options):
            if cli.handle(options, stdout=self.stdout, stderr=self.stderr):
                raise CommandError("the CPO simulator stopped with an error")

    emsp.versions = []
    out, err = io.StringIO(), io.StringIO()
    argv = ["--port", "0", "--register-with", emsp.versions_url, "--token", "emsp-token-A"]
    with pytest.raises(CommandError):
        call_command(Command(), *argv, stdout=out, stderr=err)
    assert "OCPI versions URL: http://127.0.0.1:" in out.getvalue()
    assert "\n\n" not in out.getvalue()
    assert "no common OCPI version" in err.getvalue()


def registered_token(versions_url: str, emsp) -> str:
    """The fake eMSP registers with the simulator the command runs; the token it was issued."""
    details = requests.get(versions_url, headers={"Authorization": "Token cli-token-A"}, timeout=5).json()
    credentials_url = details["data"][0]["url"] + "credentials"
    posted = requests.post(
        credentials_url, json=emsp.credentials(), headers={"Authorization": "Token cli-token-A"}, timeout=10
    )
    assert posted.status_code == 200, posted.text
    return str(posted.json()["data"]["token"])


def test_the_data_and_fault_options_shape_what_is_served(run, emsp):
    argv = ("--json", "--token-a", "cli-token-A", "--locations", "30", "--seed", "5", "--sessions", "0")
    out = run(*argv, "--cdrs", "0", "--page-cap", "7", "--error-share", "0.5", "--no-link").out
    summary = json.loads(out.next())
    assert summary["data"] == {"seed": 5, "locations": 30, "evses": 75, "sessions": 0, "cdrs": 0, "tariffs": 4}
    assert summary["live"] is False
    token = registered_token(summary["versions_url"], emsp)
    locations_url = summary["url"] + "/ocpi/cpo/2.1.1/locations"
    answers = [requests.get(locations_url, headers={"Authorization": f"Token {token}"}, timeout=5) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 503]
    assert (answers[0].headers["X-Limit"], answers[0].headers["X-Total-Count"]) == ("7", "30")
    assert "Link" not in answers[0].headers
    from ocpi.simulator.generate import Dataset

    assert answers[0].json()["data"][0] == Dataset(seed=5, locations=30, sessions=0, cdrs=0).location(0)


def test_live_mode_starts_with_the_option(run):
    out = run("--json", "--live", "--live-interval", "0.05", "--locations", "3", "--sessions", "0", "--cdrs", "0").out
    summary = json.loads(out.next())
    assert summary["live"] is True
