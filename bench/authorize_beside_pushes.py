"""Real-time authorization beside the receivers' push load (issue 5 item 3).

Authorize at ``BENCH_AUTHORIZE_RATE`` (default 200) requests/s while the receivers' mixed push
load (70 % Session and EVSE PATCH, 25 % Session PUT, 5 % CDR POST) runs at
``BENCH_PUSH_RATE`` (default 200) requests/s beside it, both open loop, for
``BENCH_AUTHORIZE_SECONDS`` (default 30), against one gunicorn (sync workers) + PostgreSQL with
the journal on. The database is the tokens benchmark's (``BENCH_TOKENS`` tokens, COPY-loaded,
default 1,000,000), made afresh.

Reproduce: ``.venv/bin/python -m bench authorize_beside_pushes``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bench import receivers, tokens
from bench.journal import ROOT

PUSH_RATE = float(os.environ.get("BENCH_PUSH_RATE", "200"))


def run() -> None:
    env = tokens._env()
    tokens._fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        isolated.submit(tokens._load_tokens, env).result()
    uids = [tokens._uid(index) for index in range(0, tokens.TOKENS, max(1, tokens.TOKENS // 5000))]
    with tokens.Server(env) as port:
        tokens.warm_up(port, token=tokens.TOKEN)
        receivers.seed(port, token=tokens.TOKEN)
        pushes: dict[str, Any] = {}

        def push_load() -> None:
            pushes.update(
                receivers.pushes_open_loop(port, token=tokens.TOKEN, rate=PUSH_RATE, seconds=tokens.AUTHORIZE_SECONDS)
            )

        beside = threading.Thread(target=push_load)
        beside.start()
        load = tokens.authorize_load(
            port, token=tokens.TOKEN, uids=uids, rate=tokens.RATE, seconds=tokens.AUTHORIZE_SECONDS,
            clients=tokens.AUTHORIZE_CLIENTS,
        )  # fmt: skip
        beside.join()
    print(_table(load, pushes))


def _table(load: tokens.Load, pushes: dict[str, Any]) -> str:
    authorize = tokens.authorize_summary(load)
    latencies = pushes["latencies"]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    lines = [
        f"\nauthorize beside pushes: {tokens.TOKENS:,} tokens, gunicorn {tokens.WORKERS} sync workers + PostgreSQL, "
        f"journal on, open loop, {load.seconds:.0f} s",
        "| load | requests | requests/s | p50 ms | p99 ms | errors | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| authorize at {load.rate:.0f}/s | {authorize['requests']:,.0f} | {authorize['rate']:,.0f} | "
        f"{authorize['p50_ms']:.1f} | {authorize['p99_ms']:.1f} | {len(load.errors)} | p99 < 50 ms |",
        f"| mixed pushes at {PUSH_RATE:.0f}/s | {len(latencies):,} | {len(latencies) / load.seconds:,.0f} | "
        f"{statistics.median(latencies) * 1000:.1f} | {p99:.1f} | {len(pushes['errors'])} | — |",
    ]
    errors = load.errors[:3] + pushes["errors"][:3]
    if errors:
        lines.append(f"first errors: {errors}")
    return "\n".join(lines)
