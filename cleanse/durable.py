"""Atomic, durable file writes: a file is written under a temporary name and renamed when complete.

One rule everywhere (corpus files, audit, summary, report, checkpoint, index manifest, Parquet
parts, rule files written by `rules learn`): the contents are fsynced before the rename, and the
folder after it, so that after a crash the final name holds the whole file or nothing. A caller
that publishes many files may defer the folder sync (or both, with one syncfs) to its checkpoint;
it says so with `sync_folder=False` / `sync=False`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cleanse.formats.compression import open_member
from cleanse.libc import libc_function

TMP_SUFFIX = ".cleanse-tmp"  # the ending of a file's name while it is written (see temporary_name)


def fsync_dir(path: Path) -> None:
    """Make the names in folder `path` durable (files created, renamed or removed there)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Make the contents of the closed file `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(temporary: Path, path: Path, *, sync: bool = True, sync_folder: bool = True) -> None:
    """Give the complete, closed file `temporary` its final name `path`.

    sync: fsync its contents first (a caller that syncs them otherwise passes False);
    sync_folder: fsync the folder after the rename (False: the caller does it at its checkpoint).
    """
    if sync:
        fsync_file(temporary)
    os.replace(temporary, path)
    if sync and sync_folder:
        fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_file(
    path: Path, temporary: Path | None = None, *, sync: bool = True, sync_folder: bool = True
) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: written under `temporary` (default: `.NAME.tmp`
    beside it), published by `publish` when the block ends, removed if the block raises.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_file(folder / "a.txt") as fh:
    ...     _ = fh.write(b"whole")
    >>> (folder / "a.txt").read_bytes(), sorted(p.name for p in folder.iterdir())
    (b'whole', ['a.txt'])
    """
    tmp = temporary if temporary is not None else path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as fh:
            yield fh
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        publish(tmp, path, sync=False, sync_folder=False)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk must not stay full of a half-written file
        raise
    if sync and sync_folder:
        fsync_dir(path.parent)


def temporary_name(path: Path) -> Path:
    """Where `path` is written until it is complete: a hidden sibling."""
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def write_atomic(
    path: Path, text: str, compression: str | None = None, *, sync: bool = True
) -> None:
    """Write `text` to `path` (compressed if asked) under its temporary name, then rename it.

    With `sync` the contents are fsynced before the rename and the new name after it; without,
    the caller makes them durable later (see `sync_filesystem`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, temporary_name(path), sync=sync) as raw:
        layer = open_member(raw, compression)
        layer.write(text.encode("utf-8"))
        if layer is not raw:
            layer.close()


def sync_filesystem(path: Path) -> None:
    """Flush every file of the file system holding `path` to disk (syncfs; sync where absent)."""
    syncfs = libc_function("syncfs")
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path if path.is_dir() else path.parent, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)
