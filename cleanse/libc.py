"""The C library's own functions that Python does not wrap (`malloc_trim`, `syncfs`), looked up once."""

from __future__ import annotations

import ctypes
import functools
from typing import Any

__all__ = ["libc_function"]


@functools.cache
def _libc() -> Any:
    try:
        # The C library the interpreter is linked against, whatever its file is called.
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # a platform without dlopen(NULL)
        return None


def libc_function(name: str) -> Any:
    """The C library's function `name`, or None where this C library lacks it (musl, macOS...)."""
    return getattr(_libc(), name, None)
