"""Every answer of the OCPI API is an envelope with the right HTTP status (real HTTP)."""

from __future__ import annotations

import base64

import pytest

from ocpi.core.authentication import TokenScope
from ocpi.core.types import parse_datetime

TOKEN = "full-access-token-1"
TOKEN_A = "registration-token-a"


@pytest.fixture
def api(ocpi_server, parties, http):
    parties.add(TOKEN)
    parties.add(TOKEN_A, scope=TokenScope.REGISTRATION, partner_id=2, party="DE/NEW")

    def call(method, path, *, token=TOKEN, **kwargs):
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers.setdefault("Authorization", f"Token {token}")
        return http.request(method, f"{ocpi_server}{path}", headers=headers, timeout=10, **kwargs)

    return call


def assert_envelope(response, *, http_status, ocpi_status):
    assert response.status_code == http_status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == ocpi_status
    parse_datetime(body["timestamp"])
    assert body["timestamp"].endswith("Z")
    return body


def test_it_answers_401_with_the_envelope_without_a_token(api):
    response = api("GET", "/ocpi/emsp/versions", token=None)
    body = assert_envelope(response, http_status=401, ocpi_status=2000)
    assert "data" not in body
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token nobody-knows-me", "Bearer full-access-token-1", "Token", "Token a b"])
def test_it_answers_401_for_unknown_tokens_and_malformed_headers(api, header):
    response = api("GET", "/ocpi/emsp/versions", token=None, headers={"Authorization": header})
    assert_envelope(response, http_status=401, ocpi_status=2000)


def test_it_accepts_the_token_raw_and_base64_encoded(api):
    encoded = base64.b64encode(TOKEN.encode()).decode()
    assert_envelope(api("GET", "/ocpi/emsp/versions"), http_status=200, ocpi_status=1000)
    assert_envelope(api("GET", "/ocpi/emsp/versions", token=encoded), http_status=200, ocpi_status=1000)


def test_it_refuses_a_token_whose_raw_and_base64_readings_name_different_parties(api, parties):
    raw = "QUJDRA=="  # itself a token, and Base64 of "ABCD"
    parties.add(raw, partner_id=7, party="BE/ONE")
    parties.add("ABCD", partner_id=8, party="BE/TWO")
    body = assert_envelope(api("GET", "/ocpi/emsp/versions", token=raw), http_status=401, ocpi_status=2000)
    assert "Ambiguous" in body["status_message"]


def test_it_lets_a_registration_token_reach_versions_and_details_only(api):
    assert_envelope(api("GET", "/ocpi/emsp/versions", token=TOKEN_A), http_status=200, ocpi_status=1000)
    assert_envelope(api("GET", "/ocpi/emsp/2.1.1/", token=TOKEN_A), http_status=200, ocpi_status=1000)
    body = assert_envelope(api("GET", "/ocpi/test/things", token=TOKEN_A), http_status=401, ocpi_status=2000)
    assert "registration" in body["status_message"]
    assert_envelope(api("GET", "/ocpi/test/things"), http_status=200, ocpi_status=1000)


def test_it_answers_400_2001_for_a_body_that_is_not_json(api):
    response = api("POST", "/ocpi/test/things", data=b'{"name": "x",', headers={"Content-Type": "application/json"})
    body = assert_envelope(response, http_status=400, ocpi_status=2001)
    assert "not valid JSON" in body["status_message"]


def test_it_answers_400_2001_for_an_empty_body(api):
    response = api("POST", "/ocpi/test/things", data=b"", headers={"Content-Type": "application/json"})
    assert_envelope(response, http_status=400, ocpi_status=2001)


def test_it_reads_a_json_body_sent_without_content_type(api):
    response = api("POST", "/ocpi/test/things", data=b'{"name": "no header"}')
    body = assert_envelope(response, http_status=201, ocpi_status=1000)
    assert body["data"]["name"] == "no header"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/xml"])
