"""Shared test settings: hypothesis profiles, the --update-golden flag, and `crash_after`."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
# Long fuzzing runs outside CI: HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def crash_after(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`crash_after(n)`: the next run stops, like an interrupted process (KeyboardInterrupt), right
    after its n-th checkpoint; `monkeypatch.undo()` lets the following run go through."""

    def arm(batches: int) -> None:
        from cleanse import job

        real = job._save_checkpoint
        seen = {"n": 0}

        def save_then_stop(*args, **kwargs):
            real(*args, **kwargs)
            seen["n"] += 1
            if seen["n"] == batches:
                raise KeyboardInterrupt

        monkeypatch.setattr(job, "_save_checkpoint", save_then_stop)

    return arm
