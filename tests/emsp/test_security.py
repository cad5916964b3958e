"""Security settings and habits that must never regress: TLS verification is never switched
off, production settings pass `check --deploy` with HSTS and secure cookies, and secrets come
only from the environment (or *_FILE files)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["emsp", "ocpi", "partners", "customers", "billing", "sync", "console", "bench", "tests"]
TLS_OFF = re.compile(
    r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context|PYTHONHTTPSVERIFY"
)


def test_no_source_switches_tls_verification_off():
    offenders = []
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            if path.resolve() == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if TLS_OFF.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def production_settings(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_", "DEBUG"))}
    return {
        **env, "DJANGO_SETTINGS_MODULE": "emsp.settings", "DEBUG": "0", "ALLOWED_HOSTS": "emsp.example.com",
        "OCPI_BASE_URL": "https://emsp.example.com", "SECRET_KEY": "x" * 60 + "-production-like-secret", **extra,
    }  # fmt: skip


def test_production_settings_pass_check_deploy_with_hsts_and_secure_cookies():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    shown = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=production_settings(), capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown == ["31536000", "True", "True", "True", "False"]
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_settings(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_secret_key_is_never_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout  # noqa: S607
    assert "var/secret_key" not in tracked.split()
    assert not any(name.endswith((".pem", ".key")) for name in tracked.split())
