"""CPOs read our token list (reference §4.5.1 GET): every token, paginated, filtered by last_updated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from customers.services import customer_block
from ocpi.tokens.models import Token
from ocpi.tokens.services import token_block
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import TOKEN_SCHEMA, token
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def stamp(tokens, minutes_apart=10):
    """Known last_updated values, in issue order."""
    for index, item in enumerate(tokens):
        Token.objects.filter(pk=item.pk).update(last_updated=T0 + timedelta(minutes=minutes_apart * index))


def test_it_serves_every_token_with_every_field_valid_under_chargemaps_schema(cpo):
    owner = customer(contract_id="NL-EMS-C7")
    token(owner, uid="04A1", language="nl", whitelist="ALWAYS")
    token(owner, uid="04A2", visual_number="", type="OTHER")
    answer = cpo.call("GET", "tokens")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert schema_errors(TOKEN_SCHEMA, body) == []
    first, second = body["data"]
    assert {key: value for key, value in first.items() if key != "last_updated"} == {
        "uid": "04A1", "type": "RFID", "auth_id": "NL-EMS-C7", "visual_number": "NL-EMS-0001",
        "issuer": "Open eMSP", "valid": True, "whitelist": "ALWAYS", "language": "nl",
    }  # fmt: skip
    assert "visual_number" not in second
    assert "language" not in second
    assert first["last_updated"].endswith("Z")
    assert answer.headers["X-Total-Count"] == "2"


def test_it_includes_invalid_tokens_and_those_of_blocked_customers_as_not_valid(cpo):
    blocked_token = token(uid="BLOCKED")
    token_block(token=blocked_token)
    owner = customer()
    token(owner, uid="CUSTOMER-BLOCKED")
    customer_block(customer=owner)
    token(uid="FINE")
    data = cpo.call("GET", "tokens").json()["data"]
    assert {item["uid"]: item["valid"] for item in data} == {"BLOCKED": False, "CUSTOMER-BLOCKED": False, "FINE": True}


def test_it_pages_in_creation_order_following_link_with_every_token_once(cpo):
    issued = [token(uid=f"T{number:02d}") for number in range(7)]
    stamp(reversed(issued))  # last_updated runs against creation order: the order is creation
    seen: list[str] = []
    url: str | None = "tokens?limit=3"
    pages = 0
    while url:
        answer = cpo.call("GET", url)
        assert answer.status_code == 200, answer.text
        assert answer.headers["X-Limit"] == "3"
        assert answer.headers["X-Total-Count"] == "7"
        seen += [item["uid"] for item in answer.json()["data"]]
        link = answer.headers.get("Link")
        url = link[1 : link.index(">")] if link else None
        pages += 1
    assert seen == [item.uid for item in issued]
    assert pages == 3


def test_it_filters_by_last_updated_from_inclusive_to_exclusive_and_keeps_filters_in_link(cpo):
    issued = [token(uid=f"D{number}") for number in range(6)]
    stamp(issued)  # D0 at T0, D1 at T0+10 min, ...
    answer = cpo.call(
        "GET", "tokens", params={"date_from": "2026-01-01T00:10:00Z", "date_to": "2026-01-01T00:40:00Z", "limit": 2}
    )
    assert [item["uid"] for item in answer.json()["data"]] == ["D1", "D2"]
    assert answer.headers["X-Total-Count"] == "3"
    link = answer.headers["Link"]
    assert "date_from=2026-01-01T00%3A10%3A00Z" in link
    assert "date_to=2026-01-01T00%3A40%3A00Z" in link
    rest = cpo.call("GET", link[1 : link.index(">")])
    assert [item["uid"] for item in rest.json()["data"]] == ["D3"]
    assert "Link" not in rest.headers


def test_it_refuses_a_bad_date_naming_the_parameter(cpo):
    answer = cpo.call("GET", "tokens", params={"date_from": "yesterday"})
    assert answer.status_code == 400
    assert answer.json()["status_code"] == 2001
    assert answer.json()["status_message"].startswith("date_from")


def test_it_answers_an_empty_list_when_there_are_no_tokens(cpo):
    body = cpo.call("GET", "tokens").json()
    assert body["data"] == []
    assert schema_errors(TOKEN_SCHEMA, body) == []


def test_it_lists_the_tokens_module_in_version_details(cpo):
    endpoints = cpo.call("GET", "").json()["data"]["endpoints"]
    assert {"identifier": "tokens", "url": f"{cpo.base_url}/ocpi/emsp/2.1.1/tokens"} in endpoints


def test_it_refuses_an_unknown_caller(ocpi_server, http):
    answer = http.get(f"{ocpi_server}/ocpi/emsp/2.1.1/tokens", headers={"Authorization": "Token nope"})
    assert answer.status_code == 401


def test_it_answers_the_total_from_the_tally_unfiltered_and_from_a_count_filtered(cpo):
    from ocpi.tokens.models import TokenTally

    issued = [token(uid=f"C{number}") for number in range(4)]
    stamp(issued)
    assert cpo.call("GET", "tokens").headers["X-Total-Count"] == "4"
    TokenTally.objects.filter(pk=1).update(count=1000)  # proves which source answers
    assert cpo.call("GET", "tokens").headers["X-Total-Count"] == "1000"
    window = cpo.call("GET", "tokens", params={"date_from": "2026-01-01T00:10:00Z"})
    assert window.headers["X-Total-Count"] == "3"
    TokenTally.objects.all().delete()
    assert cpo.call("GET", "tokens").headers["X-Total-Count"] == "4"


def test_it_reads_a_page_in_three_queries_of_its_own_whatever_its_size(cpo):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for number in range(30):
        token(uid=f"Q{number:02d}")
    with CaptureQueriesContext(connection) as queries:
        answer = Client().get("/ocpi/emsp/2.1.1/tokens?limit=30", HTTP_AUTHORIZATION=f"Token {cpo.token}")
    assert len(answer.json()["data"]) == 30
    ours = [q["sql"] for q in queries.captured_queries if "ocpi_tokens" in q["sql"] or "customers_" in q["sql"]]
    assert len(ours) == 3, ours  # the total (tally), the page, the blocked customers among the page's


def test_it_answers_an_empty_window_with_no_tokens_and_a_zero_total(cpo):
    stamp([token(uid="OLD")])
    answer = cpo.call("GET", "tokens", params={"date_from": "2027-01-01T00:00:00Z"})
    assert (answer.json()["data"], answer.headers["X-Total-Count"]) == ([], "0")


def test_it_serves_a_window_by_plain_offsets_too(cpo):
    """A client that computes offsets itself (no ``after``) gets the same pages in a window."""
    early = [token(uid=f"E{number}") for number in range(3)]
    late = [token(uid=f"L{number}") for number in range(4)]
    stamp([*late, *early])  # the window (the last 3 stamps) holds E0..E2, issued first
    window = {"date_from": "2026-01-01T00:40:00Z", "limit": 2}
    first = cpo.call("GET", "tokens", params=window).json()["data"]
    second = cpo.call("GET", "tokens", params={**window, "offset": 2}).json()["data"]
    assert [item["uid"] for item in first + second] == ["E0", "E1", "E2"]
