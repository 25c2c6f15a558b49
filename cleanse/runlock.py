"""The lock a run holds on its report folder, or on a duplicate index, for as long as it works there.

A lock is an flock on a small file that names its holder (PID, host, SRC, DEST, run id). The
kernel releases the flock when the process ends, however it ends, so a second run can tell a
live holder (refused, or waited for with `--wait`) from a file left by a run that died: a stale
lock, which says which run was interrupted there. The file is removed when its run completes.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
from pathlib import Path
from typing import Any

from cleanse.errors import CleanseError

LOCK_FILE = "run.lock"

log = logging.getLogger(__name__)


class BusyError(CleanseError):
    """Another live run holds the lock."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def describe(holder: dict[str, Any] | None) -> str:
    """`PID 123 (cleanse run a.jsonl -> out/a.jsonl, started 2026-...)` for messages."""
    if not holder:
        return "a cleanse run"
    where = f"{holder.get('src')} -> {holder.get('dest')}" if holder.get("dest") else ""
    host = holder.get("host")
    on = f" on {host}" if host and host != socket.gethostname() else ""
    return f"PID {holder.get('pid')}{on} (cleanse {where}, started {holder.get('started', '?')})"


class RunLock:
    """An exclusive lock on `path`, held until `release` (or until the process ends).

    `previous` is what the lock file said when it was taken: None for a new file, else the
    holder of a run that ended without completing (its process is gone).
    """

    def __init__(self, path: Path, fd: int, previous: dict[str, Any] | None, created: bool) -> None:
        self.path = path
        self._fd: int | None = fd
        self.previous = previous
        self.created = created

    @classmethod
    def acquire(cls, path: Path, *, what: str, wait: bool = False) -> RunLock:
        """Take the lock on `path` (`what` names the place in messages: "DEST out/").

        Refused with BusyError naming the holder's PID when a live run holds it, unless `wait`.
        """
        if (path.exists() and not path.is_file()) or path.is_symlink():
            msg = (
                f"{path} is not a lock file (it is a folder or a link); cleanse keeps its run "
                f"lock there. Remove it ({what}) and run again"
            )
            raise CleanseError(msg)
        while True:
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as err:
                    if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        raise
                    holder = _read(fd)
                    if not wait:
                        msg = (
                            f"{what} is in use by {describe(holder)}: lock {path}. Wait for that "
                            "run to end, or pass --wait to start when it does"
                        )
                        raise BusyError(msg) from None
                    log.warning(
                        "waiting for %s to release %s (lock %s)", describe(holder), what, path
                    )
                    fcntl.flock(fd, fcntl.LOCK_EX)
                # The holder may have removed the file while we waited: lock the file at `path`.
                if not _same_file(fd, path):
                    os.close(fd)
                    continue
            except BaseException:
                os.close(fd)
                raise
            previous = _read(fd)
            if previous is not None:
                pid = int(previous.get("pid", 0))
                state = "no longer running" if not pid_alive(pid) else "alive, but not holding it"
                log.warning(
                    "%s: the run %s ended without completing (PID %s is %s); its lock is stale",
                    what, describe(previous), pid, state,
                )  # fmt: skip
            return cls(path, fd, previous, created)

    def write(self, holder: dict[str, Any]) -> None:
        """Record this run as the holder (durably: a later run reads it if this one dies)."""
        assert self._fd is not None
        data = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), **holder}).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)
        os.fsync(self._fd)

    def release(self, *, remove: bool) -> None:
        """Let go of the lock; `remove` deletes the file (the run completed, or never began)."""
        if self._fd is None:
            return
        try:
            if remove:
                self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)
            self._fd = None


def read_holder(path: Path) -> dict[str, Any] | None:
    """What the lock file at `path` says, or None (no file, or unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return _read(fd)
    finally:
        os.close(fd)


def _read(fd: int) -> dict[str, Any] | None:
    try:
        size = os.fstat(fd).st_size
        data = json.loads(os.pread(fd, max(size, 1), 0) or b"null")
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)
