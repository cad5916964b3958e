"""The traffic journal: what it records, what it never records, retention, the read-only admin."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from ocpi.core.journal import REDACTED, journal_prune, journal_record, redact
from ocpi.core.models import JournalEntry

TOKEN = "journal-secret-token-0123456789"
TEXT_FIELDS = ("partner_label", "url", "request_id", "request_headers", "request_body", "response_body", "error")


@pytest.fixture
def post(ocpi_server, parties, http):
    parties.add(TOKEN, partner_id=42, party="NL/JRN")

    def call(path, body, *, token=TOKEN):
        return http.post(
            f"{ocpi_server}{path}",
            data=body,
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "X-Request-ID": "req-1"},
            timeout=10,
        )

    return call


def entries_containing(text):
    query = Q()
    for field in TEXT_FIELDS:
        query |= Q(**{f"{field}__contains": text})
    return JournalEntry.objects.filter(query)


def test_it_records_an_inbound_request_with_partner_status_and_timing(post):
    response = post("/ocpi/test/things", b'{"name": "journaled"}')
    assert response.status_code == 201
    entry = JournalEntry.objects.get()
    assert entry.direction == "IN"
    assert entry.partner_id == 42
    assert entry.partner_label == "Test NL/JRN"
    assert (entry.method, entry.url, entry.http_status, entry.ocpi_status) == ("POST", "/ocpi/test/things", 201, 1000)
    assert entry.request_id == "req-1"
    assert entry.duration_ms > 0
    assert entry.request_body == '{"name": "journaled"}'
    assert '"journaled"' in entry.response_body
    assert f"Authorization: {REDACTED}" in entry.request_headers


def test_it_records_failures_too(post):
    post("/ocpi/test/things", b"{broken")
    entry = JournalEntry.objects.get()
    assert (entry.http_status, entry.ocpi_status) == (400, 2001)


def test_it_never_stores_a_token_in_clear(post):
    body = f'{{"name": "x", "token": "{TOKEN}", "nested": {{"token" : "other-secret-value"}}}}'
    post("/ocpi/test/things", body.encode())
    post(f"/ocpi/test/things?echo={TOKEN}", b'{"name": "y"}')
    post("/ocpi/test/things", b'{"name": "z"}', token="unknown-token-never-stored")
    assert JournalEntry.objects.count() == 3
    assert not entries_containing(TOKEN).exists()
    assert not entries_containing("other-secret-value").exists()
    assert not entries_containing("unknown-token-never-stored").exists()
    assert entries_containing(REDACTED).count() == 3


def test_it_cuts_long_bodies_at_the_configured_size(post, settings):
    settings.OCPI_JOURNAL_BODY_LIMIT = 20
    post("/ocpi/test/things", b'{"name": "' + b"n" * 40 + b'"}')
    entry = JournalEntry.objects.get()
    assert entry.request_body.startswith('{"name": "nnnnnnnnnn')
    assert entry.request_body.endswith("[32 more characters]")


def test_it_records_nothing_when_switched_off(post, settings):
    settings.OCPI_JOURNAL_ENABLED = False
    post("/ocpi/test/things", b'{"name": "quiet"}')
    assert not JournalEntry.objects.exists()


def test_it_journals_only_ocpi_traffic(ocpi_server, http):
    http.get(f"{ocpi_server}/healthz", timeout=10)
    assert not JournalEntry.objects.exists()


def test_redact_removes_token_fields_and_given_secrets():
    text = '{"token":"abc","uid":"keep", "token" : "d\\"ef"} and s3cret'
    assert redact(text, ["s3cret"]) == f'{{"token":"{REDACTED}","uid":"keep", "token" : "{REDACTED}"}} and {REDACTED}'


@pytest.mark.django_db
def test_prune_deletes_only_entries_past_retention(settings):
    settings.OCPI_JOURNAL_RETENTION_DAYS = 7
    for age_days in (1, 6, 8, 30):
        journal_record(direction="OUT", method="GET", url=f"/age/{age_days}", duration_ms=1.0)
        JournalEntry.objects.filter(url=f"/age/{age_days}").update(created=timezone.now() - timedelta(days=age_days))
    assert journal_prune(batch_size=1) == 2
    assert sorted(JournalEntry.objects.values_list("url", flat=True)) == ["/age/1", "/age/6"]


@pytest.mark.django_db
def test_the_prune_task_is_scheduled_and_callable(settings):
    from ocpi.core.tasks import journal_prune as task

    assert settings.CELERY_BEAT_SCHEDULE["ocpi-journal-prune"]["task"] == task.name
    assert task.apply().get() == 0


@pytest.mark.django_db
def test_the_admin_shows_the_journal_read_only(admin_client):
    journal_record(direction="IN", method="GET", url="/ocpi/emsp/versions", duration_ms=2.0, http_status=200)
    entry = JournalEntry.objects.get()
    assert admin_client.get("/admin/ocpi_core/journalentry/?direction__exact=IN&q=versions").status_code == 200
    detail = admin_client.get(f"/admin/ocpi_core/journalentry/{entry.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert admin_client.get("/admin/ocpi_core/journalentry/add/").status_code == 403
    assert admin_client.post(f"/admin/ocpi_core/journalentry/{entry.pk}/delete/").status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "journal"])
def test_on_postgresql_entries_survive_a_rollback_of_the_callers_transaction(settings):
    from django.db import connections, transaction

    settings.OCPI_JOURNAL_DATABASE = "journal"
    with transaction.atomic():
        journal_record(direction="OUT", method="POST", url="/their/credentials", duration_ms=3.0, http_status=502)
        transaction.set_rollback(True)
    assert JournalEntry.objects.filter(url="/their/credentials", http_status=502).exists()
    with connections["journal"].cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


@pytest.mark.django_db
def test_entries_are_written_in_batches_of_the_configured_size(settings):
    from ocpi.core.journal_buffer import buffer

    settings.OCPI_JOURNAL_BATCH_SIZE = 3
    settings.OCPI_JOURNAL_FLUSH_SECONDS = 60
    for index in range(2):
        journal_record(direction="IN", method="GET", url=f"/batch/{index}", duration_ms=1.0)
    assert not JournalEntry.objects.exists()
    journal_record(direction="IN", method="GET", url="/batch/2", duration_ms=1.0)
    assert sorted(JournalEntry.objects.values_list("url", flat=True)) == ["/batch/0", "/batch/1", "/batch/2"]
    assert buffer.flush() == 0


@pytest.mark.django_db(transaction=True)
def test_a_partial_batch_is_written_after_the_flush_interval(settings):
    settings.OCPI_JOURNAL_BATCH_SIZE = 100
    settings.OCPI_JOURNAL_FLUSH_SECONDS = 0.2
    journal_record(direction="IN", method="GET", url="/lonely", duration_ms=1.0)
    assert not JournalEntry.objects.exists()
    deadline = time.monotonic() + 5
    while not JournalEntry.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(JournalEntry.objects.values_list("url", flat=True)) == ["/lonely"]


@pytest.mark.django_db
def test_an_entry_the_database_refuses_does_not_hold_back_the_others(settings, caplog):
    settings.OCPI_JOURNAL_BATCH_SIZE = 3
    settings.OCPI_JOURNAL_FLUSH_SECONDS = 60
    journal_record(direction="IN", method="GET", url="/good/0", duration_ms=1.0)
    journal_record(direction="IN", method="GET", url="/refused", duration_ms=1.0, http_status=-1)
    journal_record(direction="IN", method="GET", url="/good/1", duration_ms=1.0)
    assert sorted(JournalEntry.objects.values_list("url", flat=True)) == ["/good/0", "/good/1"]
    assert "Dropped 1 traffic journal entries" in caplog.text


def test_a_token_presented_base64_encoded_is_redacted_in_both_forms(post):
    import base64

    encoded = base64.b64encode(TOKEN.encode()).decode()
    post(f"/ocpi/test/things?echo={TOKEN}", f'{{"name": "b64", "echo": "{encoded}"}}'.encode(), token=encoded)
    assert JournalEntry.objects.count() == 1
    assert not entries_containing(TOKEN).exists()
    assert not entries_containing(encoded).exists()


def test_a_token_field_in_a_body_cut_short_is_redacted(post):
    post("/ocpi/test/things", b'{"name": "x", "token": "cut-short-secret')
    entry = JournalEntry.objects.get()
    assert "cut-short-secret" not in entry.request_body
    assert REDACTED in entry.request_body


@pytest.mark.django_db(transaction=True)
def test_while_the_database_fails_entries_wait_and_requests_stop_trying(settings):
    from django.db import connection

    from ocpi.core.journal_buffer import buffer

    settings.OCPI_JOURNAL_BATCH_SIZE = 2
    settings.OCPI_JOURNAL_FLUSH_SECONDS = 60
    with connection.cursor() as cursor:  # a real failure: the table is gone for a while
        cursor.execute("ALTER TABLE ocpi_core_journalentry RENAME TO journal_away")
    try:
        journal_record(direction="IN", method="GET", url="/outage/0", duration_ms=1.0)
        started = time.monotonic()
        for index in range(1, 40):  # the buffer is full, but nobody retries on the request path
            journal_record(direction="IN", method="GET", url=f"/outage/{index}", duration_ms=1.0)
        assert time.monotonic() - started < 0.5
        assert buffer.waiting == 40
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE journal_away RENAME TO ocpi_core_journalentry")
    buffer.flush()
    assert JournalEntry.objects.count() == 40


@pytest.mark.django_db
def test_the_admin_filters_the_journal_by_outcome_and_partner(admin_client):
    journal_record(direction="IN", method="GET", url="/ocpi/mine-ok", duration_ms=1.0, http_status=200, partner_id=5)
    journal_record(direction="IN", method="GET", url="/ocpi/mine-bad", duration_ms=1.0, http_status=502, partner_id=5)
    journal_record(direction="IN", method="GET", url="/ocpi/theirs-ok", duration_ms=1.0, http_status=200, partner_id=6)
    page = admin_client.get("/admin/ocpi_core/journalentry/?outcome=ok&partner_id=5").content.decode()
    assert "/ocpi/mine-ok" in page
    assert "/ocpi/mine-bad" not in page
    assert "/ocpi/theirs-ok" not in page
    failed = admin_client.get("/admin/ocpi_core/journalentry/?outcome=server").content.decode()
    assert "/ocpi/mine-bad" in failed
    assert "/ocpi/mine-ok" not in failed
