"""Decoding OCPI wire objects (msgspec structs) with errors that name the field path.

A failure becomes ``InvalidParameters`` (2001) with a message such as
``evses[1].connectors[0].standard: Invalid enum value 'X'``.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from ocpi.core.errors import InvalidParameters

T = TypeVar("T")

_PATH_RE = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def decode(raw: bytes, kind: type[T]) -> T:
    """Decode a JSON body straight into ``kind``."""
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise InvalidParameters(describe(exc)) from None
    except msgspec.DecodeError as exc:
        raise InvalidParameters(f"the body is not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidParameters("the body is nested too deeply") from None


def convert(data: Any, kind: type[T]) -> T:
    """Validate already-decoded JSON data as ``kind``."""
    try:
        return msgspec.convert(data, type=kind)
    except msgspec.ValidationError as exc:
        raise InvalidParameters(describe(exc)) from None
    except RecursionError:
        raise InvalidParameters("the body is nested too deeply") from None


def to_builtins(obj: Any) -> Any:
    """A struct as JSON-ready data, leaving out fields that are None."""
    return msgspec.to_builtins(obj)


def describe(exc: msgspec.ValidationError) -> str:
    """``path: message`` from msgspec's ``message - at `$.path` ``."""
    match = _PATH_RE.match(str(exc))
    if match is None or not match.group("path"):
        return str(exc)
    return f"{match.group('path').lstrip('.')}: {match.group('message')}"
