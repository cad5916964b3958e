"""Request body parsing for OCPI: JSON only, decoded with msgspec, the raw bytes kept.

2.1.1 says bodies are application/json but does not require the Content-Type header, so a body
without one is read as JSON (reference §1.1), and so is one declared ``text/plain`` (some CPO
stacks send that, and WSGI servers such as wsgiref report a missing header as text/plain).
Any other declared type is answered 415.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

import msgspec
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from ocpi.core.errors import InvalidParameters, OcpiError


class OcpiJSONParser(BaseParser):
    media_type = "application/json"

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise OcpiError(f"The request body is larger than {limit} bytes", http_status=413)
        request = (parser_context or {}).get("request")
        if request is not None:
            # Kept on the Django request so a module can decode straight into its typed wire
            # object (one pass, no dict) and the journal can record the body as received.
            request._request.ocpi_raw_body = raw
        if not raw.strip():
            raise ParseError("the body is empty")
        try:
            data = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            raise ParseError(str(exc)) from None
        except RecursionError:
            raise ParseError("the JSON is nested too deeply") from None
        if b"\\u0000" in raw:  # cheap to rule out; then find where (PostgreSQL text cannot hold NUL)
            where = nul_path(data)
            if where is not None:
                raise InvalidParameters(f"{where or 'the body'}: text must not contain NUL (\\u0000)")
        return data


def nul_path(value: Any, path: str = "") -> str | None:
    """The path of the first string (or key) holding a NUL character, else None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return inner
            found = nul_path(item, inner)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class OcpiContentNegotiation(DefaultContentNegotiation):
    """JSON in (see above) and JSON out, whatever ``Accept`` says: OCPI speaks only JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        parsers = list(parsers)
        declared = request.content_type.split(";", 1)[0].strip().lower()
        if declared in ("", "text/plain") and parsers:
            return parsers[0]
        return super().select_parser(request, parsers)
