"""Parallel writers keep the token tally exact (PostgreSQL row locks; SQLite serialises anyway)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ocpi.tokens.models import Token, TokenTally
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import token

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_counts_every_token_issued_by_parallel_writers_even_while_the_tally_is_made():
    owner = customer()
    token(owner, uid="SEED")
    TokenTally.objects.all().delete()  # the writers race to make it again
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def issue(worker: int) -> None:
        try:
            start.wait()
            for number in range(15):
                token(owner, uid=f"W{worker}-{number}")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Token.objects.count() == 91
    assert TokenTally.objects.get(pk=1).count == 91


def test_it_imports_the_same_new_tokens_from_two_parallel_imports_once(tmp_path):
    from ocpi.tokens.importing import tokens_import

    customer(email="par@example.com", contract_id="NL-EMS-PAR")
    header = "uid,type,auth_id,visual_number,issuer,valid,whitelist,language,customer_email\n"
    rows = "".join(f"P{n:03d},RFID,NL-EMS-PAR,,Open eMSP,true,ALLOWED,,par@example.com\n" for n in range(300))
    path = tmp_path / "parallel.csv"
    path.write_text(header + rows, encoding="utf-8")
    reports, errors = [], []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            with path.open(encoding="utf-8") as stream:
                reports.append(tokens_import(stream=stream, batch_size=50))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(report.created for report in reports) == 300
    assert sum(report.created + report.unchanged for report in reports) == 600
    assert all(report.rejected == [] for report in reports)
    assert Token.objects.count() == TokenTally.objects.get(pk=1).count == 300
