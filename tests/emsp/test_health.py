"""/healthz reports database and broker reachability as JSON, 200 or 503."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_it_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_it_answers_503_naming_the_broker_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"ok": False, "kind": "redis", "error": "ConnectionError"}
    assert body["database"]["ok"] is True


def test_it_answers_503_naming_the_database_when_the_database_is_down(tmp_path):
    from tests.emsp.test_env import run_manage

    script = (
        "from django.test import Client; r = Client().get('/healthz', secure=True); "
        "print('HEALTH', r.status_code, r.json()['database']['ok'])"
    )
    result = run_manage(
        "shell", "-c", script, DATABASE_URL="postgresql://postgres@127.0.0.1:9/none", ALLOWED_HOSTS="testserver"
    )
    assert "HEALTH 503 False" in result.stdout, result.stderr
