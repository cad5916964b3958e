"""The monthly schedule: the previous month of both kinds kept as CSV, once."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from billing.exports import services
from billing.models import BillingExport
from billing.tasks import exports_monthly
from tests.billing.exports.makers import driver, priced_cdr
from tests.billing.makers import partner, publish, two_euro_tariff

pytestmark = pytest.mark.django_db


def test_it_keeps_the_previous_months_exports_once():
    owner = partner()
    publish(owner, two_euro_tariff())
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "DEC", stop="2025-12-31T23:00:00Z")
    kept = services.exports_monthly(today=date(2026, 1, 1))
    assert sorted((e.kind, e.period, e.format, e.row_count) for e in kept) == [
        ("customers", date(2025, 12, 1), "csv", 1),
        ("partners", date(2025, 12, 1), "csv", 2),
    ]
    again = services.exports_monthly(today=date(2026, 1, 15))  # a retried task
    assert {e.pk for e in again} == {e.pk for e in kept}
    assert BillingExport.objects.count() == 2


def test_it_runs_from_the_task_and_is_scheduled_monthly(eager):
    exports_monthly.delay()
    assert BillingExport.objects.filter(scheduled=True, created_by__isnull=True).count() == 2
    schedule = settings.CELERY_BEAT_SCHEDULE["billing-exports-monthly"]
    assert schedule["task"] == "billing.tasks.exports_monthly"
    assert (schedule["schedule"].day_of_month, schedule["schedule"].hour) == ({1}, {3})
