"""Property: arbitrary JSON fed to every wire-object validator we use on requests never raises
anything but our validation error (2001) — no TypeError, KeyError or RecursionError escapes."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocpi.core.errors import InvalidParameters
from ocpi.core.registry import SUPPORTED_VERSIONS, registry
from ocpi.core.wire import convert

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=6),
    max_leaves=40,
)


def request_types():
    found = {}
    for version in SUPPORTED_VERSIONS:
        for spec in registry.modules(version):
            if not spec.urls:
                continue
            for operation in getattr(importlib.import_module(spec.urls), "operations", ()):
                if isinstance(operation.request, type):
                    found[f"{spec.identifier}.{operation.request.__name__}"] = operation.request
    return found


TYPES = request_types()


def test_every_module_request_type_is_covered():
    assert {"sessions.Session", "locations.EvsePatch", "cdrs.CDR", "tariffs.Tariff", "credentials.Credentials"} <= set(
        TYPES
    )


@pytest.mark.parametrize("name", sorted(TYPES))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSON)
def test_arbitrary_json_is_accepted_or_refused_with_2001_never_anything_else(name, data):
    assert outcome(data, TYPES[name])  # any other exception fails the test


@pytest.mark.parametrize("name", ["sessions.Session", "cdrs.CDR", "locations.Location"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_object_with_its_own_field_names_and_arbitrary_values_is_never_a_crash(name, data):
    kind = TYPES[name]
    names = data.draw(st.lists(st.sampled_from(list(kind.__struct_fields__)), unique=True))
    assert outcome({field: data.draw(JSON) for field in names}, kind)


def outcome(data, kind) -> str:
    """ "accepted", or the 2001 message that refused ``data``."""
    try:
        convert(data, kind)
    except InvalidParameters as exc:
        return exc.message
    return "accepted"
