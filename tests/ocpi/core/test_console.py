"""The large-list pieces of the consoles: prefix search through the indexes, one count per
page, an estimated count of a big unfiltered table on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ocpi.core.console import EstimatedCountPaginator
from ocpi.tokens.models import Token
from tests.console import makers
from tests.customers.makers import customer as make_customer
from tests.ocpi.tokens.makers import token as make_token

TOKENS = "/admin/ocpi_tokens/token/"


def found(client: Client, term: str) -> set[str]:
    response = client.get(TOKENS, {"q": term})
    assert response.status_code == 200
    return {uid for uid in Token.objects.values_list("uid", flat=True) if f">{uid}<" in response.content.decode()}


def test_search_matches_each_field_from_its_start_in_any_case(admin_client):
    ann = make_token(customer=make_customer(email="ann@example.com"), uid="04A1B2C3D4")
    bob = make_token(customer=make_customer(email="bob@example.com"), uid="04FFEEDDCC")
    assert found(admin_client, "04a1") == {ann.uid}
    assert found(admin_client, "04") == {ann.uid, bob.uid}
    assert found(admin_client, "BOB@") == {bob.uid}  # e-mail addresses are stored lower-case
    assert found(admin_client, ann.auth_id) == {ann.uid}
    assert found(admin_client, "B2C3") == {ann.uid}  # nothing from the start: then anywhere


def test_a_search_found_from_the_start_runs_no_search_for_the_term_anywhere(admin_client):
    make_token(uid="04A1B2C3D4")
    with CaptureQueriesContext(connection) as prefix:
        admin_client.get(TOKENS, {"q": "04A1"})
    with CaptureQueriesContext(connection) as anywhere:
        admin_client.get(TOKENS, {"q": "B2C3"})
    assert not any("%04A1%" in query["sql"].upper() for query in prefix.captured_queries)
    assert any("%B2C3%" in query["sql"].upper() for query in anywhere.captured_queries)


def test_a_list_is_counted_once(admin_client):
    make_token()
    response = admin_client.get(TOKENS, {"valid__exact": "1"})
    assert "total)" not in response.content.decode()  # no second, unfiltered count


@pytest.mark.postgres
def test_a_big_unfiltered_table_is_counted_from_the_statistics(db, monkeypatch):
    makers.customers_and_tokens(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ocpi_tokens_token")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 10)
    everything = EstimatedCountPaginator(Token.objects.all(), 10)
    filtered = EstimatedCountPaginator(Token.objects.filter(uid__startswith="U"), 10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'ocpi_tokens_token'")
        estimate = int(cursor.fetchone()[0])
    assert everything.count == estimate
    assert filtered.count == 30


def test_a_small_table_is_counted_exactly(db):
    makers.customers_and_tokens(3)
    assert EstimatedCountPaginator(Token.objects.all(), 10).count == 3


def test_fields_without_an_index_are_left_to_the_anywhere_search(admin_client):
    card = make_token(visual_number="VIS-12345")
    with CaptureQueriesContext(connection) as captured:
        assert found(admin_client, "VIS-123") == {card.uid}
    union = next(query["sql"] for query in captured.captured_queries if "UNION" in query["sql"])
    assert "visual_number" not in union.split("WHERE", 1)[1]
