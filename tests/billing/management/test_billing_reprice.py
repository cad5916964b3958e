"""billing_reprice: CDRs priced again from the command line, by partner, month or flag."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import CdrPricing
from tests.billing.makers import cdr, partner, publish, receive, two_euro_tariff

pytestmark = pytest.mark.django_db


def reprice(*args: str) -> str:
    out = StringIO()
    call_command("billing_reprice", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def owner():
    owner = partner()
    receive(owner, cdr(cdr_id="A"))
    receive(owner, cdr(cdr_id="B", total_cost=9.0))
    return owner


def test_it_prices_every_cdr_and_says_how_they_stand(owner):
    assert reprice() == "2 CDR(s) priced: 0 verified, 2 flagged (see Billing › CDR pricings, flagged)"
    publish(owner, two_euro_tariff())  # the tariff arrives late
    assert json.loads(reprice("--flagged", "--json")) == {"priced": 2, "flagged": 1, "verified": 1, "unpriced": 0}
    assert set(CdrPricing.objects.values_list("cdr__ocpi_id", "times_computed")) == {("A", 2), ("B", 2)}


def test_it_prices_only_flagged_ones_when_asked(owner):
    publish(owner, two_euro_tariff())
    reprice()
    assert reprice("--flagged") == "1 CDR(s) priced: 0 verified, 1 flagged (see Billing › CDR pricings, flagged)"


def test_it_limits_to_a_partner_and_a_month(owner):
    other = partner("Other", "DE", "OTH")
    receive(other, cdr(cdr_id="X"))
    assert json.loads(reprice("--partner", str(other.pk), "--json"))["priced"] == 1
    assert json.loads(reprice("--period", "2026-02", "--json"))["priced"] == 3  # the sessions start 2026-02-02
    assert json.loads(reprice("--period", "2026-03", "--json"))["priced"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--period", "2026/02"], "--period: expected YYYY-MM, got '2026/02'"), (["--partner", "999"], "no partner 999")],
)
def test_it_refuses_bad_arguments_naming_them(owner, args, message):
    with pytest.raises(CommandError, match=message):
        reprice(*args)
