"""Typed readers for settings taken from the environment.

Every reader fails with ImproperlyConfigured naming the variable, so a malformed value stops
start-up with a message that says what to fix. A secret may also be given as ``NAME_FILE``
(a path whose content is the value), the Docker/Kubernetes secrets convention.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    file_path = os.environ.get(f"{name}_FILE")
    if value is not None and file_path is not None:
        raise ImproperlyConfigured(f"{name}: set either {name} or {name}_FILE, not both")
    if file_path is not None:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_path!r} ({exc.strerror})") from exc
    return value


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected a boolean (1/0, true/false, yes/no, on/off), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {number}")
    return number


def env_rate(name: str, default: tuple[int, int]) -> tuple[int, int] | None:
    """A rate limit written ``REQUESTS/SECONDS`` (e.g. ``6000/10``); ``off`` for none."""
    value = _raw(name)
    if value is None:
        return default
    if value.strip().lower() == "off":
        return None
    requests, _, seconds = value.strip().partition("/")
    try:
        rate = (int(requests), int(seconds))
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected REQUESTS/SECONDS like 6000/10, or off; got {value!r}") from None
    if rate[0] < 1 or rate[1] < 1:
        raise ImproperlyConfigured(f"{name}: both numbers must be at least 1, got {value!r}")
    return rate


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_pattern(name: str, default: str, pattern: str, meaning: str) -> str:
    value = env_str(name, default).strip()
    if not re.fullmatch(pattern, value):
        raise ImproperlyConfigured(f"{name}: expected {meaning}, got {value!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_http_url(name: str, default: str) -> str:
    """An absolute http(s) URL without a trailing slash."""
    value = env_str(name, default).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{name}: expected an absolute http(s) URL, got {value!r}")
    if parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name}: must not carry a query or fragment, got {value!r}")
    return value.rstrip("/")


def env_database(name: str, default_sqlite_path: Path) -> dict[str, Any]:
    """DATABASES['default'] from a URL: ``postgresql://user:pass@host:port/name`` or ``sqlite:///path``."""
    value = _raw(name)
    if value is None or not value.strip():
        return _sqlite(default_sqlite_path)
    parts = urlsplit(value.strip())
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise ImproperlyConfigured(f"{name}: sqlite URL needs a path, e.g. sqlite:////abs/path/db.sqlite3")
        return _sqlite(Path(path[1:]) if path.startswith("//") else Path(path.lstrip("/")))
    if parts.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"{name}: unsupported scheme {parts.scheme!r}; use postgresql://user@host:port/dbname or sqlite:///path"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name}: the port is not a number in {_redacted(value)!r}") from None
    db_name = unquote(parts.path.lstrip("/"))
    if not db_name or "/" in db_name:
        raise ImproperlyConfigured(f"{name}: missing database name in {_redacted(value)!r}")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        # A dead database must fail requests fast instead of hanging workers.
        "OPTIONS": {"connect_timeout": 3, **options},
    }


def env_broker_url(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    scheme = urlsplit(value).scheme
    if scheme not in ("redis", "rediss", "filesystem", "amqp", "memory"):
        raise ImproperlyConfigured(
            f"{name}: unsupported broker {value.split('://')[0]!r}; use redis://host:port/db or filesystem://"
        )
    if scheme.startswith("redis"):
        try:
            _ = urlsplit(value).port
        except ValueError:
            raise ImproperlyConfigured(f"{name}: the port is not a number in {_redacted(value)!r}") from None
    return value


def _sqlite(path: Path) -> dict[str, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Web, worker and beat share the file in `make run`: WAL lets readers run beside a writer.
        "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
    }


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
