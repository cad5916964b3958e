"""Settings from the environment: defaults, parsing, and loud failures naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from emsp.env import env_bool, env_broker_url, env_database, env_http_url, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_a_postgresql_url_becomes_database_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://emsp:p%40ss@db.example:6543/emsp_prod?sslmode=require")
    database = env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("emsp_prod", "emsp", "p@ss")
    assert (database["HOST"], database["PORT"]) == ("db.example", "6543")
    assert database["OPTIONS"]["sslmode"] == "require"


def test_without_database_url_it_uses_sqlite_under_var(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = env_database("DATABASE_URL", tmp_path / "var" / "db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "var" / "db.sqlite3")
    assert (tmp_path / "var").is_dir()


@pytest.mark.parametrize(
    ("reader", "value", "message"),
    [
        (lambda: env_database("X", Path("/tmp/x.db")), "mysql://u@h/db", "X: unsupported scheme 'mysql'"),
        (
            lambda: env_database("X", Path("/tmp/x.db")),
            "postgresql://u:secret@h:port/db",
            "X: the port is not a number",
        ),
        (lambda: env_database("X", Path("/tmp/x.db")), "postgresql://u@h:5432/", "X: missing database name"),
        (lambda: env_broker_url("X", "filesystem://"), "kafka://h", "X: unsupported broker 'kafka'"),
        (lambda: env_bool("X", False), "maybe", "X: expected a boolean"),
        (lambda: env_int("X", 1), "ten", "X: expected an integer"),
        (lambda: env_int("X", 1, minimum=1), "0", "X: must be at least 1"),
        (lambda: env_http_url("X", "http://a"), "ftp://a", "X: expected an absolute http(s) URL"),
        (lambda: env_http_url("X", "http://a"), "https://a/?q=1", "X: must not carry a query"),
    ],
)
def test_a_malformed_value_fails_naming_the_variable(monkeypatch, reader, value, message):
    monkeypatch.setenv("X", value)
    with pytest.raises(ImproperlyConfigured) as raised:
        reader()
    assert str(raised.value).startswith(message)
    assert "secret" not in str(raised.value)


def test_readers_parse_good_values(monkeypatch):
    monkeypatch.setenv("B", "yes")
    monkeypatch.setenv("I", " 42 ")
    monkeypatch.setenv("L", "a.example, b.example,,")
    monkeypatch.setenv("U", "https://emsp.example.com/")
    assert env_bool("B", False) is True
    assert env_bool("MISSING", False) is False
    assert env_int("I", 0) == 42
    assert env_list("L", []) == ["a.example", "b.example"]
    assert env_http_url("U", "http://x") == "https://emsp.example.com"


def test_a_secret_can_come_from_a_file_but_not_from_both(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("S_FILE", str(secret))
    assert env_str("S", "") == "from-a-file"
    monkeypatch.setenv("S", "direct")
    with pytest.raises(ImproperlyConfigured, match="either S or S_FILE"):
        env_str("S", "")


def run_manage(*args, **env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "CELERY_", "DEBUG"))}
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emsp.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_start_up_stops_with_a_message_naming_a_malformed_variable():
    result = run_manage("check", DATABASE_URL="postgres://user@host:notaport/db")
    assert result.returncode != 0
    assert "DATABASE_URL: the port is not a number" in result.stderr


def test_debug_is_off_unless_set():
    script = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    assert "DEBUG False" in run_manage("shell", "-c", script).stdout
    assert "DEBUG True" in run_manage("shell", "-c", script, DEBUG="1").stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("OCPI_COUNTRY_CODE", "NLD", "OCPI_COUNTRY_CODE: expected an ISO 3166-1 alpha-2 code"),
        ("OCPI_PARTY_ID", "E-M", "OCPI_PARTY_ID: expected three upper-case letters or digits"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: expected one of DEBUG"),
        ("OCPI_CREDENTIALS_RESOLVER", "partners.nowhere.resolve", "OCPI_CREDENTIALS_RESOLVER: cannot import it"),
    ],
)
def test_identity_logging_and_resolver_settings_are_checked_at_start(variable, value, message):
    result = run_manage("check", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
