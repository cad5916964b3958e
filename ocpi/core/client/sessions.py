"""One pooled ``requests.Session`` per partner, and the ``Authorization: Token …`` header."""

from __future__ import annotations

import base64
import http.cookiejar
import threading
from typing import Literal

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase

TokenEncoding = Literal["raw", "base64"]

_USER_AGENT = "emsp-ocpi-client/2.1.1"

_sessions: dict[str, requests.Session] = {}
_sessions_lock = threading.Lock()


def partner_session(*, partner_id: int | None = None, partner_label: str = "") -> requests.Session:
    """The pooled ``requests.Session`` of one partner, shared by every client for that partner."""
    key = f"id:{partner_id}" if partner_id is not None else f"label:{partner_label}"
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            session = _sessions[key] = _new_session()
        return session


def close_sessions() -> None:
    """Close every cached partner session (tests, worker shutdown)."""
    with _sessions_lock:
        sessions = list(_sessions.values())
        _sessions.clear()
    for session in sessions:
        session.close()


def _new_session() -> requests.Session:
    session = requests.Session()
    # Retries are ours (they must be journaled and respect idempotency), so urllib3 makes none.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"Accept": "application/json", "User-Agent": _USER_AGENT})
    # OCPI is stateless and the session is shared between threads: no cookie rides along.
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


class TokenAuth(AuthBase):
    """Sets ``Authorization: Token …``. Passing it as ``auth`` also keeps requests from
    replacing the header with ``.netrc`` credentials."""

    def __init__(self, header: str) -> None:
        self._header = header

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request


def encode_token(token: str, encoding: TokenEncoding) -> str:
    """The token as it goes after ``Token `` (DESIGN.md §4; 2.2.1 wants Base64 of UTF-8)."""
    if encoding == "base64":
        return base64.b64encode(token.encode()).decode("ascii")
    if encoding == "raw":
        return token
    raise ValueError(f"token_encoding must be 'raw' or 'base64', not {encoding!r}")
