"""The persistent duplicate index of the Spark engine: Parquet files, band keys partitioned by band.

    INDEX/spark-index.json                      format, version, settings, the committed runs
    INDEX/runs/<run>/entries/level=<L>/*.parquet    entry, exact, target, key, para, sigs, shingles
    INDEX/runs/<run>/keys/level=<L>/band=<B>/*.parquet   key (64-bit band key), entry

It holds what the local engine's index (`cleanse.dedup.index`) holds, entry for entry: numbers
dense from 0 per level in the order runs added them, exact hashes, band keys, the exact hash of
each near duplicate's cluster root (`target`, 0 for a root), the name of the document (and
paragraph), MinHash signatures and shingle sets. A run writes its files under a new run folder,
then publishes them by replacing spark-index.json atomically: a run killed at any point leaves
the index as it was, and its unpublished folder is removed by the next run. A lock file keeps
two runs apart. `python -m cleanse.spark.convert` turns a local engine's index into this form
and back.

Opening checks everything a run needs, before any work and without starting Spark: the format,
the version, the settings (a run whose settings differ is refused, saying which), and that every
published run is there.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse.dedup.config import DedupConfig
from cleanse.dedup.index import refuse_other_settings
from cleanse.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FORMAT = "cleanse-spark-index"
VERSION = 1
MANIFEST = "spark-index.json"
LOCAL_MANIFEST = "manifest.json"  # the local engine's index (cleanse.dedup.index)
LEVELS = ("document", "paragraph")
ENTRIES_SCHEMA = (
    "entry long, exact long, target long, key string, para int, sigs array<int>, "
    "shingles array<int>"
)
KEYS_SCHEMA = "key long, entry long, band int"
CONVERT = "python -m cleanse.spark.convert"


def _refuse(root: Path, what: str) -> ConfigError:
    return ConfigError(
        f"--index {root}: {what}; the index cannot be used as it is, and cleanse deletes nothing "
        f"it cannot read. Move {root} aside and rebuild it with the runs that made it"
    )


@dataclass(frozen=True, slots=True)
class SparkIndex:
    """An opened Parquet index: its folder, settings and published runs (name, entries per level)."""

    root: Path
    params: dict[str, Any]
    runs: tuple[dict[str, Any], ...]

    def count(self, level: str) -> int:
        """Entries of `level` in the published runs."""
        return sum(int(run[level]) for run in self.runs)

    def _paths(self, table: str, level: str) -> list[str]:
        return [
            str(self.root / "runs" / run["name"] / table / f"level={level}")
            for run in self.runs
            if int(run[level])
        ]

    def entries(self, spark: SparkSession, level: str) -> DataFrame | None:
        """Entries of `level` (ENTRIES_SCHEMA), or None when there is none."""
        paths = self._paths("entries", level)
        if not paths:
            return None
        return spark.read.schema(ENTRIES_SCHEMA).parquet(*paths)

    def keys(self, spark: SparkSession, level: str) -> DataFrame | None:
        """(key, entry, band) rows of `level`: every entry's 64-bit key in every band (the band
        is the partition folder band=B)."""
        paths = self._paths("keys", level)
        if not paths:
            return None
        # One read per run (each is its own partitioned table: band=B folders), then a union.
        frames = [spark.read.schema(KEYS_SCHEMA).parquet(path) for path in paths]
        out = frames[0]
        for frame in frames[1:]:
            out = out.unionByName(frame)
        return out


def is_local_index(root: Path) -> bool:
    """Whether `root` holds a local engine's index (manifest.json, numpy segments)."""
    return (root / LOCAL_MANIFEST).is_file() and not (root / MANIFEST).exists()


