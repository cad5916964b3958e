"""The outbound OCPI client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import logging
import socket
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import models

from ocpi.core.client import (
    OcpiClient,
    OcpiClientError,
    OcpiHttpError,
    OcpiProtocolError,
    OcpiStatusError,
    OcpiTransportError,
    close_sessions,
    parse_next_link,
    parse_retry_after,
)
from ocpi.core.models import JournalEntry
from tests.support.httpserver import ReceivedRequest, Reply, ScriptedServer

pytestmark = pytest.mark.django_db

TOKEN = "s3cr3t-partner-token-0123456789"
TOKEN_B64 = base64.b64encode(TOKEN.encode()).decode()


@pytest.fixture
def server():
    with ScriptedServer() as scripted:
        yield scripted
    close_sessions()


def make_client(**overrides):
    options: dict[str, Any] = {
        "partner_id": 42,
        "partner_label": "Test CPO",
        "connect_timeout": 1,
        "read_timeout": 2,
        "max_retries": 3,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
    }
    options.update(overrides)
    return OcpiClient(TOKEN, **options)


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- single calls -------------------------------------------------------------------------


def test_it_unwraps_the_envelope(server):
    server.enqueue("/versions", Reply.ocpi([{"version": "2.1.1"}], headers={"X-Extra": "yes"}))

    reply = make_client().get(server.url("/versions"), params={"a": 1})

    assert reply.data == [{"version": "2.1.1"}]
    assert reply.status_code == 1000
    assert reply.status_message == "Success"
    assert reply.http_status == 200
    assert reply.timestamp == "2024-01-01T00:00:00Z"
    assert reply.headers["x-extra"] == "yes"
    assert reply.url == server.url("/versions?a=1")


def test_it_sends_the_ocpi_headers(server):
    server.enqueue("/versions", Reply.ocpi([]), Reply.ocpi([]))
    client = make_client()

    client.get(server.url("/versions"))
    client.get(server.url("/versions"))

    first, second = server.received
    assert first.headers["Accept"] == "application/json"
    assert first.headers["Content-Type"] is None
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert first.headers["X-Correlation-ID"] == second.headers["X-Correlation-ID"] == client.correlation_id


@pytest.mark.parametrize(("encoding", "expected"), [("raw", f"Token {TOKEN}"), ("base64", f"Token {TOKEN_B64}")])
def test_it_sends_the_token_in_the_encoding_the_partner_expects(server, encoding, expected):
    server.enqueue("/versions", Reply.ocpi([]))

    make_client(token_encoding=encoding).get(server.url("/versions"))

    assert server.received[0].headers["Authorization"] == expected


def test_it_sends_bodies_as_json(server):
    server.enqueue("/tokens/NL/EMS/012345", Reply.ocpi(), method="PUT")

    reply = make_client().put(server.url("/tokens/NL/EMS/012345"), {"uid": "012345", "valid": True})

    assert reply.data is None
    (received,) = server.received
    assert received.method == "PUT"
    assert received.headers["Content-Type"] == "application/json"
    assert received.json() == {"uid": "012345", "valid": True}


def test_it_reuses_one_session_per_partner():
    assert make_client(partner_id=7).session is make_client(partner_id=7).session
    assert make_client(partner_id=7).session is not make_client(partner_id=8).session


# --- retries ------------------------------------------------------------------------------


def test_it_retries_server_errors_and_dropped_connections_then_succeeds(server):
    server.enqueue("/locations", Reply.ocpi(status=503, status_code=3000), Reply.dropped(), Reply.ocpi(["ok"]))

    reply = make_client().get(server.url("/locations"))

    assert reply.data == ["ok"]
    requests = server.received_on("/locations")
    assert len(requests) == 3
    assert len({r.headers["X-Request-ID"] for r in requests}) == 1  # one logical call


def test_it_waits_as_long_as_retry_after_asks_on_429(server):
    server.enqueue("/cdrs", Reply.ocpi(status=429, status_code=2000, headers={"Retry-After": "1"}), Reply.ocpi([]))

    started = time.monotonic()
    make_client().get(server.url("/cdrs"))

    assert time.monotonic() - started >= 0.9
    assert len(server.received) == 2


def test_it_caps_the_retry_after_wait(server):
    server.enqueue("/cdrs", Reply.ocpi(status=503, status_code=3000, headers={"Retry-After": "3600"}), Reply.ocpi([]))

    started = time.monotonic()
    make_client(retry_after_cap=0.1).get(server.url("/cdrs"))

    assert time.monotonic() - started < 1


def test_it_retries_a_read_timeout_then_raises_a_transient_transport_error(server):
    server.enqueue("/sessions", *[Reply.ocpi([], delay=2)] * 3)

    started = time.monotonic()
    with pytest.raises(OcpiTransportError) as caught:
        make_client(read_timeout=0.3, max_retries=2).get(server.url("/sessions"))

    assert caught.value.transient
    assert caught.value.attempts == 3
    assert "read timeout" in str(caught.value)
    assert len(server.received) == 3
    assert 0.9 <= time.monotonic() - started < 3


@pytest.mark.parametrize("status", [400, 401, 404])
def test_it_does_not_retry_client_errors(server, status):
    server.enqueue("/tariffs", Reply.ocpi(status=status, status_code=2001, status_message="No."), Reply.ocpi([]))

    with pytest.raises(OcpiHttpError) as caught:
        make_client().get(server.url("/tariffs"))

    error = caught.value
    assert (error.http_status, error.ocpi_status, error.status_message) == (status, 2001, "No.")
    assert not error.transient
    assert f"HTTP {status}" in str(error)
    assert len(server.received) == 1


def test_it_does_not_retry_a_post_on_500(server):
    server.enqueue("/commands/START_SESSION", Reply.ocpi(status=500, status_code=3000), Reply.ocpi({}))

    with pytest.raises(OcpiHttpError) as caught:
        make_client().post(server.url("/commands/START_SESSION"), {"response_url": "x"})

    assert caught.value.transient  # worth retrying later, as a new decision of the caller
    assert len(server.received) == 1


def test_it_does_not_retry_a_post_when_the_connection_drops_after_sending(server):
    server.enqueue("/commands/STOP_SESSION", Reply.dropped(), Reply.ocpi({}))

    with pytest.raises(OcpiTransportError):
        make_client().post(server.url("/commands/STOP_SESSION"), {"session_id": "1"})

    assert len(server.received) == 1


def test_it_retries_a_post_on_429(server):
    server.enqueue("/cdrs", Reply.ocpi(status=429, status_code=2000), Reply.ocpi({}))

    make_client().post(server.url("/cdrs"), {"id": "1"})

    assert len(server.received) == 2


def test_it_retries_a_post_declared_idempotent_on_500(server):
    server.enqueue("/credentials", Reply.ocpi(status=500, status_code=3000), Reply.ocpi({}))

    make_client().post(server.url("/credentials"), {"url": "x"}, idempotent=True)

    assert len(server.received) == 2


def test_it_retries_a_post_when_the_connection_is_refused():
    url = f"http://127.0.0.1:{unused_port()}/credentials"

    with pytest.raises(OcpiTransportError) as caught:
        make_client(max_retries=2).post(url, {"url": "x"})

    assert caught.value.transient
    assert caught.value.attempts == 3
    assert "could not connect" in str(caught.value)
    assert JournalEntry.objects.filter(url=url, http_status=None).count() == 3


def test_it_does_not_retry_a_get_marked_not_idempotent(server):
    server.enqueue("/versions", Reply.ocpi(status=502, status_code=3000), Reply.ocpi([]))

    with pytest.raises(OcpiHttpError):
        make_client().get(server.url("/versions"), idempotent=False)

    assert len(server.received) == 1


# --- envelope errors ----------------------------------------------------------------------


def test_it_raises_a_status_error_on_an_ocpi_error_with_http_200(server):
    server.enqueue("/tokens", Reply.ocpi(status_code=2001, status_message="Missing field: type"))

    with pytest.raises(OcpiStatusError) as caught:
        make_client().get(server.url("/tokens"))

    error = caught.value
    assert (error.status_code, error.status_message, error.http_status) == (2001, "Missing field: type", 200)
    assert not error.transient
    assert "2001" in str(error)
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        (b"<html>Gateway</html>", "not JSON"),
        (b"", "not JSON"),
        (b'[{"status_code": 1000}]', "not an OCPI envelope"),
        (b'{"data": [], "status_message": "Success"}', "not an OCPI envelope"),
        (b'{"data": [], "status_code": "1000"}', "not an OCPI envelope"),
    ],
)
def test_it_raises_a_protocol_error_on_a_body_that_is_no_envelope(server, body, complaint):
    server.enqueue("/versions", Reply(status=200, body=body))

    with pytest.raises(OcpiProtocolError) as caught:
        make_client().get(server.url("/versions"))

    assert complaint in str(caught.value)
    assert not caught.value.transient
    assert len(server.received) == 1


def test_it_raises_an_http_error_without_ocpi_status_on_a_bare_error_body(server):
    server.enqueue("/versions", Reply(status=418, body=b"teapot"))

    with pytest.raises(OcpiHttpError) as caught:
        make_client().get(server.url("/versions"))

    assert (caught.value.http_status, caught.value.ocpi_status) == (418, None)


# --- pagination ---------------------------------------------------------------------------


def objects(first, count):
    return [{"id": str(n)} for n in range(first, first + count)]


def test_it_follows_link_headers_one_page_at_a_time(server):
    # Opaque next links: the client must follow them as given, not compute offsets.
    link_2 = server.url("/locations?cursor=Zm9v&limit=2")
    link_3 = server.url("/locations?cursor=YmFy&limit=2")
    pages = {
        "": Reply.ocpi(objects(0, 2), headers={"Link": f'<{link_2}>; rel="next"', "X-Total-Count": "5"}),
        "Zm9v": Reply.ocpi(objects(2, 2), headers={"Link": f'<{link_3}>; rel="next"', "X-Total-Count": "5"}),
        "YmFy": Reply.ocpi(objects(4, 1), headers={"X-Total-Count": "5", "X-Limit": "2"}),
    }
    server.route("/locations", lambda request: pages[request.query.get("cursor", "")])

    walk = make_client().iter_pages(server.url("/locations"), limit=2)
    seen = []
    for number, page in enumerate(walk, start=1):
        assert len(server.received) == number  # the next page is fetched only when asked for
        seen.append(page)

    assert [page.url for page in seen] == [server.url("/locations?limit=2"), link_2, link_3]
    assert [obj["id"] for page in seen for obj in page.objects] == ["0", "1", "2", "3", "4"]
    assert seen[0].total == 5
    assert seen[2].limit == 2
    assert [r.target for r in server.received][1:] == [
        "/locations?cursor=Zm9v&limit=2",
        "/locations?cursor=YmFy&limit=2",
    ]


def test_it_resolves_a_relative_link_against_the_page_url(server):
    server.enqueue("/locations", Reply.ocpi(objects(0, 1), headers={"Link": '<?page=2>; rel="next"'}), Reply.ocpi([]))

    pages = list(make_client().iter_pages(server.url("/locations")))

    assert [page.url for page in pages] == [server.url("/locations"), server.url("/locations?page=2")]


def offset_server(server, *, total, size, send_total=True, x_limit=None):
    """A list of ``total`` objects served by offset/limit without Link headers."""

    def answer(request: ReceivedRequest) -> Reply:
        offset = int(request.query.get("offset", 0))
        limit = min(int(request.query.get("limit", size)), x_limit or size)
        headers = {"X-Total-Count": str(total)} if send_total else {}
        if x_limit is not None:
            headers["X-Limit"] = str(x_limit)
        return Reply.ocpi(objects(offset, max(0, min(limit, total - offset))), headers=headers)

    server.route("/cdrs", answer)


def test_it_pages_by_offset_without_link_until_the_total_count(server):
    offset_server(server, total=4, size=2)

    pages = list(make_client().iter_pages(server.url("/cdrs"), {"date_from": "2024-01-01T00:00:00Z"}, limit=2))

    assert [len(page.objects) for page in pages] == [2, 2]
    assert [r.query for r in server.received] == [
        {"date_from": "2024-01-01T00:00:00Z", "limit": "2"},
        {"date_from": "2024-01-01T00:00:00Z", "limit": "2", "offset": "2"},
    ]  # stopped at the total, without asking for an empty page


def test_it_pages_by_offset_without_total_count_until_a_short_page(server):
    offset_server(server, total=5, size=2, send_total=False)

    pages = list(make_client().iter_pages(server.url("/cdrs"), limit=2))

    assert [len(page.objects) for page in pages] == [2, 2, 1]
    assert [r.query.get("offset") for r in server.received] == [None, "2", "4"]


def test_it_pages_by_offset_until_an_empty_page_when_nothing_else_tells(server):
    offset_server(server, total=4, size=2, send_total=False)

    pages = list(make_client().iter_pages(server.url("/cdrs")))

    assert [len(page.objects) for page in pages] == [2, 2, 0]


def test_it_asks_for_the_servers_x_limit_when_it_caps_the_page_size(server):
    offset_server(server, total=5, size=100, send_total=False, x_limit=2)

    pages = list(make_client().iter_pages(server.url("/cdrs"), limit=10))

    assert [len(page.objects) for page in pages] == [2, 2, 1]
    assert [(r.query.get("offset"), r.query["limit"]) for r in server.received] == [
        (None, "10"),
        ("2", "2"),
        ("4", "2"),
    ]


def test_it_refuses_a_next_link_that_loops(server):
    link = server.url("/locations?offset=0")
    server.route("/locations", lambda request: Reply.ocpi(objects(0, 1), headers={"Link": f'<{link}>; rel="next"'}))

    with pytest.raises(OcpiProtocolError, match="repeats a page"):
        list(make_client().iter_pages(link))

    assert len(server.received) == 1


def test_it_stops_after_the_maximum_number_of_pages(server):
    server.route(
        "/locations",
        lambda request: Reply.ocpi(
            objects(0, 1),
            headers={"Link": f'<{server.url("/locations")}?n={int(request.query.get("n", 0)) + 1}>; rel="next"'},
        ),
    )

    with pytest.raises(OcpiProtocolError, match="more than 3 pages"):
        list(make_client().iter_pages(server.url("/locations"), max_pages=3))

    assert len(server.received) == 3


def test_it_refuses_a_next_link_that_is_no_url(server):
    server.enqueue("/locations", Reply.ocpi(objects(0, 1), headers={"Link": '<http://[::1/x>; rel="next"'}))

    with pytest.raises(OcpiProtocolError, match="not a usable URL"):
        list(make_client().iter_pages(server.url("/locations")))


def test_it_refuses_page_data_that_is_not_a_list(server):
    server.enqueue("/locations", Reply.ocpi({"id": "1"}))

    with pytest.raises(OcpiProtocolError, match="list was expected"):
        list(make_client().iter_pages(server.url("/locations")))


def test_it_retries_a_page_request(server):
    server.enqueue("/locations", Reply.ocpi(status=503, status_code=3000))
    server.route("/locations", lambda request: Reply.ocpi(objects(0, 1)))

    pages = list(make_client().iter_pages(server.url("/locations"), limit=5))

    assert [len(page.objects) for page in pages] == [1]
    assert len(server.received) == 2


# --- header parsing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            '<https://cpo.example/locations?offset=10&limit=10>; rel="next"',
            "https://cpo.example/locations?offset=10&limit=10",
        ),
        ('<https://a/p?x=1,2>; rel="prev", <https://a/n>; rel="next"', "https://a/n"),
        ("<https://a/first>; rel=first, <https://a/n>; title=\"a, b\"; rel='x'; rel=next", "https://a/n"),
        ('<https://a/n>; rel="next last"', "https://a/n"),
        ('<https://a/n>; REL="Next"', "https://a/n"),
        ('<https://a/p>; rel="prev"', None),
        ("", None),
        ("garbage", None),
    ],
)
def test_it_parses_link_headers(header, expected):
    assert parse_next_link(header) == expected


def test_it_parses_retry_after_in_seconds_and_as_a_date():
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("7") == 7
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now=now) == 30
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now=now) == 0
    assert parse_retry_after("-5") == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# --- journal and secrecy ------------------------------------------------------------------


def test_it_journals_every_attempt(server):
    server.enqueue("/locations", Reply.ocpi(status=503, status_code=3000), Reply.dropped(), Reply.ocpi(["ok"]))

    make_client().get(server.url("/locations"))

    entries = list(JournalEntry.objects.order_by("id"))
    assert [entry.http_status for entry in entries] == [503, None, 200]
    assert [entry.ocpi_status for entry in entries] == [3000, None, 1000]
    assert all(entry.direction == JournalEntry.Direction.OUTBOUND for entry in entries)
    assert all((entry.partner_id, entry.partner_label) == (42, "Test CPO") for entry in entries)
    assert len({entry.request_id for entry in entries}) == 1
    assert "HTTP 503" in entries[0].error
    assert "RemoteDisconnected" in entries[1].error
    assert entries[2].error == ""
    assert entries[2].url == server.url("/locations")
    assert "Authorization: [redacted]" in entries[2].request_headers


def leaky_partner(server):
    """A partner that echoes our token everywhere it can."""
    server.enqueue(
        "/credentials",
        Reply.ocpi({"token": TOKEN, "note": f"yours: {TOKEN} / {TOKEN_B64}"}, status_message=f"Hi {TOKEN}"),
        Reply.ocpi(status=401, status_code=2000, status_message=f"Unknown token {TOKEN} ({TOKEN_B64})"),
        Reply.ocpi(status_code=2001, status_message=f"Bad token {TOKEN}"),
    )


@pytest.mark.parametrize("encoding", ["raw", "base64"])
def test_it_never_writes_the_token_to_the_journal_errors_or_logs(server, caplog, encoding):
    leaky_partner(server)
    client = make_client(token_encoding=encoding)
    errors = []
    body = {"token": TOKEN, "url": server.url("/versions"), "echo": TOKEN_B64}

    with caplog.at_level(logging.DEBUG):
        client.post(server.url("/credentials"), body)
        for _ in range(2):
            with pytest.raises(OcpiClientError) as caught:
                client.post(server.url("/credentials"), body)
            errors.append(caught.value)

    assert len(server.received) == 3
    texts = [str(error) for error in errors] + [repr(error.__dict__) for error in errors] + [caplog.text, repr(client)]
    for entry in JournalEntry.objects.all():
        texts += [
            str(getattr(entry, f.attname))
            for f in entry._meta.fields
            if isinstance(f, models.CharField | models.TextField)
        ]
    assert len(texts) > 20
    for text in texts:
        assert TOKEN not in text
        assert TOKEN_B64 not in text
    assert any("[redacted]" in text for text in texts)


def test_it_reads_its_defaults_from_settings(settings):
    settings.OCPI_CLIENT_CONNECT_TIMEOUT = 3
    settings.OCPI_CLIENT_READ_TIMEOUT = 9
    settings.OCPI_CLIENT_MAX_RETRIES = 1

    client = OcpiClient(TOKEN, partner_id=1)

    assert client.timeout == (3, 9)
    assert client.max_retries == 1


def test_it_refuses_an_unknown_token_encoding():
    with pytest.raises(ValueError, match="token_encoding"):
        OcpiClient(TOKEN, token_encoding="hex")  # type: ignore[arg-type]


def test_it_journals_request_and_response_bodies(server):
    server.enqueue("/cdrs", Reply.ocpi({"id": "cdr-1"}))

    make_client().post(server.url("/cdrs"), {"id": "cdr-1", "total_cost": 1.5})

    (entry,) = JournalEntry.objects.all()
    assert json.loads(entry.request_body) == {"id": "cdr-1", "total_cost": 1.5}
    assert json.loads(entry.response_body)["data"] == {"id": "cdr-1"}
    assert entry.method == "POST"


def test_it_refuses_a_next_page_link_to_another_host(server):
    server.enqueue(
        "/list",
        Reply.ocpi([{"id": 1}], headers={"Link": '<http://other.example:8080/list?offset=1>; rel="next"'}),
    )
    pages = make_client().iter_pages(server.url("/list"))
    assert [page.objects for page in [next(pages)]] == [[{"id": 1}]]
    with pytest.raises(OcpiProtocolError, match="leaves"):
        next(pages)


def test_a_bad_start_url_for_paging_is_a_client_error():
    with pytest.raises(OcpiProtocolError, match="not a usable URL"):
        next(make_client().iter_pages("http://"))


@pytest.mark.django_db
def test_it_refuses_loopback_urls_unless_allowed_without_calling_them(server, settings):
    settings.OCPI_ALLOW_PRIVATE_URLS = False
    with pytest.raises(OcpiTransportError, match="loopback") as raised:
        make_client().get(server.url("/versions"))
    assert raised.value.transient is False
    assert server.received == []


@pytest.mark.django_db
def test_an_answer_over_the_size_cap_is_refused(server, settings):
    settings.OCPI_CLIENT_MAX_RESPONSE_BYTES = 1024
    server.enqueue("/big", Reply.ocpi(["x" * 200] * 20))
    with pytest.raises(OcpiProtocolError, match="larger than 1024 bytes") as raised:
        make_client().get(server.url("/big"))
    assert raised.value.transient is False


@pytest.mark.django_db
def test_an_answer_trickling_past_the_overall_deadline_is_cut_off(settings):
    import threading

    settings.OCPI_CLIENT_TOTAL_TIMEOUT = 1
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def trickle():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            while not stop.wait(0.2):  # one byte at a time: each read is quick, the whole is not
                try:
                    connection.sendall(b" ")
                except OSError:
                    return

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(OcpiTransportError, match="took longer than 1 s"):
            make_client(max_retries=0, read_timeout=5).get(f"http://127.0.0.1:{port}/slow")
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 4


@pytest.mark.django_db
def test_a_gzip_encoded_answer_is_read_through_the_bounded_reader(server):
    import gzip

    body = gzip.compress(
        json.dumps({"data": ["a" * 5000], "status_code": 1000, "timestamp": "2024-01-01T00:00:00Z"}).encode()
    )
    server.enqueue(
        "/gz", Reply(status=200, body=body, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    )
    assert make_client().get(server.url("/gz")).data == ["a" * 5000]
