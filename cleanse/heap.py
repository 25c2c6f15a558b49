"""Give the memory a finished batch freed back to the operating system.

Python's objects and numpy's arrays are freed into the C allocator, which keeps freed pages for
later: after a batch of a long run, hundreds of megabytes stay in the process without holding
anything, and each batch can leave them in other places (a 1 GB run grew by them). glibc's
`malloc_trim(0)` returns every free page (the middle of the heap too) to the system; elsewhere
(musl, macOS, Windows) this does nothing. It changes no data, only where free memory sits.
"""

from __future__ import annotations

from cleanse.libc import libc_function

__all__ = ["give_back"]


def give_back() -> None:
    """Return the allocator's free pages to the system (glibc's malloc_trim; else nothing)."""
    trim = libc_function("malloc_trim")
    if trim is not None:
        trim(0)
