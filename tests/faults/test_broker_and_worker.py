"""Redis (the broker) stopped: the inbound OCPI API keeps answering, and token pushes to the CPO
resume afterwards with nothing lost. A Celery worker killed in the middle of a token push:
nothing lost, and no older token state applied at the CPO after a newer one.

PostgreSQL, Redis, gunicorn, a Celery worker and beat are this test's own processes; the CPO is
the simulator, registered with the platform through the real handshake."""

from __future__ import annotations

import json
import time

import pytest

from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator
from tests.ocpi.sessions.payloads import session
from tests.support.services import Platform, PostgresCluster, RedisServer

SIM_TOKEN_A = "faults-simulator-token-a"

# What we serve for every token, as JSON (the CPO must end with exactly this).
SERVED = (
    "import json; from ocpi.tokens.selectors import serialize_tokens, tokens_for_list; "
    "print(json.dumps({t['uid']: t for t in serialize_tokens(tokens_for_list())}))"
)


@pytest.fixture(scope="module")
def stack():
    cluster, redis = PostgresCluster(), RedisServer()
    cluster.start()
    redis.start()
    platform = Platform({
        "DATABASE_URL": cluster.create_database("emsp_faults_broker"),
        "CELERY_BROKER_URL": redis.url, "REDIS_URL": redis.url,
        "OCPI_TOKEN_PUSH_BACKOFF_SECONDS": "1", "OCPI_TOKEN_PUSH_LEASE_SECONDS": "5",
        "OCPI_TOKEN_PUSH_SWEEP_SECONDS": "2",
    })  # fmt: skip
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=10.0)
    sim = CpoSimulator(port=0, token_a=SIM_TOKEN_A, party_id="SIM", client_options=options)
    sim.start()
    try:
        platform.manage("migrate", "--noinput", "-v0")
        platform.web(workers=2)
        platform.manage("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
        platform.manage(
            "shell", "--no-imports", "-c",
            "from customers.services import pricing_plan_create, customer_create; "
            "plan = pricing_plan_create(name='Plain'); "
            "customer_create(name='Driver', email='driver@example.com', contract_id='NL-EMS-C00000001', "
            "billing_country='NL', pricing_plan=plan)",
        )  # fmt: skip
        platform.beat()
        yield platform, redis, sim
    finally:
        platform.close()
        sim.stop()
        close_sessions()
        redis.stop()
        cluster.close()


def issue_tokens(platform, first: int, count: int) -> None:
    platform.manage(
        "shell", "--no-imports", "-c",
        "from customers.models import Customer; from ocpi.tokens.services import token_issue; "
        "driver = Customer.objects.get(email='driver@example.com'); "
        "[token_issue(customer=driver, uid=f'F{n:05d}', issuer='Open eMSP') "
        f"for n in range({first}, {first + count})]",
    )  # fmt: skip


def block(platform, uid: str) -> None:
    platform.manage(
        "shell", "--no-imports", "-c",
        "from ocpi.tokens.models import Token; from ocpi.tokens.services import token_block; "
        f"token_block(token=Token.objects.get(uid='{uid}'))",
    )  # fmt: skip


def served(platform) -> dict:
    return json.loads(platform.manage("shell", "--no-imports", "-c", SERVED))


def wait_until_equal(platform, sim, timeout: float = 90.0, since: str = "") -> dict:
    """Our tokens (uid ≥ ``since``), once the CPO holds exactly them or the time is up."""
    ours = {uid: token for uid, token in served(platform).items() if uid >= since}
    deadline = time.monotonic() + timeout
    while sim.tokens.all() != ours and time.monotonic() < deadline:
        time.sleep(1)
    return ours


def test_with_redis_down_the_api_answers_and_token_pushes_resume_afterwards(stack):
    platform, redis, sim = stack
    worker = platform.worker()
    issue_tokens(platform, 0, 3)
    assert wait_until_equal(platform, sim) == sim.tokens.all()

    redis.stop()
    started = time.monotonic()
    answers = [platform.get("/ocpi/emsp/versions", token=sim.emsp_token).status_code for _ in range(5)]
    assert answers == [200] * 5  # the inbound API does not need Redis
    assert time.monotonic() - started < 10
    put = platform.put("/ocpi/emsp/2.1.1/sessions/NL/SIM/R1", json=session(id="R1"), token=sim.emsp_token)
    assert put.status_code == 201  # rate limits fail open while Redis is down
    block(platform, "F00001")  # recorded in the outbox; the wake-up cannot be enqueued
    issue_tokens(platform, 3, 2)
    time.sleep(3)
    assert sim.tokens.get("F00001")["valid"] is True  # not sent yet: no broker

    redis.start()  # same port: worker and beat reconnect; the sweep sends what is due
    ours = wait_until_equal(platform, sim)
    assert sim.tokens.all() == ours
    assert ours["F00001"]["valid"] is False
    assert len(ours) == 5
    worker.terminate()
    worker.wait(timeout=30)


def test_a_worker_killed_in_the_middle_of_a_push_loses_nothing_and_never_goes_back(stack):
    platform, _, sim = stack
    sim.tokens.clear()
    worker = platform.worker()
    issue_tokens(platform, 100, 400)  # a batch large enough to be caught in the middle
    deadline = time.monotonic() + 60
    while len(sim.tokens.all()) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.kill()  # SIGKILL: no cleanup, its leased pushes stay leased
    worker.wait(timeout=10)
    received = len(sim.tokens.all())
    platform.worker()  # another worker; the leases run out and the sweep sends the rest
    ours = wait_until_equal(platform, sim, timeout=120, since="F00100")
    assert received >= 20  # it was killed with pushes sent and (most likely) pushes leased
    assert sim.tokens.all() == ours
    last_seen: dict[str, str] = {}
    for write in sim.tokens.writes:  # a later write never carries an older state
        assert write.body.get("last_updated", "") >= last_seen.get(write.uid, ""), write
        last_seen[write.uid] = write.body.get("last_updated", last_seen.get(write.uid, ""))
