"""numpy loaded, in the `cleanse` process, with a BLAS of one thread: cleanse does no linear
algebra, and an idle BLAS thread still costs CPU.

numpy's OpenBLAS starts a thread per further core when numpy is imported, and each new thread
spins, waiting for work, for about 2**28 cycles before it sleeps: on a 2-core machine about
0.12 s of CPU for every `cleanse dedup`, 5 % of a 40 MB run, for a BLAS no kernel calls.
`OPENBLAS_NUM_THREADS=1`, read by OpenBLAS once, when numpy loads it, starts none. The variable
is set only for that import and only when the user set none of the variables OpenBLAS reads (a
user's setting is theirs); the environment is then as it was, so child processes see the user's.
"""

from __future__ import annotations

import os
import sys

# What OpenBLAS reads for its number of threads, in its order of precedence.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def import_numpy_one_blas_thread() -> None:
    """Import numpy with one BLAS thread (see the module), unless it is loaded already or the
    environment says how many threads the BLAS should have."""
    if "numpy" in sys.modules or any(name in os.environ for name in THREAD_VARIABLES):
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        import numpy  # noqa: F401 - loaded now, its BLAS with one thread
    finally:
        del os.environ["OPENBLAS_NUM_THREADS"]
