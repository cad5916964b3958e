"""Typed OCPI errors and the one DRF exception handler that renders every failure as an envelope.

An ``OcpiError`` carries its OCPI status and HTTP status; views and services raise it and never
build an error response themselves. Anything unexpected becomes HTTP 500 / 3000 with the stack
trace in the log, never in the body.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError, connections
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

from ocpi.core.envelope import OcpiResponse
from ocpi.core.status import OcpiStatus

logger = logging.getLogger(__name__)


class OcpiError(Exception):
    """An OCPI-level failure answered with ``status`` and (by default) its mapped HTTP status."""

    status: OcpiStatus = OcpiStatus.CLIENT_ERROR
    http_status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        status: OcpiStatus | None = None,
        http_status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if http_status is not None:
            self.http_status = http_status
        self.headers = headers or {}


class InvalidParameters(OcpiError):
    """Invalid or missing parameters or object fields (2001); the message names the field path."""

    status = OcpiStatus.INVALID_OR_MISSING_PARAMETERS


class NotEnoughInformation(OcpiError):
    status = OcpiStatus.NOT_ENOUGH_INFORMATION


class ObjectNotFound(OcpiError):
    """An unknown object or one under another party's country_code/party_id: HTTP 404."""

    status = OcpiStatus.CLIENT_ERROR
    http_status = 404


class Unauthorized(OcpiError):
    status = OcpiStatus.CLIENT_ERROR
    http_status = 401


class MethodNotAllowed(OcpiError):
    """Also used where OCPI demands 405 for a state conflict (credentials POST when registered)."""

    status = OcpiStatus.CLIENT_ERROR
    http_status = 405


DATABASE_RETRY_AFTER_SECONDS = 5


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF ``EXCEPTION_HANDLER``: every exception raised in an OCPI view ends here."""
    _set_rollback()
    if isinstance(exc, OcpiError):
        return OcpiResponse(status=exc.status, message=exc.message, http_status=exc.http_status, headers=exc.headers)
    if isinstance(exc, Http404):
        return OcpiResponse(status=OcpiStatus.CLIENT_ERROR, message="Not found", http_status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return OcpiResponse(status=OcpiStatus.CLIENT_ERROR, message="Forbidden", http_status=403)
    if isinstance(exc, drf.APIException):
        return _drf_response(exc)
    if isinstance(exc, OperationalError | InterfaceError):
        # The database is down or restarting: say so, and when to try again (a CPO retries a
        # 503), instead of a bare 500. The connection is replaced on the next request.
        logger.warning("Database unavailable in OCPI view: %s", exc)
        return OcpiResponse(
            status=OcpiStatus.SERVER_ERROR, message="Temporarily unavailable: try again shortly",
            http_status=503, headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )  # fmt: skip
    view = context.get("view")
    logger.exception("Unhandled error in OCPI view %s", type(view).__name__ if view else "?")
    return OcpiResponse(status=OcpiStatus.SERVER_ERROR, message="Internal server error")


def _set_rollback() -> None:
    # As DRF's own handler does: under ATOMIC_REQUESTS a failed request changes nothing.
    # (Importing DRF's helper from rest_framework.views here would be circular via the settings.)
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict.get("ATOMIC_REQUESTS") and connection.in_atomic_block:
            connection.set_rollback(True)


def _drf_response(exc: drf.APIException) -> Response:
    headers: dict[str, str] = {}
    status = OcpiStatus.CLIENT_ERROR
    if isinstance(exc, drf.ParseError):
        status = OcpiStatus.INVALID_OR_MISSING_PARAMETERS
        message = f"Request body is not valid JSON: {exc.detail}"
    elif isinstance(exc, drf.ValidationError):
        status = OcpiStatus.INVALID_OR_MISSING_PARAMETERS
        message = _flatten_detail(exc.detail)
    elif isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        message = str(exc.detail)
        headers["WWW-Authenticate"] = "Token"
    elif isinstance(exc, drf.Throttled):
        message = str(exc.detail)
        wait = getattr(exc, "wait", None)
        if wait is not None:
            headers["Retry-After"] = str(max(1, int(wait)))
    else:
        message = str(exc.detail)
    return OcpiResponse(status=status, message=message, http_status=exc.status_code, headers=headers)


def _flatten_detail(detail: Any, path: str = "") -> str:
    """Turn DRF's nested error detail into ``field.path: message; ...``."""
    if isinstance(detail, dict):
        parts = [_flatten_detail(value, _child_path(path, key)) for key, value in detail.items()]
        return "; ".join(parts)
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            text = " ".join(str(item) for item in detail)
            return f"{path}: {text}" if path else text
        return "; ".join(_flatten_detail(item, f"{path}[{index}]") for index, item in enumerate(detail))
    return f"{path}: {detail}" if path else str(detail)


def _child_path(path: str, key: object) -> str:
    if isinstance(key, int):  # DRF keys list items by index
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)
