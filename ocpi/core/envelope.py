"""The OCPI response envelope (reference §1.3) around every response, errors included."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.response import Response

from ocpi.core.status import OcpiStatus, http_status_for
from ocpi.core.types import format_datetime

_NO_DATA = object()


def envelope(
    data: Any = _NO_DATA,
    *,
    status: OcpiStatus = OcpiStatus.SUCCESS,
    message: str | None = None,
) -> dict[str, Any]:
    """The envelope as a dict. ``data`` is left out when not given (PUT/PATCH/DELETE answers)."""
    body: dict[str, Any] = {}
    if data is not _NO_DATA:
        body["data"] = data
    body["status_code"] = int(status)
    if message is not None:
        body["status_message"] = message
    elif status == OcpiStatus.SUCCESS:
        body["status_message"] = "Success"
    body["timestamp"] = format_datetime(timezone.now())
    return body


class OcpiResponse(Response):
    """A DRF response whose body is the OCPI envelope; the HTTP status follows the OCPI status
    unless given (e.g. 201 for a created object)."""

    def __init__(
        self,
        data: Any = _NO_DATA,
        *,
        status: OcpiStatus = OcpiStatus.SUCCESS,
        message: str | None = None,
        http_status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            envelope(data, status=status, message=message),
            status=http_status or http_status_for(status),
            headers=headers,
        )
        self.ocpi_status = status
