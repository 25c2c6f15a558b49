"""Turn a local engine's duplicate index into the Spark engine's Parquet index, and back.

    python -m cleanse.spark.convert to-parquet LOCAL_INDEX NEW_PARQUET_INDEX [--master URL]
    python -m cleanse.spark.convert to-local PARQUET_INDEX NEW_LOCAL_INDEX [--master URL]

Entries keep their numbers, order, names, hashes, band keys, targets, signatures and shingle
sets, so a run on either engine with the converted index decides what it would have decided with
the original. to-parquet reads the numpy segments on the executors (one task per segment, from a
path they all see); to-local streams the entries to the driver, which writes them as segments
of at most CHUNK entries, since the local engine holds its whole index on one machine anyway.
The destination must be a new or empty folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from cleanse.dedup.config import DedupConfig
from cleanse.errors import CleanseError, ConfigError
from cleanse.spark import index as parquet_index

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CHUNK = 200_000  # entries per segment written by to-local


def _empty_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        msg = f"{dest}: exists and is not an empty folder; give a new or empty folder"
        raise ConfigError(msg)


def _segment_rows(task: tuple[str, str, str, int]) -> list[tuple[Any, ...]]:
    """Entries of one level of one local segment, as ENTRIES rows with their keys."""
    root, segment, level, first = task
    folder = Path(root) / segment

    def load(name: str) -> np.ndarray:
        # np.load returns Any; without pickles, a .npy file is one array
        return cast(np.ndarray, np.load(folder / f"{level}.{name}.npy", allow_pickle=False))

    exact, target, para = load("exact"), load("target"), load("para")
    ids, idoff, sets, setoff = load("ids"), load("idoff"), load("sets"), load("setoff")
    keys = load("keys").reshape(len(exact), -1)
    sigs = load("sigs").reshape(len(exact), -1)
    rows = []
    for k in range(len(exact)):
        name = bytes(ids[idoff[k] : idoff[k + 1]]).decode("utf-8", "surrogatepass")
        rows.append(
            (
                first + k, int(exact[k:k + 1].view(np.int64)[0]),
                int(target[k:k + 1].view(np.int64)[0]), name, int(para[k]),
                sigs[k].view(np.int32).tolist(), sets[setoff[k] : setoff[k + 1]].view(np.int32).tolist(),
                keys[k].view(np.int64).tolist(),
            )
        )  # fmt: skip
    return rows


def to_parquet(spark: SparkSession, local: Path, dest: Path) -> parquet_index.SparkIndex:
    """Write the local index at `local` as a Parquet index at `dest` (one run)."""
    from cleanse.dedup.index import FORMAT, VERSION
    from cleanse.spark.index_items import NEW_ENTRIES_SCHEMA

    manifest_path = local / parquet_index.LOCAL_MANIFEST
    if not manifest_path.is_file():
        msg = f"{local}: no {parquet_index.LOCAL_MANIFEST}; not a local engine's index"
        raise ConfigError(msg)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        msg = (
            f"{local}: index format {manifest.get('format')!r} version {manifest.get('version')!r}; "
            f"this cleanse converts {FORMAT!r} version {VERSION}"
        )
        raise ConfigError(msg)
    _empty_dest(dest)
    index = parquet_index.SparkIndex(dest, manifest["params"], ())
    run = parquet_index.new_run_folder(index)
    counts = {}
    for level in parquet_index.LEVELS:
        tasks, first = [], 0
        for segment in manifest["segments"]:
            n = len(np.load(local / segment / f"{level}.exact.npy", mmap_mode="r"))
            if n:
                tasks.append((str(local.resolve()), segment, level, first))
            first += n
        counts[level] = first
        if not tasks:
            continue
        rdd = spark.sparkContext.parallelize(tasks, len(tasks)).flatMap(_segment_rows)
        entries = spark.createDataFrame(rdd, NEW_ENTRIES_SCHEMA).persist()
        parquet_index.write_run(
            index, run, level, entries.drop("keys"), entries.select("entry", "keys")
        )
        entries.unpersist()
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "runs").mkdir(exist_ok=True)
    return parquet_index.publish(index, run, counts)


def _config(params: dict[str, Any]) -> DedupConfig:
    names = ("num_perm", "seed", "bands", "rows", "word_ngram", "char_ngram", "short_words")
    return DedupConfig(**{name: params[name] for name in names})


def to_local(spark: SparkSession, source: Path, dest: Path) -> None:
    """Write the Parquet index at `source` as a local engine's index at `dest`."""
    from pyspark.sql import functions as F

    from cleanse.dedup.index import DuplicateIndex

    manifest = json.loads((source / parquet_index.MANIFEST).read_text(encoding="utf-8"))
    index = parquet_index.open_index(source, _config(manifest["params"]))
    _empty_dest(dest)
    local = DuplicateIndex.open(dest, _config(index.params))
    for level in parquet_index.LEVELS:
        entries, keys = index.entries(spark, level), index.keys(spark, level)
        if entries is None or keys is None:
            continue
        arrays = keys.groupBy("entry").agg(
            F.sort_array(F.collect_list(F.struct("band", "key"))).alias("bk")
        )
        rows = (
            entries.join(arrays, "entry")
            .select(
                "entry",
                "exact",
                "target",
                "key",
                "para",
                "sigs",
                "shingles",
                F.col("bk.key").alias("bandkeys"),
            )
            .orderBy("entry")
            .toLocalIterator(prefetchPartitions=True)
        )
        chunk: list[Any] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                _add(local, level, chunk)
                chunk = []
        if chunk:
            _add(local, level, chunk)


def _add(local: Any, level: str, rows: list[Any]) -> None:
    sets = [np.asarray(r["shingles"], np.int32).view(np.uint32) for r in rows]
    offs = np.zeros(len(rows) + 1, np.int64)
    np.cumsum([len(s) for s in sets], out=offs[1:])
    local.add(
        level,
        [r["key"] for r in rows],
        np.array([r["para"] for r in rows], np.int32),
        np.array([r["exact"] for r in rows], np.int64).view(np.uint64),
        np.array([r["bandkeys"] for r in rows], np.int64).view(np.uint64),
        np.array([r["sigs"] for r in rows], np.int32).view(np.uint32),
        np.concatenate(sets) if sets else np.zeros(0, np.uint32),
        offs,
        np.array([r["target"] for r in rows], np.int64).view(np.uint64),
    )
    local.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleanse.spark.convert", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("direction", choices=("to-parquet", "to-local"))
    parser.add_argument("source", type=Path)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args(argv)
    from cleanse.spark.frame import checkpoints
    from cleanse.spark.session import build_session

    try:
        spark = build_session(args.master)
        try:
            with checkpoints(spark):
                if args.direction == "to-parquet":
                    to_parquet(spark, args.source, args.dest)
                else:
                    to_local(spark, args.source, args.dest)
        finally:
            spark.stop()
    except CleanseError as err:
        print(f"cleanse: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
