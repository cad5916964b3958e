"""PATCH at each level, and the DESIGN.md §4 rules: stale writes, last_updated propagation,
REMOVED EVSEs kept and served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocpi.locations import services
from ocpi.locations.models import Evse, Location
from ocpi.locations.schemas import EvsePatch
from tests.ocpi.locations.conftest import (
    assert_invalid,
    assert_not_found,
    assert_ok,
    connector,
    data_of,
    evse,
    location,
    spec_location,
)

LATER = "2015-07-01T12:00:00Z"


def served_at(cpo, path):
    return data_of(cpo.call("GET", path))


def test_it_changes_only_the_given_fields_of_a_location(cpo, stored):
    assert_ok(cpo.call("PATCH", stored, json={"name": "Interparking", "facilities": ["CAFE"], "last_updated": LATER}))
    expected = {**spec_location(), "name": "Interparking", "facilities": ["CAFE"], "last_updated": LATER}
    assert served_at(cpo, stored) == expected
    assert Location.objects.get().name == "Interparking"


def test_it_clears_an_optional_field_given_as_null_at_each_level(cpo, stored):
    assert_ok(cpo.call("PATCH", stored, json={"name": None, "operator": None}))
    assert_ok(cpo.call("PATCH", f"{stored}/3256", json={"evse_id": None, "floor_level": None}))
    assert_ok(cpo.call("PATCH", f"{stored}/3256/1", json={"tariff_id": None}))
    served = served_at(cpo, stored)
    assert "name" not in served
    assert "operator" not in served
    assert "evse_id" not in served["evses"][0]
    assert "floor_level" not in served["evses"][0]
    assert "tariff_id" not in served["evses"][0]["connectors"][0]
    assert Evse.objects.get(uid="3256").evse_id == ""


def test_it_refuses_null_for_a_required_field(cpo, stored):
    assert_invalid(cpo.call("PATCH", f"{stored}/3256", json={"status": None}), mentions="status")
    assert_invalid(cpo.call("PATCH", stored, json={"address": None}), mentions="address")
    assert served_at(cpo, stored) == spec_location()


def test_it_accepts_a_patch_without_last_updated_and_stamps_the_time_received(cpo, stored):
    before = datetime.now(UTC).replace(microsecond=0)
    assert_ok(cpo.call("PATCH", f"{stored}/3257", json={"status": "AVAILABLE"}))
    served = served_at(cpo, stored)
    evse_stamp = datetime.fromisoformat(served["evses"][1]["last_updated"])
    assert before <= evse_stamp <= datetime.now(UTC)
    assert served["evses"][1]["status"] == "AVAILABLE"
    assert served["last_updated"] == served["evses"][1]["last_updated"]


def test_it_propagates_an_evse_change_to_its_location(cpo, stored):
    assert_ok(cpo.call("PATCH", f"{stored}/3256", json={"status": "CHARGING", "last_updated": LATER}))
    served = served_at(cpo, stored)
    assert (served["evses"][0]["status"], served["evses"][0]["last_updated"]) == ("CHARGING", LATER)
    assert served["last_updated"] == LATER
    assert served["evses"][1]["last_updated"] == "2015-06-29T20:39:09Z"  # siblings keep theirs


def test_it_propagates_a_connector_change_to_its_evse_and_location(cpo, stored):
    assert_ok(cpo.call("PATCH", f"{stored}/3256/2", json={"tariff_id": "15", "last_updated": LATER}))
    served = served_at(cpo, stored)
    assert served["evses"][0]["connectors"][1] == {
        **spec_location()["evses"][0]["connectors"][1], "tariff_id": "15", "last_updated": LATER,
    }  # fmt: skip
    assert served["evses"][0]["connectors"][0]["last_updated"] == "2015-03-16T10:10:02Z"
    assert served["evses"][0]["last_updated"] == LATER
    assert served["last_updated"] == LATER


def test_it_propagates_evse_and_connector_puts_too(cpo, stored):
    assert_ok(cpo.call("PUT", f"{stored}/3257/1", json=connector("1", last_updated=LATER)))
    served = served_at(cpo, stored)
    assert (served["evses"][1]["last_updated"], served["last_updated"]) == (LATER, LATER)
    even_later = "2015-08-01T00:00:00Z"
    assert_ok(cpo.call("PUT", f"{stored}/3258", json=evse("3258", last_updated=even_later)), 201)
    assert served_at(cpo, stored)["last_updated"] == even_later


def test_it_never_moves_a_parent_last_updated_backwards(cpo, stored):
    older = "2015-01-01T00:00:00Z"
    assert_ok(cpo.call("PUT", f"{stored}/3259", json=evse("3259", last_updated=older)), 201)
    assert served_at(cpo, stored)["last_updated"] == spec_location()["last_updated"]


def test_it_ignores_stale_writes_at_every_level_and_still_answers_1000(cpo, stored):
    old = "2015-01-01T00:00:00Z"
    assert_ok(cpo.call("PUT", stored, json=location(name="Old name", last_updated=old)), 200)
    assert_ok(cpo.call("PATCH", stored, json={"name": "Old name", "last_updated": old}))
    assert_ok(cpo.call("PUT", f"{stored}/3256", json=evse("3256", status="BLOCKED", last_updated=old)), 200)
    assert_ok(cpo.call("PATCH", f"{stored}/3256", json={"status": "BLOCKED", "last_updated": old}))
    assert_ok(cpo.call("PUT", f"{stored}/3256/1", json=connector("1", voltage=110, last_updated=old)), 200)
    assert_ok(cpo.call("PATCH", f"{stored}/3256/1", json={"voltage": 110, "last_updated": old}))
    assert served_at(cpo, stored) == spec_location()


def test_it_applies_a_write_as_new_as_the_stored_one(cpo, stored):
    same = spec_location()["last_updated"]
    assert_ok(cpo.call("PATCH", stored, json={"name": "Same second", "last_updated": same}))
    assert served_at(cpo, stored)["name"] == "Same second"


def test_it_answers_404_to_a_patch_of_an_unknown_object(cpo, stored):
    assert_not_found(cpo.call("PATCH", "locations/NL/CPO/NOPE", json={"name": "x"}))
    assert_not_found(cpo.call("PATCH", f"{stored}/9999", json={"status": "CHARGING"}))
    assert_not_found(cpo.call("PATCH", f"{stored}/3256/9", json={"tariff_id": "1"}))
    assert served_at(cpo, stored) == spec_location()
    assert not Location.objects.filter(ocpi_id="NOPE").exists()


def test_it_keeps_an_evse_patched_to_removed_in_its_location_and_serves_it(cpo, stored):
    assert_ok(cpo.call("PATCH", f"{stored}/3257", json={"status": "REMOVED", "evse_id": None}))
    served = served_at(cpo, stored)
    assert [(e["uid"], e["status"]) for e in served["evses"]] == [("3256", "AVAILABLE"), ("3257", "REMOVED")]
    assert served_at(cpo, f"{stored}/3257")["status"] == "REMOVED"


def test_it_keeps_an_evse_left_out_of_a_location_put_as_removed(cpo, stored):
    only_first = location(last_updated=LATER)
    only_first["evses"] = only_first["evses"][:1]
    assert_ok(cpo.call("PUT", stored, json=only_first), 200)
    assert served_at(cpo, stored) == only_first  # the Location is what was put
    left_out = served_at(cpo, f"{stored}/3257")  # the EVSE stays stored and reachable
    assert (left_out["status"], left_out["last_updated"]) == ("REMOVED", LATER)
    assert left_out["connectors"] == spec_location()["evses"][1]["connectors"]
    row = Evse.objects.get(uid="3257")
    assert (row.status, row.listed) == ("REMOVED", False)


def test_it_lists_an_evse_again_when_the_cpo_puts_it_back(cpo, stored):
    only_first = location(last_updated=LATER)
    only_first["evses"] = only_first["evses"][:1]
    assert_ok(cpo.call("PUT", stored, json=only_first), 200)
    back = evse("3257", last_updated="2015-08-01T00:00:00Z")
    assert_ok(cpo.call("PUT", f"{stored}/3257", json=back), 200)
    assert [e["uid"] for e in served_at(cpo, stored)["evses"]] == ["3256", "3257"]


def test_it_replaces_the_evses_of_a_location_patch(cpo, stored):
    replacement = [evse("3300", last_updated=LATER), spec_location()["evses"][0]]
    assert_ok(cpo.call("PATCH", stored, json={"evses": replacement, "last_updated": LATER}))
    served = served_at(cpo, stored)
    assert served["evses"] == replacement
    assert served_at(cpo, f"{stored}/3257")["status"] == "REMOVED"
    assert Evse.objects.count() == 3


def test_it_replaces_the_connectors_of_an_evse_patch(cpo, stored):
    assert_ok(cpo.call("PATCH", f"{stored}/3256", json={"connectors": [connector("7")]}))
    assert served_at(cpo, f"{stored}/3256")["connectors"] == [connector("7")]
    assert_not_found(cpo.call("GET", f"{stored}/3256/1"))


def test_it_refuses_an_id_in_a_patch_body_that_differs_from_the_url(cpo, stored):
    assert_invalid(cpo.call("PATCH", stored, json={"id": "OTHER", "name": "x"}), mentions="id")
    assert_invalid(cpo.call("PATCH", f"{stored}/3256", json={"uid": "OTHER"}), mentions="uid")
    assert_invalid(cpo.call("PATCH", f"{stored}/3256/1", json={"id": "2"}), mentions="id")
    assert served_at(cpo, stored) == spec_location()


def test_a_stale_location_put_leaves_newer_evse_changes_alone(cpo, stored):
    newer = (datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert_ok(cpo.call("PATCH", f"{stored}/3256", json={"status": "CHARGING", "last_updated": newer}))
    assert_ok(cpo.call("PUT", stored, json=location(last_updated="2015-06-29T20:40:00Z")), 200)
    assert served_at(cpo, f"{stored}/3256")["status"] == "CHARGING"


def test_an_evse_status_patch_is_one_statement_on_postgresql_and_a_locked_read_write_elsewhere(cpo, stored):
    patch = EvsePatch(status="CHARGING")
    keys = {"partner_id": cpo.partner.pk, "country_code": "NL", "party_id": "CPO", "location_id": "LOC1"}
    with CaptureQueriesContext(connection) as captured:
        services.evse_patch(**keys, evse_uid="3256", patch=patch)
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    statements = [word for word in statements if word in ("WITH", "SELECT", "UPDATE", "INSERT", "DELETE")]
    if connection.vendor == "postgresql":
        assert statements == ["WITH"]  # lock Location, guarded EVSE update, Location touched: one round trip
        assert "FOR UPDATE" in captured.captured_queries[0]["sql"]
    else:
        assert statements == ["SELECT", "SELECT", "UPDATE", "UPDATE"]  # lock Location, read EVSE, write both
    assert served_at(cpo, f"{stored}/3256")["status"] == "CHARGING"