def test_it_answers_415_for_a_body_declared_as_something_else(api, content_type):
    response = api("POST", "/ocpi/test/things", data=b"name=x", headers={"Content-Type": content_type})
    assert_envelope(response, http_status=415, ocpi_status=2000)


def test_it_names_the_field_path_of_a_validation_error(api):
    response = api("POST", "/ocpi/test/things", json={"name": "ok", "tags": [{"a": 1}, {"b": "not-a-number"}]})
    body = assert_envelope(response, http_status=400, ocpi_status=2001)
    assert "tags[1].b" in body["status_message"]


@pytest.mark.parametrize("method", ["DELETE", "PUT", "OPTIONS"])
def test_it_answers_405_with_the_envelope(api, method):
    response = api(method, "/ocpi/test/things")
    assert_envelope(response, http_status=405, ocpi_status=2000)


def test_it_answers_404_with_the_envelope_for_unknown_ocpi_urls(api):
    assert_envelope(api("GET", "/ocpi/emsp/2.1.1/nothing-here"), http_status=404, ocpi_status=2000)
    assert_envelope(api("GET", "/ocpi/emsp/9.9/"), http_status=404, ocpi_status=2000)
    assert_envelope(api("GET", "/ocpi/emsp/2.1.1/nothing-here", token=None), http_status=401, ocpi_status=2000)


def test_it_maps_an_ocpi_error_to_its_http_status(api):
    body = assert_envelope(api("GET", "/ocpi/test/need-more"), http_status=400, ocpi_status=2002)
    assert body["status_message"] == "LocationReferences are required"


def test_it_answers_500_3000_for_an_unexpected_error_without_leaking_it(api, caplog):
    response = api("GET", "/ocpi/test/boom")
    body = assert_envelope(response, http_status=500, ocpi_status=3000)
    assert "internal detail" not in response.text
    assert "Traceback" not in response.text
    assert body["status_message"] == "Internal server error"
    assert any("internal detail that must not leak" in (record.exc_text or "") for record in caplog.records)


def test_it_echoes_a_request_id_or_makes_one(api):
    assert api("GET", "/ocpi/emsp/versions", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(api("GET", "/ocpi/emsp/versions").headers["X-Request-ID"]) == 32


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*"])
def test_it_answers_json_whatever_the_client_accepts(api, accept):
    response = api("GET", "/ocpi/emsp/versions", headers={"Accept": accept})
    assert_envelope(response, http_status=200, ocpi_status=1000)


def test_it_answers_413_with_the_envelope_for_a_body_over_the_cap(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api("POST", "/ocpi/test/things", data=b'{"name": "' + b"x" * 2000 + b'"}')
    body = assert_envelope(response, http_status=413, ocpi_status=2000)
    assert "1024 bytes" in body["status_message"]


def test_an_unauthenticated_large_body_still_gets_the_401_envelope(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api("POST", "/ocpi/test/things", token=None, data=b"x" * 5000)
    assert_envelope(response, http_status=401, ocpi_status=2000)


def test_it_answers_2001_for_json_nested_too_deeply(api):
    response = api("POST", "/ocpi/test/things", data=b"[" * 100_000 + b"]" * 100_000)
    body = assert_envelope(response, http_status=400, ocpi_status=2001)
    assert "nested too deeply" in body["status_message"]


def test_a_request_refused_before_any_view_still_gets_the_envelope(api):
    response = api("GET", "/ocpi/emsp/versions", headers={"Host": "not-allowed.example"})
    assert_envelope(response, http_status=400, ocpi_status=2000)


def test_outside_ocpi_django_answers_as_usual(ocpi_server, http):
    response = http.get(f"{ocpi_server}/admin/login/", headers={"Host": "not-allowed.example"}, timeout=10)
    assert response.status_code == 400
    assert not response.headers["Content-Type"].startswith("application/json")


def test_a_5_mb_body_is_413_with_the_default_cap(api):
    response = api("PUT", "/ocpi/emsp/2.1.1/sessions/NL/CPO/huge", data=b'{"id": "' + b"x" * 5_000_000 + b'"}')
    assert_envelope(response, http_status=413, ocpi_status=2000)
