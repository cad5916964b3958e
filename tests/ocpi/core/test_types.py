"""OCPI DateTime and CiString handling (DESIGN.md §4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocpi.core.types import InvalidDateTime, ci_equal, ci_normalize, format_datetime, parse_datetime

MOMENT = datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-06-29T20:39:09Z", MOMENT),
        ("2015-06-29T20:39:09", MOMENT),
        ("2015-06-29t20:39:09z", MOMENT),
        ("2015-06-29T20:39:09.123Z", MOMENT.replace(microsecond=123000)),
        ("2015-06-29T20:39:09.123456789", MOMENT.replace(microsecond=123456)),
        ("2015-06-29T22:39:09+02:00", MOMENT),
        ("2015-06-29T15:39:09-0500", MOMENT),
        ("2015-06-29T20:39:09+00:00", MOMENT),
        ("2015-06-30T00:09:09.5+03:30", MOMENT.replace(microsecond=500000)),
    ],
)
def test_it_parses_every_accepted_form_to_utc_and_formats_it_back(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC
    assert format_datetime(parsed) == "2015-06-29T20:39:09Z"
    assert parse_datetime(format_datetime(parsed)) == expected.replace(microsecond=0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2015-06-29",
        "2015-06-29 20:39:09",
        "2015-13-29T20:39:09Z",
        "2015-02-30T20:39:09Z",
        "2015-06-29T25:39:09Z",
        "2015-06-29T20:39:09+24:00",
        "2015-06-29T20:39:09ZZ",
        "20150629T203909Z",
    ],
)
def test_it_rejects_what_is_not_an_ocpi_datetime_with_a_message(text):
    with pytest.raises(InvalidDateTime, match=r"DateTime|valid date|offset"):
        parse_datetime(text)


def test_it_rejects_a_non_string():
    with pytest.raises(InvalidDateTime, match="string"):
        parse_datetime(20150629)  # type: ignore[arg-type]


def test_it_formats_naive_datetimes_as_utc_and_aware_ones_converted():
    assert format_datetime(datetime(2020, 1, 2, 3, 4, 5)) == "2020-01-02T03:04:05Z"
    assert format_datetime(datetime(2020, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2)))) == "2020-01-02T03:04:05Z"


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 2),
        max_value=datetime(9998, 12, 30),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))]),
    )
)
def test_format_then_parse_gives_the_same_instant_to_the_second(moment):
    assert parse_datetime(format_datetime(moment)) == moment.astimezone(UTC).replace(microsecond=0)


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=36))
def test_cistring_comparison_ignores_case_only(value):
    assert ci_equal(value, value.upper())
    assert ci_equal(value.lower(), value)
    assert ci_normalize(value) == ci_normalize(value.swapcase())
    assert not ci_equal(value, value + "x")
