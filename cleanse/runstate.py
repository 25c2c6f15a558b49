"""Taking ownership of a report folder (and a duplicate index) for one run, and letting go of it.

A run locks its report folder, and its `--index`, for as long as it works there (see
`cleanse.runlock`). The lock file stays behind when the run does not complete, so a folder tells
what happened there:

    run.lock, no progress.json   a run was started and stopped before its first checkpoint
    progress.json                a run stopped after a checkpoint (or while completing)
    neither                      no run, or every run there completed

`claim` reads that state, decides what this run may do (start, start over, resume, or refuse)
and never removes another run's state: a folder holding an unfinished run for another DEST is
refused, whatever the flags.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanse.checkpoint import PROGRESS_FILE, Checkpoint, RunIdentity
from cleanse.errors import ConfigError, InputError
from cleanse.runlock import LOCK_FILE, RunLock, describe

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Claim:
    """What `claim` settled: the locks held, this run's id, and the checkpoint to resume from."""

    run: str
    checkpoint: Checkpoint | None
    lock: RunLock | None
    index_lock: RunLock | None
    made: list[Path]  # folders this claim created, removed again if the run never begins

    def begin(self, holder: dict[str, Any]) -> None:
        """Record this run in its lock files: from here on, an interruption leaves state behind."""
        started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        for lock in (self.lock, self.index_lock):
            if lock is not None:
                lock.write({**holder, "run": self.run, "started": started})

    def abandon(self) -> None:
        """Let go after a refusal or an error before `begin`: leave the folders as they were."""
        for lock in (self.index_lock, self.lock):
            if lock is not None:
                lock.release(remove=lock.created and lock.previous is None)
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty

    def interrupted(self) -> None:
        """Let go after the run stopped midway: the lock files stay, naming this run."""
        for lock in (self.index_lock, self.lock):
            if lock is not None:
                lock.release(remove=False)

    def completed(self, report: Path | None) -> None:
        """Let go after the run completed: no lock and no progress file are left."""
        if self.index_lock is not None:
            self.index_lock.release(remove=True)
        if self.lock is not None:
            # The lock file goes first: progress.json without it still resumes (and completes).
            self.lock.path.unlink(missing_ok=True)
            if report is not None:
                Checkpoint.clear(report)
            self.lock.release(remove=False)


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """What a run asks of `claim`: its places, its identity and its flags.

    dest: DEST as given, told apart from another run's DEST and named in refusals;
    report: the report folder to lock (None when DEST is stdout);
    index: the --index folder to lock too (None without one);
    mark: the run's identity, compared with what an interrupted run there recorded;
    refuse_occupied: raises InputError when DEST or the report folder is occupied; asked once
    the lock is held, for a run without --overwrite that starts afresh.
    """

    dest: str
    report: Path | None
    index: str | None
    mark: RunIdentity
    resume: bool
    overwrite: bool
    wait: bool
    refuse_occupied: Callable[[], None]


def claim(request: ClaimRequest) -> Claim:
    """Lock the report folder and the index, and decide how this run begins.

    Raises InputError / ConfigError / BusyError when the run may not go on.
    """
    report, index = request.report, request.index
    made: list[Path] = []
    lock = index_lock = None
    try:
        if report is not None:
            for folder in (*reversed(report.parents), report):
                if not folder.exists():
                    made.append(folder)
            report.mkdir(parents=True, exist_ok=True)
            lock = RunLock.acquire(
                report / LOCK_FILE, what=f"DEST {request.dest}", wait=request.wait
            )
        checkpoint = _decide(request, lock)
        if index is not None:
            root = Path(index)
            if root.exists() and not root.is_dir():
                msg = f"--index {root}: exists and is not a directory"
                raise ConfigError(msg)
            root.mkdir(parents=True, exist_ok=True)
            index_lock = RunLock.acquire(
                root / LOCK_FILE, what=f"--index {index}", wait=request.wait
            )
            gone = index_lock.previous
            if gone and gone.get("dest") == "-" and gone.get("run"):
                # A run that wrote to stdout cannot be resumed: its pending entries are dead.
                from cleanse.dedup import DuplicateIndex  # here: a cleaning run never loads numba

                DuplicateIndex.discard_run(root, str(gone["run"]))
    except BaseException:
        Claim("", None, lock, index_lock, made).abandon()
        raise
    run = checkpoint.run if checkpoint is not None and checkpoint.run else uuid.uuid4().hex
    return Claim(run, checkpoint, lock, index_lock, made)


def _decide(request: ClaimRequest, lock: RunLock | None) -> Checkpoint | None:
    """The checkpoint to resume from, or None to start afresh (after clearing what may be)."""
    report, dest = request.report, request.dest
    previous = lock.previous if lock is not None else None
    progress = report is not None and (report / PROGRESS_FILE).exists()
    if request.resume:
        if report is None:
            msg = "--resume needs SRC and DEST on disk (not - for stdin or stdout)"
            raise InputError(msg)
        if progress or previous is None:
            return Checkpoint.load(report, request.mark)  # "nothing to resume" if nothing
        if previous.get("fingerprint") != request.mark.digest:
            msg = (
                f"cannot resume: the run in {report} ({describe(previous)}) used other settings, "
                "rules or inputs; rerun it with the same command, or start again with --overwrite"
            )
            raise InputError(msg)
        log.warning(
            "the run %s stopped before its first checkpoint: starting it over", describe(previous)
        )
        _forget(report, previous)
        return None
    if progress or previous is not None:
        other = previous is not None and not _same_path(previous.get("dest"), dest)
        if other:
            msg = (
                f"report folder {report} holds the unfinished run {describe(previous)}; its state "
                "is kept: finish it with --resume (its own command), or give this run another "
                "--report folder"
            )
            raise InputError(msg)
        if not request.overwrite:
            msg = (
                f"DEST {dest} holds a run that was interrupted ({describe(previous)}); pass "
                "--resume to continue the run that was interrupted there, --overwrite to start it "
                "over, or choose another DEST"
            )
            raise InputError(msg)
        assert report is not None
        _forget(report, previous)
        return None
    if not request.overwrite:
        request.refuse_occupied()
    return None


def _forget(report: Path, previous: dict[str, Any] | None) -> None:
    """Drop an abandoned run's checkpoint and its uncommitted index entries (it starts over)."""
    Checkpoint.clear(report)
    if previous and previous.get("index") and previous.get("run"):
        root = Path(previous["index"])
        if root.is_dir():
            from cleanse.dedup import DuplicateIndex  # here: a cleaning run never loads numba

            DuplicateIndex.discard_run(root, str(previous["run"]))


def _same_path(a: str | None, b: str) -> bool:
    if a is None:
        return False
    return a == b or Path(a).resolve() == Path(b).resolve()
