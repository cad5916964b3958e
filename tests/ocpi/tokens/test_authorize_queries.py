"""The authorize hot path stays cheap: one read (token, customer, partner check), one INSERT."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocpi.tokens.authorization import token_authorize
from ocpi.tokens.schemas import LocationReferences
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import token

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    from partners.models import Partner

    return Partner.objects.create(name="CPO", country_code="NL", party_id="CPO", status="REGISTERED")


def test_it_decides_with_one_select_and_records_with_one_insert(partner):
    owner = customer(allowed_partner_ids=[partner.pk], blocked_evse_uids=["E2"])
    token(owner, uid="Q1")
    references = LocationReferences(location_id="L1", evse_uids=["E1", "E2"])
    with CaptureQueriesContext(connection) as queries:
        info = token_authorize(
            partner_id=partner.pk, uid="Q1", token_type=None, references=references, started=time.perf_counter()
        )
    assert info.allowed == "ALLOWED"
    assert info.location is not None
    assert info.location.evse_uids == ["E1"]
    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert statements == ["SELECT", "INSERT"], queries.captured_queries


def test_it_prunes_decisions_past_the_retention_period(partner, settings):
    from datetime import timedelta

    from django.utils import timezone

    from ocpi.tokens.models import AuthorizationDecision
    from ocpi.tokens.tasks import decisions_prune

    settings.OCPI_AUTHORIZATION_RETENTION_DAYS = 30
    for age in (0, 29, 31, 400):
        decision = AuthorizationDecision.objects.create(
            partner=partner, token_uid=f"AGE{age}", result="ALLOWED", latency_ms=1
        )
        AuthorizationDecision.objects.filter(pk=decision.pk).update(created=timezone.now() - timedelta(days=age))
    assert decisions_prune() == 2
    assert sorted(AuthorizationDecision.objects.values_list("token_uid", flat=True)) == ["AGE0", "AGE29"]
    assert settings.CELERY_BEAT_SCHEDULE["ocpi-tokens-decisions-prune"]["task"] == decisions_prune.name
