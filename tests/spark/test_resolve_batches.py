"""Components settled many per call, batch by batch, decide what each settled alone decides
(no Spark session: the executors' function on Arrow batches)."""

from __future__ import annotations

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")

from cleanse.dedup.config import DedupConfig
from cleanse.spark import resolve


def _component_rows(rng: np.random.Generator, label: int, items: list[int]) -> list[dict]:
    rows = []
    exact = [int(rng.integers(0, 3)) for _ in items]
    for k, item in enumerate(items):
        base = rng.choice(2**32, size=int(rng.integers(5, 40)), replace=False).astype(np.uint32)
        values = np.unique(np.concatenate([np.arange(30, dtype=np.uint32), base]))
        rows.append({
            "label": label, "item": item, "exact": exact[k], "chars": int(rng.integers(1, 500)),
            "shingles": values.view(np.int32).tolist(),
            "root": None if item >= 0 or rng.random() < 0.5 else items[-1],
            "i": None, "j": None, "w": None,
        })  # fmt: skip
    # A spanning tree plus a few more edges, labelled by their end i, as the engine labels them.
    edges = {(items[int(rng.integers(0, k))], items[k]) for k in range(1, len(items))}
    for _ in range(len(items) // 2):
        a, b = sorted(rng.choice(len(items), size=2, replace=False).tolist())
        edges.add((items[a], items[b]))
    for i, j in sorted(edges):
        w = 1.0 if exact[items.index(i)] == exact[items.index(j)] else float(rng.uniform(0.8, 1.0))
        rows.append({
            "label": label, "item": None, "exact": None, "chars": None, "shingles": None,
            "root": None, "i": i, "j": j, "w": w,
        })  # fmt: skip
    return rows


def _table(rows: list[dict]) -> pa.Table:
    schema = pa.schema([
        ("label", pa.int64()), ("item", pa.int64()), ("exact", pa.int64()), ("chars", pa.int64()),
        ("shingles", pa.list_(pa.int32())), ("root", pa.int64()), ("i", pa.int64()),
        ("j", pa.int64()), ("w", pa.float64()),
    ])  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)


def _decided(batches: list[pa.RecordBatch]) -> set[tuple]:
    out = set()
    for batch in batches:
        out |= set(zip(*(batch.column(c).to_pylist() for c in batch.schema.names), strict=True))
    return out


@pytest.mark.parametrize("keep", ["first", "longest", "none"])
def test_components_across_batches_are_settled_as_each_alone(keep, monkeypatch) -> None:
    rng = np.random.default_rng(7)
    config = DedupConfig(keep=keep)
    components = []
    next_item, next_entry = 0, -10_000  # index entries: negative items, below every other
    for _ in range(40):
        size = int(rng.integers(2, 9))
        fixed = list(range(next_entry, next_entry + int(rng.integers(0, 3))))
        next_entry += len(fixed)
        items = sorted({*fixed, *range(next_item, next_item + size)})
        next_item += size + int(rng.integers(0, 5))
        components.append(_component_rows(rng, items[0], items))
    alone = set()
    for rows in components:
        alone |= _decided([resolve._removals(_table(rows), config.keep, config.threshold)])
    assert alone  # components with removals
    # Sorted by label, cut into small batches, held until 7 rows: components span batches.
    every = _table([row for rows in components for row in rows])
    monkeypatch.setattr(resolve, "FLUSH_ROWS", 7)
    batches = every.to_batches(max_chunksize=5)
    together = _decided(list(resolve._resolver(config)(iter(batches))))
    assert together == alone
