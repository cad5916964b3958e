"""Staff users of each role, logged in to the admin through Django's test client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

# The CPO simulator registered with our live server, as the commands tests use it.
from tests.ocpi.commands.conftest import cpo_sim  # noqa: F401


@pytest.fixture
def staff(db) -> Callable[..., Client]:
    def make(username: str, *roles: str) -> Client:
        user = User.objects.create_user(username, password="x", is_staff=True)
        user.groups.add(*Group.objects.filter(name__in=roles))
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make
