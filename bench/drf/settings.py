"""Benchmark settings: the project's, plus the DRF twin endpoint's URLs."""

from emsp.settings import *  # noqa: F403 (a settings overlay: every project setting, one changed)

ROOT_URLCONF = "bench.drf.urls"
