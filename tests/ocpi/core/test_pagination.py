"""Pagination of served lists: parameters, headers, Link, clamping, windows, stable order."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocpi.core.pagination import PageRequest, paginate
from tests.testapp.models import Thing

TOKEN = "paging-token"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def get(ocpi_server, parties, http):
    parties.add(TOKEN)

    def call(url):
        if url.startswith("/"):
            url = f"{ocpi_server}{url}"
        return http.get(url, headers={"Authorization": f"Token {TOKEN}"}, timeout=10)

    return call


def make_things(count, *, start=0):
    return Thing.objects.bulk_create(
        Thing(name=f"thing-{index}", last_updated=T0 + timedelta(minutes=index))
        for index in range(start, start + count)
    )


def next_link(response):
    header = response.headers.get("Link")
    if header is None:
        return None
    match = re.fullmatch(r'<([^>]+)>; rel="next"', header)
    assert match, header
    return match.group(1)


def walk(get, url):
    names, pages = [], 0
    while url:
        response = get(url)
        assert response.status_code == 200, response.text
        names += [item["name"] for item in response.json()["data"]]
        pages += 1
        url = next_link(response)
    return names, pages


def test_it_sends_total_limit_and_an_absolute_link_keeping_every_filter(get, ocpi_server):
    make_things(25)
    response = get("/ocpi/test/things?limit=10&date_from=2024-01-01T00:02:00Z&date_to=2024-01-01T00:20:00&x=keep")
    assert response.headers["X-Total-Count"] == "18"
    assert response.headers["X-Limit"] == "10"
    link = next_link(response)
    assert link.startswith(f"{ocpi_server}/ocpi/test/things?")
    query = parse_qs(urlsplit(link).query)
    assert query["date_from"] == ["2024-01-01T00:02:00Z"]
    assert query["date_to"] == ["2024-01-01T00:20:00"]
    assert query["x"] == ["keep"]
    assert query["limit"] == ["10"]
    assert query["offset"] == ["10"]


def test_it_walks_every_object_once_in_creation_order_and_ends_without_link(get):
    make_things(23)
    names, pages = walk(get, "/ocpi/test/things?limit=5")
    assert names == [f"thing-{index}" for index in range(23)]
    assert pages == 5


def test_it_clamps_a_large_limit_and_says_so_in_x_limit(get, settings):
    settings.OCPI_PAGE_MAX_LIMIT = 7
    make_things(10)
    response = get("/ocpi/test/things?limit=100000")
    assert response.headers["X-Limit"] == "7"
    assert len(response.json()["data"]) == 7
    assert parse_qs(urlsplit(next_link(response)).query)["limit"] == ["7"]


def test_it_uses_the_default_limit_when_none_is_asked(get, settings):
    settings.OCPI_PAGE_DEFAULT_LIMIT = 4
    make_things(6)
    response = get("/ocpi/test/things")
    assert response.headers["X-Limit"] == "4"
    assert len(response.json()["data"]) == 4


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("offset=-1", "offset"),
        ("offset=abc", "offset"),
        ("limit=0", "limit"),
        ("limit=1.5", "limit"),
        ("offset=99999999999999999999999", "offset"),
        ("date_from=yesterday", "date_from"),
        ("date_to=2024-13-01T00:00:00Z", "date_to"),
    ],
)
def test_it_answers_2001_naming_a_bad_parameter(get, query, named):
    response = get(f"/ocpi/test/things?{query}")
    assert response.status_code == 400
    assert response.json()["status_code"] == 2001
    assert response.json()["status_message"].startswith(f"{named}:")


def test_date_from_is_inclusive_and_date_to_exclusive(get):
    make_things(10)  # minutes 0..9
    response = get("/ocpi/test/things?date_from=2024-01-01T00:03:00Z&date_to=2024-01-01T00:06:00Z")
    assert [item["name"] for item in response.json()["data"]] == ["thing-3", "thing-4", "thing-5"]
    assert response.headers["X-Total-Count"] == "3"


def test_it_accepts_an_offset_whose_plus_sign_arrived_unencoded(get):
    make_things(10)
    response = get("/ocpi/test/things?date_from=2024-01-01T01:03:00+01:00")
    assert response.status_code == 200
    assert response.json()["data"][0]["name"] == "thing-3"


def test_pages_stay_stable_while_objects_are_inserted_during_a_walk(get):
    make_things(10)
    first = get("/ocpi/test/things?limit=4")
    make_things(5, start=100)  # created while the client is between pages
    names = [item["name"] for item in first.json()["data"]]
    more, _ = walk(get, next_link(first))
    names += more
    assert names[:10] == [f"thing-{index}" for index in range(10)]
    assert names[10:] == [f"thing-{index}" for index in range(100, 105)]
    assert len(set(names)) == len(names)


def test_offset_paging_without_link_gives_the_same_pages(get):
    make_things(12)
    by_offset = []
    for offset in range(0, 12, 5):
        by_offset += [item["name"] for item in get(f"/ocpi/test/things?limit=5&offset={offset}").json()["data"]]
    by_link, _ = walk(get, "/ocpi/test/things?limit=5")
    assert by_offset == by_link


def test_a_page_reached_through_link_costs_no_offset_scan(db):
    things = make_things(30)
    with CaptureQueriesContext(connection) as queries:
        page = paginate(Thing.objects.all(), PageRequest(offset=20, limit=5, after=things[19].pk))
    assert [thing.name for thing in page.items] == [f"thing-{index}" for index in range(20, 25)]
    page_query = queries.captured_queries[-1]["sql"].upper()
    assert "OFFSET" not in page_query
    assert page.next_after == things[24].pk


def test_the_last_page_has_no_next_key(db):
    make_things(5)
    page = paginate(Thing.objects.all(), PageRequest(offset=0, limit=5))
    assert len(page.items) == 5
    assert not page.has_next


def test_a_client_that_changes_the_offset_of_a_link_is_served_by_that_offset(get):
    make_things(10)
    link = next_link(get("/ocpi/test/things?limit=4"))
    assert "offset=4" in link
    previous = link.replace("offset=4", "offset=3")  # re-reading one back, as reference §1.5 advises
    assert [item["name"] for item in get(previous).json()["data"]] == [f"thing-{index}" for index in range(3, 7)]


def test_a_walk_counts_its_window_once_and_keeps_that_total_on_every_page(get):
    make_things(10)
    first = get("/ocpi/test/things?limit=4&date_from=2024-01-01T00:02:00Z")
    assert first.headers["X-Total-Count"] == "8"
    make_things(1, start=10)  # arrives during the walk
    second = get(next_link(first))
    assert second.headers["X-Total-Count"] == "8"  # the count when the walk began
    paged = paginate(Thing.objects.all(), PageRequest(offset=4, limit=4, after=6, total=8))
    with CaptureQueriesContext(connection) as queries:
        paginate(Thing.objects.all(), PageRequest(offset=4, limit=4, after=6, total=8))
    assert len(queries) == 1  # the page only: no COUNT
    assert paged.total == 8
    restarted = get("/ocpi/test/things?limit=4&date_from=2024-01-01T00:02:00Z")
    assert restarted.headers["X-Total-Count"] == "9"  # a new walk counts again


def test_an_offset_past_the_end_is_an_empty_page_read_without_scanning(get):
    make_things(3)
    with CaptureQueriesContext(connection) as queries:
        page = paginate(Thing.objects.all(), PageRequest(offset=10**15, limit=1000))
    assert (page.items, page.total, page.has_next) == ([], 3, False)
    assert len(queries) == 1  # the count only
    answer = get("/ocpi/test/things?offset=9007199254740992&limit=100000")
    assert (answer.status_code, answer.json()["data"], answer.headers["X-Limit"]) == (200, [], "1000")


def test_deleting_an_object_already_served_does_not_skip_one_on_the_next_page(get):
    things = make_things(10)
    first = get("/ocpi/test/things?limit=4")
    things[0].delete()  # OFFSET paging would now skip thing-4
    second = get(next_link(first))
    assert [item["name"] for item in second.json()["data"]] == ["thing-4", "thing-5", "thing-6", "thing-7"]


@pytest.mark.parametrize("value", ["5", "x:1", "1:-2", "1:2:3:4", "1:2:x"])
def test_a_malformed_after_key_is_2001(get, value):
    response = get(f"/ocpi/test/things?after={value}")
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert response.json()["status_message"].startswith("after:")


def test_a_datetime_beyond_the_calendar_is_2001_not_500(get):
    response = get("/ocpi/test/things?date_from=0001-01-01T00:00:00%2B01:00")
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
