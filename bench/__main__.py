"""``python -m bench [name ...]``: run the named benchmarks (default: all) and print their tables.

Add a benchmark with one line in ``BENCHMARKS``: ``"journal": _module("bench.journal"),`` where the
module defines ``run() -> None`` that prints its own table. Modules are imported only when run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
from collections.abc import Callable, Sequence

Benchmark = Callable[[], None]


def _module(name: str) -> Benchmark:
    """A benchmark that imports ``name`` when it runs and calls its ``run()``."""

    def run() -> None:
        importlib.import_module(name).run()

    return run


BENCHMARKS: dict[str, Benchmark] = {
    "wire_formats": _module("bench.wire_formats"),
    "receivers": _module("bench.receivers"),
    "authorize_beside_pushes": _module("bench.authorize_beside_pushes"),
    "journal": _module("bench.journal"),
    "tokens": _module("bench.tokens"),
    "simulator": _module("bench.simulator"),
    "sync": _module("bench.sync"),
    "commands": _module("bench.commands"),
    "billing": _module("bench.billing"),
    "console": _module("bench.console"),
    "billing_export": _module("bench.billing_export"),
}


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"Machine: nproc {cores}, {_cpu_model()}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def parse_names(argv: Sequence[str] | None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run benchmarks (default: all).")
    parser.add_argument("names", nargs="*", metavar="name", help="one of: " + ", ".join(BENCHMARKS))
    names: list[str] = parser.parse_args(argv).names
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    return names or list(BENCHMARKS)


def main(argv: Sequence[str] | None = None) -> None:
    names = parse_names(argv)
    print(machine() + "\n")
    for name in names:
        BENCHMARKS[name]()
        print()


if __name__ == "__main__":
    main()
