"""A new CDR is priced on a worker once it is committed: the signal, the receiver, the task."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from billing import tasks
from billing.models import CdrPricing
from tests.billing.makers import cdr, partner, publish, receive, two_euro_tariff

pytestmark = pytest.mark.django_db


def test_it_prices_a_cdr_once_its_arrival_is_committed(eager, django_capture_on_commit_callbacks):
    owner = partner()
    publish(owner, two_euro_tariff())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cdr_id = receive(owner, cdr(total_cost=4.0))
        assert not CdrPricing.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    assert CdrPricing.objects.get(cdr_id=cdr_id).flagged is False


def test_it_does_not_price_a_duplicate_again(eager, django_capture_on_commit_callbacks):
    owner = partner()
    receive(owner, cdr())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receive(owner, cdr())  # the same CDR again: nothing new stored
        receive(owner, cdr(total_cost=9.0))  # a conflict: kept aside, the stored CDR unchanged
    assert callbacks == []


def test_the_task_is_idempotent(eager):
    owner = partner()
    cdr_id = receive(owner, cdr())
    tasks.cdr_price.delay(cdr_id)
    tasks.cdr_price.delay(cdr_id)
    assert list(CdrPricing.objects.values_list("cdr_id", "times_computed")) == [(cdr_id, 2)]


def test_the_task_retries_when_the_database_is_away():
    assert OperationalError in tasks.cdr_price.autoretry_for
    assert tasks.cdr_price.max_retries == 5


def test_a_cdr_whose_task_was_not_enqueued_is_priced_by_the_sweep(
    eager, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setattr(tasks.cdr_price, "delay", broker_down)
    owner = partner()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        cdr_id = receive(owner, cdr())
    assert "the billing sweep will price it" in caplog.text
    assert not CdrPricing.objects.exists()
    assert tasks.cdrs_price_missing.delay().get() == 1
    assert CdrPricing.objects.get().cdr_id == cdr_id


def test_it_prices_every_cdr_of_a_pulled_page(eager, django_capture_on_commit_callbacks):
    from ocpi.cdrs import schemas
    from ocpi.cdrs.services import cdrs_receive_page
    from ocpi.core.wire import convert

    owner = partner()
    publish(owner, two_euro_tariff())
    page = [convert(cdr(cdr_id=f"P{i}"), schemas.CDR) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        cdrs_receive_page(partner_id=owner.pk, country_code="NL", party_id="CPO", cdrs=page)
    assert CdrPricing.objects.filter(flagged=False).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_pricing_the_same_cdr_at_once_keep_one_row():
    import threading

    from django.db import connection

    from billing import services

    owner = partner()
    publish(owner, two_euro_tariff())
    cdr_id = receive(owner, cdr())
    barrier, errors = threading.Barrier(4), []

    def worker():
        try:
            barrier.wait()
            services.cdr_price(cdr_id=cdr_id)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(CdrPricing.objects.values_list("cdr_id", "times_computed")) == [(cdr_id, 4)]
