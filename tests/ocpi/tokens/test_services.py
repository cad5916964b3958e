"""Staff writes to tokens: issue, update, block, unblock, expire; each bumps last_updated once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.services import customer_block, customer_unblock
from ocpi.tokens import services
from ocpi.tokens.models import Token
from ocpi.tokens.services import TokenRefused
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import token

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes(monkeypatch):
    """What the outbox hook is handed (the hook itself writes nothing yet)."""
    seen: list[tuple[str, frozenset[str]]] = []
    original = services._tokens_changed

    def spy(batch):
        original(batch)
        seen.extend((t.uid, fields) for t, fields in batch)

    monkeypatch.setattr(services, "_tokens_changed", spy)
    return seen


def test_it_issues_a_valid_token_carrying_the_contract_id(changes):
    owner = customer(contract_id="NL-EMS-C1")
    issued = token(owner, uid="04A1B2C3", type="RFID", language="nl")
    stored = Token.objects.get(pk=issued.pk)
    assert (stored.uid, stored.auth_id, stored.valid, stored.whitelist, stored.language) == (
        "04A1B2C3", "NL-EMS-C1", True, "ALLOWED", "nl",
    )  # fmt: skip
    assert changes == [("04A1B2C3", frozenset(services.WIRE_FIELDS))]


def test_it_keeps_uids_unique_across_types():
    token(uid="SAME")
    with pytest.raises(TokenRefused, match=r"^uid: "):
        token(uid="SAME", type="OTHER")


def test_it_refuses_what_the_ocpi_token_refuses_naming_the_field():
    with pytest.raises(TokenRefused, match=r"^issuer: "):
        token(issuer="X" * 65)
    with pytest.raises(TokenRefused, match=r"^language: "):
        token(language="dutch")
    assert not Token.objects.exists()


def test_it_bumps_last_updated_on_a_change_and_not_on_a_no_op(changes):
    issued = token()
    before = issued.last_updated
    assert services.token_update(token=issued, issuer="Open eMSP") is False
    assert Token.objects.get(pk=issued.pk).last_updated == before
    assert services.token_update(token=issued, whitelist="NEVER") is True
    stored = Token.objects.get(pk=issued.pk)
    assert (stored.whitelist, stored.last_updated > before) == ("NEVER", True)
    assert changes[-1] == (issued.uid, frozenset({"whitelist"}))


def test_it_refuses_a_field_staff_may_not_change():
    with pytest.raises(TokenRefused, match=r"^last_updated: "):
        services.token_update(token=token(), last_updated=timezone.now())


def test_it_blocks_and_unblocks():
    issued = token()
    assert services.token_block(token=issued) is True
    assert Token.objects.get(pk=issued.pk).valid is False
    assert services.token_block(token=issued) is False
    assert services.token_unblock(token=issued) is True
    assert Token.objects.get(pk=issued.pk).valid is True


def test_it_expires_a_token_and_refuses_to_unblock_it_until_extended():
    issued = token()
    assert services.token_expire(token=issued) is True
    stored = Token.objects.get(pk=issued.pk)
    assert stored.valid is False
    assert stored.valid_until is not None
    assert stored.valid_until <= timezone.now()
    with pytest.raises(TokenRefused, match=r"^valid_until: "):
        services.token_unblock(token=stored)
    services.token_update(token=stored, valid_until=timezone.now() + timedelta(days=30))
    assert services.token_unblock(token=stored) is True


def test_it_moves_a_token_to_another_customer_with_its_contract_id():
    issued = token()
    other = customer(contract_id="NL-EMS-OTHER")
    services.token_update(token=issued, customer=other)
    assert Token.objects.get(pk=issued.pk).auth_id == "NL-EMS-OTHER"


def test_it_bumps_the_tokens_of_a_customer_blocked_or_unblocked(changes):
    owner = customer()
    first, second = token(owner), token(owner)
    bystander = token()
    before = {t.pk: t.last_updated for t in (first, second, bystander)}
    customer_block(customer=owner)
    after = {t.pk: t.last_updated for t in Token.objects.all()}
    assert after[first.pk] > before[first.pk]
    assert after[second.pk] > before[second.pk]
    assert after[bystander.pk] == before[bystander.pk]
    assert {uid for uid, fields in changes[-2:]} == {first.uid, second.uid}
    customer_unblock(customer=owner)
    assert Token.objects.get(pk=first.pk).last_updated > after[first.pk]


def test_it_keeps_the_token_tally_equal_to_the_number_of_tokens(tmp_path):
    from ocpi.tokens.importing import tokens_import
    from ocpi.tokens.models import TokenTally

    owner = customer(email="tally@example.com", contract_id="NL-EMS-TALLY")
    token(owner)
    TokenTally.objects.all().delete()  # a lost tally is remade from a real count
    token(owner)
    token(owner)
    rows = "".join(f"T{n},RFID,NL-EMS-TALLY,,Open eMSP,true,ALLOWED,,tally@example.com\n" for n in range(5))
    path = tmp_path / "tally.csv"
    path.write_text("uid,type,auth_id,visual_number,issuer,valid,whitelist,language,customer_email\n" + rows)
    with path.open() as stream:
        tokens_import(stream=stream)
    with path.open() as stream:
        tokens_import(stream=stream)  # unchanged rows add nothing
    assert TokenTally.objects.get(pk=1).count == Token.objects.count() == 8
    TokenTally.objects.filter(pk=1).update(count=0)
    assert services.tokens_tally_refresh() == 8


def test_it_invalidates_tokens_past_their_own_or_their_contracts_end_once(changes, settings):
    from ocpi.tokens.tasks import tokens_expire_due

    now = timezone.now()
    ended = token(valid_until=now - timedelta(minutes=1))
    contract_ended = token(customer(valid_until=now - timedelta(minutes=1)))
    running = token(valid_until=now + timedelta(days=1))
    before = {t.pk: t.last_updated for t in (ended, contract_ended, running)}
    assert tokens_expire_due() == 2
    stored = {t.pk: t for t in Token.objects.all()}
    assert (stored[ended.pk].valid, stored[contract_ended.pk].valid, stored[running.pk].valid) == (False, False, True)
    assert stored[ended.pk].last_updated > before[ended.pk]
    assert stored[running.pk].last_updated == before[running.pk]
    assert changes[-2:] == [(ended.uid, frozenset({"valid"})), (contract_ended.uid, frozenset({"valid"}))]
    assert services.tokens_expire_due() == 0
    assert settings.CELERY_BEAT_SCHEDULE["ocpi-tokens-expire-due"]["task"] == tokens_expire_due.name


def test_it_refuses_to_unblock_a_token_whose_contract_has_ended():
    issued = token(customer(valid_until=timezone.now() - timedelta(days=1)))
    services.token_block(token=issued)
    with pytest.raises(TokenRefused, match=r"^customer: "):
        services.token_unblock(token=issued)
    assert Token.objects.get(pk=issued.pk).valid is False
