"""A deterministic one-time task failure, for testing that a retried task changes nothing.

When CLEANSE_SPARK_FAIL_ONCE names a file path and that file does not exist yet, the first task
to reach the named stage (`CLEANSE_SPARK_FAIL_STAGE`: clean, sign, verify or resolve) creates the
file and raises; every later attempt finds the file and goes on. Unset, this does nothing.
"""

from __future__ import annotations

import os

FAIL_ONCE_ENV = "CLEANSE_SPARK_FAIL_ONCE"
FAIL_STAGE_ENV = "CLEANSE_SPARK_FAIL_STAGE"


class InjectedFailureError(RuntimeError):
    """The failure CLEANSE_SPARK_FAIL_ONCE asked for."""


def maybe_fail(stage: str) -> None:
    """Fail this task once, if the environment asks for a failure in `stage`."""
    marker = os.environ.get(FAIL_ONCE_ENV)
    if not marker or os.environ.get(FAIL_STAGE_ENV, "clean") != stage:
        return
    try:
        with open(marker, "x", encoding="utf-8") as out:
            out.write(f"failed once in {stage}\n")
    except FileExistsError:
        return
    msg = f"injected failure in the {stage} stage ({FAIL_ONCE_ENV}={marker})"
    raise InjectedFailureError(msg)
