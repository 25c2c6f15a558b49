"""The `cleanse` process loads numpy with a BLAS of one thread (cleanse.cli.blas_threads), and
leaves the environment, and a user's own thread setting, as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import os\n"
    "from cleanse.cli.blas_threads import import_numpy_one_blas_thread\n"
    "import_numpy_one_blas_thread()\n"
    "import numpy\n"
    "print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))\n"
)


def _threads_and_variable(env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    threads, variable = done.stdout.split()
    return int(threads), variable


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def test_numpy_is_loaded_with_one_thread_and_the_variable_is_gone() -> None:
    if not Path("/proc/self/task").is_dir():  # Linux only: threads are counted there
        return
    threads, variable = _threads_and_variable(_environment())
    assert (threads, variable) == (1, "None")


def test_a_users_thread_setting_is_left_alone() -> None:
    if not Path("/proc/self/task").is_dir():
        return
    _, variable = _threads_and_variable(_environment(OPENBLAS_NUM_THREADS="2"))
    assert variable == "2"
