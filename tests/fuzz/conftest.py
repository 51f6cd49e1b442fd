"""Hypothesis profiles for the fuzz tests.

The suite runs a bounded, derandomised number of examples per property (the same examples on every
run, so CI is reproducible). For a longer local run, which explores new random inputs each time:

    TFBG_FUZZ_PROFILE=long TFBG_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/fuzz

A failing example is printed by hypothesis (and kept in .hypothesis/ to be replayed first next time).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "suite",
    max_examples=int(os.environ.get("TFBG_FUZZ_EXAMPLES", "25")),
    derandomize=True,
    deadline=None,  # "never hangs" is checked by an alarm per example (guard.py), not by timing
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("TFBG_FUZZ_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("TFBG_FUZZ_PROFILE", "suite"))
