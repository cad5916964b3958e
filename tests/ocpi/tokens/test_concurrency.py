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
