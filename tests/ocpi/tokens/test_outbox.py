"""Token distribution to a CPO through the outbox, against the CPO simulator over real HTTP."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from customers import services as customer_services
from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator
from ocpi.tokens import outbox, services
from ocpi.tokens.models import Token, TokenPush
from ocpi.tokens.selectors import serialize_tokens, tokens_for_list
from ocpi.tokens.tasks import tokens_push_sweep
from partners.models import Partner
from tests.customers.makers import customer as make_customer
from tests.ocpi.tokens.makers import token as make_token
from tests.partners.conftest import run_command
from tests.support.schemas import schema_errors

SIM_TOKEN_A = "simulator-token-a-for-token-pushes"
PUT_SCHEMA = "V2_1_1/eMSP/Client/Tokens/tokenPutRequest.schema.json"


@pytest.fixture
def sim(ocpi_server, settings):
    settings.OCPI_TOKEN_PUSH_BACKOFF_SECONDS = 0  # retries are due at once: the test drives time
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=10.0)
    with CpoSimulator(port=0, token_a=SIM_TOKEN_A, party_id="SIM", client_options=options) as simulator:
        yield simulator
    close_sessions()


@pytest.fixture
def partner(sim):
    result = run_command("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
    partner = Partner.objects.get(pk=result["partner_id"])
    assert "tokens" in partner.endpoints
    return partner


def ours() -> dict[str, dict]:
    """Every token as we serve it (``valid`` false while the customer is blocked)."""
    return {token["uid"]: token for token in serialize_tokens(tokens_for_list())}


def drain(partner) -> outbox.PushReport:
    report = outbox.PushReport()
    for _ in range(50):  # as the sweep would, until nothing is due
        step = outbox.outbox_drain(partner_id=partner.pk)
        report.add(step)
        if step.claimed == 0:
            break
    return report


def test_a_token_change_is_recorded_once_per_receiving_partner_and_folds_into_a_pending_push(partner):
    card = make_token()
    push = TokenPush.objects.get(partner=partner, token=card)
    assert (push.method, push.state) == ("PUT", "PENDING")
    services.token_block(token=card)
    folded = TokenPush.objects.get(partner=partner, token=card)  # still one row, still a PUT
    assert (folded.method, folded.state) == ("PUT", "PENDING")
    assert folded.version != push.version


def test_the_first_sweep_gives_a_newly_registered_partner_every_token(sim, ocpi_server):
    cards = [make_token() for _ in range(5)]
    run_command("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
    tokens_push_sweep.run()  # queues the initial push (the wake-up it enqueues has no worker here)
    partner = Partner.objects.get(party_id="SIM")
    drain(partner)
    assert sim.tokens.all() == ours()
    assert set(sim.tokens.all()) == {card.uid for card in cards}
    tokens_push_sweep.run()  # only once per partner
    assert TokenPush.objects.filter(partner=partner, state="PENDING").count() == 0


def test_a_sent_token_changes_by_patch_and_the_cpo_ends_with_our_state(sim, partner):
    card = make_token()
    drain(partner)
    services.token_block(token=card)
    push = TokenPush.objects.get(partner=partner, token=card)
    assert (push.method, push.fields) == ("PATCH", ["valid"])
    drain(partner)
    assert sim.tokens.get(card.uid)["valid"] is False
    assert [write.method for write in sim.tokens.writes] == ["PUT", "PATCH"]
    assert sim.tokens.all() == ours()


def test_blocking_a_customer_reaches_the_cpo_as_invalid_tokens(sim, partner):
    driver = make_customer()
    cards = [make_token(driver), make_token(driver, type="OTHER")]
    drain(partner)
    customer_services.customer_block(customer=driver)
    drain(partner)
    assert [sim.tokens.get(card.uid)["valid"] for card in cards] == [False, False]


def test_with_a_fifth_of_the_cpos_answers_failing_it_ends_equal_to_ours(sim, partner):
    sim.tokens.failures.configure(0.2, mode="random", seed=7)
    cards = [make_token() for _ in range(40)]
    for card in cards[::3]:
        services.token_block(token=card)
    for card in cards[::6]:
        services.token_unblock(token=Token.objects.get(pk=card.pk))
    for card in cards[1::5]:
        services.token_update(token=card, visual_number="NL-EMS-9999")
    report = drain(partner)
    assert report.retrying > 0  # failures happened and were retried
    assert report.dead == 0
    assert sim.tokens.all() == ours()
    puts = [write.body for write in sim.tokens.writes if write.method == "PUT"]
    assert len(puts) >= 40
    assert [error for body in puts for error in schema_errors(PUT_SCHEMA, body)] == []  # ChargeMap's schema
    assert not TokenPush.objects.exclude(state="SENT").exists()


def test_an_older_state_never_overwrites_a_newer_one_at_the_cpo(sim, partner):
    card = make_token()
    drain(partner)
    services.token_block(token=card)
    services.token_unblock(token=Token.objects.get(pk=card.pk))
    drain(partner)
    assert sim.tokens.get(card.uid)["valid"] is True
    assert sim.tokens.all() == ours()


def test_a_change_while_a_push_is_in_flight_is_sent_after_it(sim, partner):
    card = make_token()
    claimed = outbox._claim(partner.pk, 10)  # a sender took it ...
    services.token_block(token=card)  # ... and the token changed before its call ended
    outbox._sent(claimed[0])
    push = TokenPush.objects.get(partner=partner, token=card)
    assert (push.state, push.leased_until) == ("PENDING", None)  # not marked sent: due again
    drain(partner)
    assert sim.tokens.get(card.uid)["valid"] is False


def test_a_push_is_dead_lettered_after_its_attempts_and_can_be_sent_again(sim, partner, settings, admin_client):
    settings.OCPI_TOKEN_PUSH_MAX_ATTEMPTS = 3
    sim.tokens.failures.configure(1.0)
    card = make_token()
    report = drain(partner)
    push = TokenPush.objects.get(partner=partner, token=card)
    assert (report.dead, push.state, push.attempts) == (1, "DEAD", 3)
    assert "503" in push.last_error
    listed = admin_client.get("/admin/ocpi_tokens/tokenpush/?state__exact=DEAD").context["cl"].result_list
    assert [row.pk for row in listed] == [push.pk]
    sim.tokens.failures.configure(0.0)
    admin_client.post("/admin/ocpi_tokens/tokenpush/", {"action": "resend", "_selected_action": [push.pk]})
    drain(partner)
    assert TokenPush.objects.get(pk=push.pk).state == "SENT"
    assert sim.tokens.get(card.uid) == ours()[card.uid]


def test_a_patch_the_cpo_does_not_know_is_sent_again_as_a_put(sim, partner):
    card = make_token()
    drain(partner)
    sim.tokens.clear()  # the CPO lost its tokens
    services.token_block(token=card)
    drain(partner)
    assert sim.tokens.get(card.uid) == ours()[card.uid]


def test_a_suspended_partner_keeps_its_pushes_until_it_is_resumed(sim, partner):
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.SUSPENDED)
    card = make_token()
    assert drain(partner).claimed == 0
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.REGISTERED)
    drain(partner)
    assert sim.tokens.get(card.uid) == ours()[card.uid]


def test_the_tokens_push_command_sends_everything_and_reports_json(sim, partner):
    cards = [make_token() for _ in range(3)]
    sim.tokens.clear()
    out = StringIO()
    call_command("tokens_push", "--partner", str(partner.pk), "--full", "--json", stdout=out)
    result = json.loads(out.getvalue())["partners"][0]
    assert (result["queued"], result["sent"], result["dead"], result["pending"]) == (3, 3, 0, 0)
    assert set(sim.tokens.all()) == {card.uid for card in cards}
