"""The failures of an outbound OCPI call: one hierarchy under ``OcpiClientError``.

``transient`` tells a caller (a Celery task) whether trying again later may help.
"""

from __future__ import annotations


class OcpiClientError(Exception):
    """A call to a partner failed. ``transient`` says whether the same call may succeed later.

    Messages name the method and URL, never the token.
    """

    transient: bool = False

    def __init__(self, message: str, *, method: str = "", url: str = "", transient: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.attempts = 1
        if transient is not None:
            self.transient = transient

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (gave up after {self.attempts} attempts)"
        return self.message


class OcpiTransportError(OcpiClientError):
    """No HTTP answer: the connection failed or timed out (after retries)."""

    transient = True


class OcpiHttpError(OcpiClientError):
    """A non-2xx HTTP answer; ``ocpi_status`` is set when the body was an OCPI envelope."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        ocpi_status: int | None = None,
        status_message: str = "",
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(message, method=method, url=url, transient=http_status == 429 or http_status >= 500)
        self.http_status = http_status
        self.ocpi_status = ocpi_status
        self.status_message = status_message


class OcpiProtocolError(OcpiClientError):
    """The partner broke the protocol: a body that is not JSON, no envelope, a bad page."""


class OcpiStatusError(OcpiClientError):
    """HTTP 2xx, but the envelope's ``status_code`` is not a success (1xxx)."""

    def __init__(
        self, message: str, *, status_code: int, status_message: str, http_status: int, method: str = "", url: str = ""
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.status_message = status_message
        self.http_status = http_status
