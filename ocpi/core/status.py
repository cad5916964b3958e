"""OCPI status codes (2.1.1 ``status_codes.md``, plus 2004 borrowed from 2.2.1) and the one
mapping from an OCPI status to the HTTP status we answer with (README "OCPI errors")."""

from __future__ import annotations

from enum import IntEnum


class OcpiStatus(IntEnum):
    SUCCESS = 1000
    CLIENT_ERROR = 2000
    INVALID_OR_MISSING_PARAMETERS = 2001
    NOT_ENOUGH_INFORMATION = 2002
    UNKNOWN_LOCATION = 2003
    UNKNOWN_TOKEN = 2004  # 2.2.1; used for an unknown token on real-time authorization
    SERVER_ERROR = 3000
    UNABLE_TO_USE_CLIENT_API = 3001
    UNSUPPORTED_VERSION = 3002
    NO_MATCHING_ENDPOINTS = 3003

    @property
    def is_success(self) -> bool:
        return 1000 <= self.value < 2000


HTTP_STATUS_FOR: dict[OcpiStatus, int] = {
    OcpiStatus.SUCCESS: 200,
    OcpiStatus.CLIENT_ERROR: 400,
    OcpiStatus.INVALID_OR_MISSING_PARAMETERS: 400,
    OcpiStatus.NOT_ENOUGH_INFORMATION: 400,
    OcpiStatus.UNKNOWN_LOCATION: 404,
    OcpiStatus.UNKNOWN_TOKEN: 404,
    OcpiStatus.SERVER_ERROR: 500,
    # Calling the client's API back failed: a gateway failure, worth a later retry.
    OcpiStatus.UNABLE_TO_USE_CLIENT_API: 502,
    # The client offers no usable version or endpoints: retrying unchanged will not help.
    OcpiStatus.UNSUPPORTED_VERSION: 400,
    OcpiStatus.NO_MATCHING_ENDPOINTS: 400,
}


def http_status_for(status: OcpiStatus) -> int:
    return HTTP_STATUS_FOR[status]
