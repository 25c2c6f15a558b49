"""A deterministic one-time task failure, for testing that a retried task changes nothing.

CLEANSE_SPARK_FAULTS names a folder. A task reaching stage S (clean, sign, verify, resolve)
while `S.armed` exists there and `S.failed` does not creates `S.failed` (atomically, so exactly
one attempt fails) and raises; the retried attempt finds `S.failed` and goes on. Executors read
the folder at run time, so a test arms a stage by creating one file. Unset, this does nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

FAULTS_ENV = "CLEANSE_SPARK_FAULTS"


class InjectedFailureError(RuntimeError):
    """The failure CLEANSE_SPARK_FAULTS asked for."""


def maybe_fail(stage: str) -> None:
    """Fail this task once, if `stage` is armed in the CLEANSE_SPARK_FAULTS folder."""
    folder = os.environ.get(FAULTS_ENV)
    if not folder or not (Path(folder) / f"{stage}.armed").exists():
        return
    try:
        with (Path(folder) / f"{stage}.failed").open("x", encoding="utf-8") as out:
            out.write(f"pid {os.getpid()}\n")
    except FileExistsError:
        return
    msg = f"injected failure in the {stage} stage ({FAULTS_ENV}={folder})"
    raise InjectedFailureError(msg)
