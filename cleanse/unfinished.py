"""What a run does when writing fails: remove what it wrote after its last checkpoint, and say
where and why in one sentence.

A full disk must not stay full of a run's temporary files. What the last checkpoint recorded
(the output and audit up to its byte counts, the published index segments) stays, so `--resume`
continues once space is freed and gives the same bytes as an uninterrupted run; everything after
it is truncated or removed. Without a checkpoint nothing can be resumed, and the run's temporary
files go entirely.
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse.checkpoint import PROGRESS_FILE
from cleanse.durable import temporary_name

if TYPE_CHECKING:
    from cleanse.dedup import DuplicateIndex  # loads numba: not for a run that only cleans

AUDIT_FILE = "audit.jsonl"
# Below this much free space, a write that failed without an errno failed for want of space.
FULL_DISK_BYTES = 1 << 20


def discard_unfinished(
    report: Path | None,
    left: Path | None,
    index: DuplicateIndex | None,
    scratch: Path | None,
    *,
    saved: bool,
) -> bool:
    """Remove or truncate what the run wrote after its last checkpoint; True if one remains.

    `left` is the temporary output file the writer was writing, `scratch` the run's own
    duplicate index folder, `saved` whether progress.json holds a checkpoint of this run.
    """
    state = _checkpoint_state(report) if saved else None
    kept: Path | None = None
    if state is not None and report is not None:
        _truncate(temporary_name(report / AUDIT_FILE), int(state.get("audit_bytes", 0)))
        writer = state.get("writer", {})
        if "path" in writer and "bytes" in writer:  # a Parquet output's parts: see its resume
            kept = temporary_name(Path(writer["path"]))
            _truncate(kept, int(writer["bytes"]))
    elif report is not None:
        temporary_name(report / AUDIT_FILE).unlink(missing_ok=True)
    if left is not None and left != kept:
        left.unlink(missing_ok=True)
    if report is not None:
        (report / f".{PROGRESS_FILE}.tmp").unlink(missing_ok=True)
    if state is None and scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    elif index is not None:
        _remove_unpublished_segments(index.path)
    return state is not None


def _checkpoint_state(report: Path | None) -> dict[str, Any] | None:
    if report is None:
        return None
    try:
        state: dict[str, Any] = json.loads((report / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state


def _truncate(path: Path, size: int) -> None:
    with contextlib.suppress(OSError), path.open("r+b") as fh:
        fh.truncate(size)


def _remove_unpublished_segments(folder: Path) -> None:
    """Remove the segment a failed commit was writing (the index's `.tmp-*` folders)."""
    with contextlib.suppress(OSError):
        for child in folder.iterdir():
            if child.name.startswith(".tmp-"):
                shutil.rmtree(child, ignore_errors=True)


def out_of_space(exc: OSError) -> bool:
    """True when a write failed for want of space: ENOSPC or EDQUOT, or no errno at all (numpy
    reports a short write so) on a file system with (almost) no space left. Ask before removing
    anything: afterwards the disk is no longer full."""
    if exc.errno is not None:
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return _nearly_full(exc.filename or ".")


def describe_write_failure(exc: OSError, *, resumable: bool, full: bool | None = None) -> str:
    """One sentence: the path, the OS error, what to do (`full`: see out_of_space).

    >>> error = OSError(errno.EROFS, "Read-only file system", "out/a.txt")
    >>> describe_write_failure(error, resumable=False)
    'out/a.txt: Read-only file system [EROFS]; choose a DEST (or --report folder) you can write to'
    """
    path = exc.filename or "the output"
    code = exc.errno
    cause = exc.strerror or (str(exc.args[0]) if exc.args else "") or type(exc).__name__
    if code is None and (out_of_space(exc) if full is None else full):
        code, cause = errno.ENOSPC, f"{cause} (no space left on device)"
    if code is not None and code in errno.errorcode:
        cause = f"{cause} [{errno.errorcode[code]}]"
    if code in (errno.ENOSPC, errno.EDQUOT):
        then = (
            "run the same command with --resume to continue from the last checkpoint"
            if resumable
            else "run the command again (no checkpoint was reached; what it wrote was removed)"
        )
        advice = f"free some space, then {then}"
    elif code in (errno.EROFS, errno.EACCES, errno.EPERM):
        advice = "choose a DEST (or --report folder) you can write to"
    elif code == errno.ENAMETOOLONG:
        advice = "choose a DEST with a shorter path"
    else:
        advice = "check the disk and run again" + (" with --resume" if resumable else "")
    return f"{path}: {cause}; {advice}"


def _nearly_full(path: str) -> bool:
    """True when the file system holding `path` has (almost) no space left."""
    place = Path(path)
    for candidate in (place, *place.parents):
        with contextlib.suppress(OSError):
            if candidate.exists():
                return shutil.disk_usage(candidate).free < FULL_DISK_BYTES
    return False
