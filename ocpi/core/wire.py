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
    """Validate already-decoded JSON data as ``kind``.

    JSON has one number type: ``1.0`` is an integer as much as ``1`` (JSON Schema agrees), and
    some serialisers write integers that way. msgspec refuses a float for an ``int``, so a body
    refused for that alone is read again with integral floats as ints (only then: the common
    case stays one fast pass)."""
    try:
        return msgspec.convert(data, type=kind)
    except msgspec.ValidationError as exc:
        if _INT_GOT_FLOAT in str(exc):
            return convert(_integral_floats_as_ints(data), kind) if _has_integral_float(data) else _refuse(exc)
        raise InvalidParameters(describe(exc)) from None
    except RecursionError:
        raise InvalidParameters("the body is nested too deeply") from None


_INT_GOT_FLOAT = "Expected `int`, got `float`"


def _refuse(exc: msgspec.ValidationError) -> Any:
    raise InvalidParameters(describe(exc)) from None


def _has_integral_float(value: Any) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_has_integral_float(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_integral_float(item) for item in value)
    return False


def _integral_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_ints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(item) for item in value]
    return value


def to_builtins(obj: Any) -> Any:
    """A struct as JSON-ready data, leaving out fields that are None."""
    return msgspec.to_builtins(obj)


def describe(exc: msgspec.ValidationError) -> str:
    """``path: message`` from msgspec's ``message - at `$.path` ``."""
    match = _PATH_RE.match(str(exc))
    if match is None or not match.group("path"):
        return str(exc)
    return f"{match.group('path').lstrip('.')}: {match.group('message')}"
