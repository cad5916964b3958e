"""Admin login throttling: after N failures per address or username, attempts get 429 before
any password is checked; the other staff members' logins are unaffected."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def throttle(settings):
    settings.ADMIN_LOGIN_MAX_FAILURES = 3
    settings.ADMIN_LOGIN_THROTTLE_PREFIX = f"test-login:{uuid.uuid4().hex}"  # counts of our own


@pytest.fixture
def staff():
    return get_user_model().objects.create_superuser("alice", "alice@example.com", "right-password")


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_the_failures_even_the_right_password_is_refused_with_429(client, staff):
    assert [attempt(client, "alice", "wrong").status_code for _ in range(3)] == [200, 200, 200]
    refused = attempt(client, "alice", "right-password")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_one_username_from_many_addresses_lock_that_username(client, staff):
    for number in range(3):
        attempt(client, "alice", "wrong", address=f"10.0.1.{number}")
    assert attempt(client, "alice", "right-password", address="10.0.2.1").status_code == 429


def test_other_staff_from_other_addresses_still_log_in(client, staff):
    for _ in range(3):
        attempt(client, "alice", "wrong")
    get_user_model().objects.create_superuser("bob", "bob@example.com", "bobs-password")
    answer = attempt(client, "bob", "bobs-password", address="10.9.9.9")
    assert answer.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_successful_login_before_the_limit_clears_the_username_count(client, staff):
    attempt(client, "alice", "wrong", address="10.0.3.1")
    attempt(client, "alice", "wrong", address="10.0.3.2")
    assert attempt(client, "alice", "right-password", address="10.0.3.3").status_code == 302
    client.logout()
    attempt(client, "alice", "wrong", address="10.0.3.4")
    assert attempt(client, "alice", "right-password", address="10.0.3.5").status_code == 302
