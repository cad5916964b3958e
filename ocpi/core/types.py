"""OCPI primitive types: DateTime and CiString (DESIGN.md §4, reference §1.8).

DateTime in: ``YYYY-MM-DDTHH:MM:SS`` with or without ``Z``, with an offset (converted to UTC),
with fractional seconds. A string without designator is UTC, as the spec says.
DateTime out: ``YYYY-MM-DDTHH:MM:SSZ``, always UTC, whole seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_DATETIME_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?"
)


class InvalidDateTime(ValueError):
    """A string that is not an OCPI DateTime; the message says what is wrong."""


def parse_datetime(value: str) -> datetime:
    """Parse an OCPI DateTime into an aware UTC datetime."""
    if not isinstance(value, str):
        raise InvalidDateTime(f"expected a DateTime string, got {type(value).__name__}")
    match = _DATETIME_RE.fullmatch(value.strip())
    if match is None:
        raise InvalidDateTime(f"{value!r} is not an ISO 8601 DateTime like 2015-06-29T20:39:09Z")
    parts = match.groupdict()
    fraction = parts["fraction"] or ""
    microsecond = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"]),
            microsecond,
            tzinfo=_zone(parts["tz"]),
        )
        return moment.astimezone(UTC)
    except ValueError as exc:
        raise InvalidDateTime(f"{value!r} is not a valid date and time ({exc})") from None
    except OverflowError:
        raise InvalidDateTime(f"{value!r} is outside the range of dates we handle") from None


def format_datetime(value: datetime) -> str:
    """Format as OCPI DateTime, UTC with ``Z``. A naive datetime is taken to be UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _zone(designator: str | None) -> timezone:
    if designator is None or designator in ("Z", "z"):
        return UTC
    sign = -1 if designator[0] == "-" else 1
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise InvalidDateTime(f"offset {designator!r} is out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def ci_normalize(value: str) -> str:
    """The canonical form of a CiString (case-insensitive printable ASCII), for keys and lookups."""
    return value.lower()


def ci_equal(left: str, right: str) -> bool:
    """Compare two CiString values as OCPI does: case-insensitively."""
    return ci_normalize(left) == ci_normalize(right)