def open_index(path: str | os.PathLike[str], config: DedupConfig) -> SparkIndex:
    """The index at `path` for a run with `config` (an empty or missing folder: a new index).

    Refused, before any work, with what to do: a local engine's index (convert it), a folder
    that holds something else, another format or version, other settings, a missing run.
    """
    root = Path(path)
    if root.exists() and not root.is_dir():
        msg = f"--index {root}: exists and is not a directory"
        raise ConfigError(msg)
    if root.is_dir() and is_local_index(root):
        msg = (
            f"--index {root} is a local engine's index (numpy segments); the Spark engine reads "
            f"and appends Parquet. Convert it once: {CONVERT} to-parquet {root} NEW_DIR, then run "
            "with --index NEW_DIR (the local engine reads it back after: "
            f"{CONVERT} to-local NEW_DIR LOCAL_DIR)"
        )
        raise ConfigError(msg)
    wanted = config.index_params()
    manifest = _read_manifest(root)
    if manifest is None:
        if root.is_dir():
            others = sorted(p.name for p in root.iterdir() if p.name != ".lock")
            if others:
                msg = (
                    f"--index {root}: the folder is not empty ({', '.join(others[:3])}) and holds "
                    f"no {MANIFEST}, so it is not a cleanse index; give an empty or new folder"
                )
                raise ConfigError(msg)
        return SparkIndex(root, wanted, ())
    _check_version(root, manifest)
    recorded = manifest["params"]
    refuse_other_settings(root, recorded, wanted)
    for run in manifest["runs"]:
        if not (root / "runs" / run["name"]).is_dir():
            raise _refuse(root, f"run {run['name']}, listed in {MANIFEST}, is missing")
    return SparkIndex(root, recorded, tuple(manifest["runs"]))


def _read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _refuse(root, f"{path} is unreadable ({err})") from None
    if not isinstance(manifest, dict):
        raise _refuse(root, f"{path} is not a JSON object")
    return manifest


def _check_version(root: Path, manifest: dict[str, Any]) -> None:
    if manifest.get("format") != FORMAT:
        raise _refuse(root, f"{root / MANIFEST} has no format {FORMAT!r}")
    version = manifest.get("version")
    if version != VERSION:
        msg = (
            f"--index {root}: index format {version!r}, and this cleanse reads format {VERSION}: "
            "use the cleanse that wrote it, or another --index directory"
        )
        raise ConfigError(msg)
    runs = manifest.get("runs")
    if not isinstance(manifest.get("params"), dict) or not isinstance(runs, list):
        raise _refuse(root, f"{root / MANIFEST} has no valid `params` and `runs`")
    for run in runs:
        ok = isinstance(run, dict) and isinstance(run.get("name"), str)
        if not ok or "/" in run["name"] or not all(isinstance(run.get(x), int) for x in LEVELS):
            raise _refuse(root, f"{root / MANIFEST} lists an invalid run: {run!r}")


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the index's lock (another run waits for it to be released, not refused)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_run_folder(index: SparkIndex) -> str:
    """A name for this run's folder under runs/ (published only by `publish`)."""
    return f"run-{len(index.runs) + 1:06d}-{uuid.uuid4().hex[:8]}"


def write_run(
    index: SparkIndex, run: str, level: str, entries: DataFrame, keys_full: DataFrame
) -> None:
    """Write one level's new entries (ENTRIES_SCHEMA) and their keys ((entry, keys array<long>))."""
    from pyspark.sql import functions as F

    base = index.root / "runs" / run
    entries.write.mode("overwrite").parquet(str(base / "entries" / f"level={level}"))
    exploded = keys_full.select("entry", F.posexplode("keys").alias("band", "key"))
    (
        exploded.repartition("band")
        .sortWithinPartitions("band", "entry")
        .write.mode("overwrite")
        .partitionBy("band")
        .parquet(str(base / "keys" / f"level={level}"))
    )


def publish(index: SparkIndex, run: str, counts: dict[str, int]) -> SparkIndex:
    """Add run `run` (its folder written) to the index, atomically; remove unpublished folders."""
    runs = [*index.runs, {"name": run, **{level: int(counts.get(level, 0)) for level in LEVELS}}]
    manifest = {"format": FORMAT, "version": VERSION, "params": index.params, "runs": runs}
    tmp = index.root / f".{MANIFEST}-{uuid.uuid4().hex}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(index.root / MANIFEST)
    live = {r["name"] for r in runs}
    for child in (index.root / "runs").iterdir():
        if child.name not in live:
            shutil.rmtree(child, ignore_errors=True)
    return SparkIndex(index.root, index.params, tuple(runs))


def discard_run(index: SparkIndex, run: str) -> None:
    """Remove what an unfinished run wrote (it was never published)."""
    shutil.rmtree(index.root / "runs" / run, ignore_errors=True)
