"""Benchmarks for design decisions; run with ``make bench`` or ``python -m bench [name ...]``.

Never part of ``make test``. Each benchmark module exposes ``run()`` and prints its own table;
``bench/__main__.py`` holds the registry, ``bench/RESULTS.md`` the measured figures.
"""
