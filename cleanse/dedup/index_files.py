"""The duplicate index's files: the manifest (its format and version, reading it under a lock),
the segments' .npy arrays, the settings an index was built with, and the cleanup of what a killed
run left. DuplicateIndex (cleanse.dedup.index) reads and publishes through these."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
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
