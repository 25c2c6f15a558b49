"""The persistent index on Spark: a local engine's index, converted to Parquet, gives the Spark
engine the decisions the local engine makes with it; the entries Spark appends convert back to
exactly the local engine's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from cleanse.cli import main
from cleanse.dedup import DedupConfig
from cleanse.dedup.index import DuplicateIndex
from tests.spark.conftest import build_corpus


def _split_corpus(folder: Path) -> tuple[Path, Path]:
    lines = build_corpus(300, seed=11)  # shuffled: planted copies fall on both sides of the cut
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    first.write_text("\n".join(lines[:150]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[150:]) + "\n", encoding="utf-8")
    return first, second


def _outputs(dest: Path) -> tuple[bytes, bytes]:
    report = dest.parent / ".cleanse" / dest.name
    return dest.read_bytes(), (report / "audit.jsonl").read_bytes()


def _entries(path: Path) -> dict:
    index = DuplicateIndex.open(path, DedupConfig())
    out = {}
    for level in ("document", "paragraph"):
        exact, keys, targets = index.entries(level)
        items = np.arange(len(exact))
        values, offs = index.sets(level, items)
        names = [index.describe(level, k) for k in items.tolist()]
        sigs = [index.signature(level, k).tolist() for k in items.tolist()]
        out[level] = (exact.tolist(), keys.tolist(), targets.tolist(), values.tolist(), offs.tolist(), names, sigs)
    return out


def test_spark_reads_and_appends_the_index_as_the_local_engine_does(spark, tmp_path) -> None:
    from cleanse.spark.convert import to_local, to_parquet

    first, second = _split_corpus(tmp_path)
    local_index, parquet_index = tmp_path / "local-index", tmp_path / "parquet-index"
    assert main(["run", str(first), str(tmp_path / "l1" / "out.jsonl"), "-q", "--workers", "1", "--index", str(local_index)]) == 0
    to_parquet(spark, local_index, parquet_index)
    keys = sorted(p.name for p in (parquet_index / "runs").iterdir())
    assert len(keys) == 1 and (parquet_index / "runs" / keys[0] / "keys" / "level=document" / "band=0").is_dir()

    spark_dest, local_dest = tmp_path / "s2" / "out.jsonl", tmp_path / "l2" / "out.jsonl"
    assert main(["run", str(second), str(spark_dest), "-q", "--engine", "spark", "--index", str(parquet_index)]) == 0
    assert main(["run", str(second), str(local_dest), "-q", "--workers", "1", "--index", str(local_index)]) == 0
    assert _outputs(spark_dest) == _outputs(local_dest)
    audit = [json.loads(line) for line in _outputs(spark_dest)[1].decode().splitlines()]
    from_index = [a for a in audit if (a.get("removed_detail") or {}).get("from_index")]
    from_index += [c for a in audit for c in a["changes"] if (c.get("detail") or c).get("from_index")]
    assert len(from_index) >= 10, "no decision against the index: the test would test nothing"

    manifest = json.loads((parquet_index / "spark-index.json").read_text())
    assert len(manifest["runs"]) == 2  # the converted run and the Spark run it appended
    back = tmp_path / "back-index"
    to_local(spark, parquet_index, back)
    assert _entries(back) == _entries(local_index)
