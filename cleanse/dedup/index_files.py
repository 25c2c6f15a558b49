"""The duplicate index's files: the manifest (its format and version, reading it under a lock),
the segments' .npy arrays, the settings an index was built with, and the cleanup of what a killed
run left. DuplicateIndex (cleanse.dedup.index) reads and publishes through these."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cleanse.dedup.index_check import damaged
from cleanse.errors import ConfigError

FORMAT = "cleanse-dedup-index"
#: 2: a document's signature and set come from its whole token stream (1: union of its lines').
#: 3: near duplicates are entries too, each with the exact hash of its cluster's root (`target`).
VERSION = 3


def save_array(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as fh:
        np.save(fh, array, allow_pickle=False)
        fh.flush()
        os.fsync(fh.fileno())


def refuse_other_settings(root: Path, recorded: dict[str, Any], wanted: dict[str, Any]) -> None:
    """Refuse an index built with other duplicate settings (either engine's): its signatures
    would not match this run's."""
    diffs = [
        f"{k}: index has {recorded.get(k)!r}, this run has {wanted.get(k)!r}"
        for k in sorted(set(wanted) | set(recorded))
        if recorded.get(k) != wanted.get(k)
    ]
    if diffs:
        msg = (
            f"--index {root} was built with other duplicate settings, and signatures would not "
            f"match: {'; '.join(diffs)}. Rerun with the index's settings or use a new --index "
            "directory."
        )
        raise ConfigError(msg)


@contextlib.contextmanager
def lock_manifest(root: Path) -> Iterator[None]:
    lock = root / ".lock"
    if lock.is_symlink() or (lock.exists() and not lock.is_file()):
        msg = (
            f"--index {root}: {lock} is not a file (cleanse locks the manifest with it); "
            "remove it and run again"
        )
        raise ConfigError(msg)
    with lock.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / "manifest.json"
    if not path.exists():
        return None
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise damaged(root, f"{path} is unreadable ({err})") from err
    if not isinstance(manifest, dict):
        raise damaged(root, f"{path} is not a JSON object")
    return manifest


def collect_garbage(root: Path, live: set[str]) -> None:
    """Remove what a killed run left behind: temporary files and unpublished segments."""
    for child in root.iterdir():
        stale = child.name.startswith((".tmp-", ".manifest-"))
        orphan = child.name.startswith("seg-") and child.name not in live
        if stale or orphan:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def live_segments(manifest: dict[str, Any]) -> set[str]:
    """Segments that must stay: the committed ones and every run's pending ones."""
    return set(manifest["segments"]).union(*manifest["pending"].values())


# The Spark engine's index (cleanse.spark.index: Parquet band-key files) keeps its manifest here.
SPARK_MANIFEST = "spark-index.json"
SPARK_CONVERT = "python -m cleanse.spark.convert"


def refuse_spark_index(root: Path) -> None:
    """Refuse the Spark engine's Parquet index, naming the command that converts it."""
    if (root / SPARK_MANIFEST).is_file():
        msg = (
            f"--index {root} is a Spark engine's index (Parquet band-key files, {SPARK_MANIFEST}); "
            f"the local engine reads and appends numpy segments. Convert it once: {SPARK_CONVERT} "
            f"to-local {root} NEW_DIR (needs the spark extra), then run with --index NEW_DIR (the "
            f"Spark engine reads it back after: {SPARK_CONVERT} to-parquet NEW_DIR SPARK_DIR), "
            "or run with --engine spark"
        )
        raise ConfigError(msg)


def check_version(root: Path, manifest: dict[str, Any]) -> None:
    """Refuse an index of another format version: its entries would be silently misread."""
    if manifest.get("format") != FORMAT:
        msg = f"--index {root}: not a cleanse duplicate index (manifest.json has no format {FORMAT!r})"
        raise ConfigError(msg)
    version = manifest.get("version")
    if version == VERSION:
        return
    if isinstance(version, int) and version > VERSION:
        msg = (
            f"--index {root} was written by a newer cleanse (index format {version}; this cleanse "
            f"reads format {VERSION}): upgrade cleanse, or use another --index directory"
        )
        raise ConfigError(msg)
    msg = (
        f"--index {root} was written by an older cleanse (index format {version}; this cleanse "
        f"reads format {VERSION}, whose entries differ) and cannot be used. Rebuild it from "
        f"what your earlier runs kept: cleanse dedup EARLIER_OUTPUT SCRATCH_DEST --index NEW_DIR "
        f"(one run per earlier output, oldest first), then use --index NEW_DIR"
    )
    raise ConfigError(msg)


#: Two wanted ranges of a segment's file at most this many bytes apart are read with one `pread`:
#: a system call costs about what copying a few kB does, and what lies between is dropped at once
#: (at most this much more memory per range read, for a moment).
READ_GAP_BYTES = 8 << 10


def read_ranges(
    read: Callable[[int, int], np.ndarray], starts: np.ndarray, stops: np.ndarray, gap: int
) -> tuple[np.ndarray, np.ndarray]:
    """The items `starts[k]:stops[k]` of a 1-D array on disk, for each k in that order, as CSR
    (values, offsets), read with as few `read(start, stop)` calls as there are runs of ranges
    at most `gap` items apart: the ranges sorted by where they start, then read run by run.

    Only the runs are read, never the whole file: what verification and the audit read of an
    index stays out of the process's memory once used (see SegmentFiles).

    >>> data = np.arange(100, 120)
    >>> calls = []
    >>> def read(a, b):
    ...     calls.append((a, b))
    ...     return data[a:b]
    >>> values, offsets = read_ranges(read, np.array([10, 0, 2, 19]), np.array([12, 2, 3, 20]), 4)
    >>> values.tolist(), offsets.tolist(), calls
    ([110, 111, 100, 101, 102, 119], [0, 2, 4, 5, 6], [(0, 3), (10, 12), (19, 20)])
    """
    lengths = stops - starts
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if not len(starts):
        return read(0, 0), offsets
    order = np.argsort(starts, kind="stable")
    first, reach = starts[order], np.maximum.accumulate(stops[order])
    begins = np.ones(len(first), np.bool_)  # where a run of nearby ranges begins
    np.greater(first[1:], reach[:-1] + gap, out=begins[1:])
    heads = np.flatnonzero(begins)
    run_starts = first[heads]
    run_stops = reach[np.append(heads[1:] - 1, len(first) - 1)]
    pieces = [read(a, b) for a, b in zip(run_starts.tolist(), run_stops.tolist(), strict=True)]
    buffer = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
    run_base = np.zeros(len(pieces), np.int64)
    np.cumsum((run_stops - run_starts)[:-1], out=run_base[1:])
    run = np.cumsum(begins) - 1
    where = np.empty(len(starts), np.int64)  # each range's start in the buffer
    where[order] = run_base[run] + (first - run_starts[run])
    # Position p of the output reads buffer[where[k] + p - offsets[k]] for its range k.
    gather = np.repeat(where - offsets[:-1], lengths) + np.arange(offsets[-1])
    return buffer[gather], offsets


class SegmentFiles:
    """The segments' array files of an index at `root`, read by ranges, not mapped.

    Verification reads the shingle sets of scattered entries, and the audit the ids of
    scattered entries; a mapped page stays in the process's memory once read, in 2 MB pieces
    where the kernel maps files by huge pages, until the whole of every set file was resident
    (0.6 GB of a 1 GB run at 40 %). So each file is read with `pread`, nearby ranges at once
    (`read_ranges`), and the files stay open until `close`.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._open: dict[tuple[str, str, str], tuple[Any, int, np.dtype[Any]]] = {}

    def __len__(self) -> int:
        """How many files are open."""
        return len(self._open)

    def file(self, segment: str, level: str, name: str) -> tuple[Any, int, np.dtype[Any]]:
        """A segment's array file, open, where its data starts, and its dtype."""
        key = (segment, level, name)
        if key not in self._open:
            path = self.root / segment / f"{level}.{name}.npy"
            try:
                fh = path.open("rb")
                version = np.lib.format.read_magic(fh)
                header = np.lib.format.read_array_header_1_0
                if version != (1, 0):
                    header = np.lib.format.read_array_header_2_0
                _, _, dtype = header(fh)
            except (OSError, ValueError) as err:
                raise damaged(self.root, f"{path} is unreadable ({err})") from None
            self._open[key] = (fh, fh.tell(), np.dtype(dtype))
        return self._open[key]

    def read(self, segment: str, level: str, name: str, start: int, end: int) -> np.ndarray:
        """Items start:end of a segment's 1-D array."""
        fh, header_bytes, dtype = self.file(segment, level, name)
        size = (end - start) * dtype.itemsize
        data = os.pread(fh.fileno(), size, header_bytes + start * dtype.itemsize)
        if len(data) != size:
            raise damaged(self.root, f"{fh.name} is shorter than its offsets say")
        return np.frombuffer(data, dtype=dtype)

    def ranges(
        self, segment: str, level: str, name: str, starts: np.ndarray, stops: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Items `starts[k]:stops[k]` of a segment's 1-D array, each k in order, as CSR
        (values, offsets); nearby ranges read at once (`read_ranges`)."""

        def read(start: int, end: int) -> np.ndarray:
            return self.read(segment, level, name, start, end)

        itemsize = self.file(segment, level, name)[2].itemsize
        return read_ranges(read, starts, stops, max(1, READ_GAP_BYTES // itemsize))

    def close(self) -> None:
        for fh, _, _ in self._open.values():
            fh.close()
        self._open.clear()
