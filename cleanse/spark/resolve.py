"""The keep policy on executors: components of the duplicate graph -> removals, many per call.

Each component's members (item, exact, chars, shingles, root) and edges (i, j, w) travel as rows
of one frame, tagged with the component's label, hashed to a fixed number of partitions by label
(a repartition by number, which adaptive execution does not merge into one task) and sorted by
label within each partition. A partition is then read batch by batch: the components complete in
what has been read are settled together by one call of the local engine's
`cleanse.dedup.cluster.resolve`, as the local engine settles all of a batch's components in one
call; a component cut by a batch boundary waits for the next batch. No component depends on
another, so results do not depend on how components fall into partitions or batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from cleanse.dedup.cluster import resolve
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.workers import take_sets
from cleanse.spark import faults
from cleanse.spark.sign import csr_arrays

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

REMOVALS_SCHEMA = "item long, target long, similarity double, kind string, kept long"
#: Rows of a member (i, j and w null) or an edge (item and the member columns null).
ROWS_SCHEMA = (
    "label long, item long, exact long, chars long, shingles array<int>, root long, "
    "i long, j long, w double"
)
#: Rows held before settling the complete components among them (a component is never split).
FLUSH_ROWS = 50_000


def _removals(rows: pa.Table, keep: str, threshold: float) -> pa.RecordBatch:
    """The removals of the complete components in `rows` (members and edges), in one call."""
    import pyarrow as pa
    import pyarrow.compute as pc

    is_member = pc.is_valid(rows.column("item"))
    members = rows.filter(is_member).combine_chunks()
    edges = rows.filter(pc.invert(is_member))
    order = np.argsort(members.column("item").to_numpy(), kind="stable")
    members = members.take(pa.array(order))
    # Items numbered in corpus order across the components: index entries (negative) first,
    # so `item < n_fixed` means an index entry, and each component keeps its own order.
    items = members.column("item").to_numpy()
    n_fixed = int(np.searchsorted(items, 0))
    fixed_roots = members.column("root").is_null().to_numpy(zero_copy_only=False)[:n_fixed]
    labels = np.searchsorted(items, members.column("label").to_numpy())
    pairs = np.stack(
        [
            np.searchsorted(items, edges.column("i").to_numpy()),
            np.searchsorted(items, edges.column("j").to_numpy()),
        ],
        axis=1,
    ).reshape(-1, 2)
    values, offsets = csr_arrays(members.column("shingles").combine_chunks())

    def sets(chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return take_sets((values, offsets), np.asarray(chosen, np.int64))

    removals = resolve(
        labels, pairs, edges.column("w").to_numpy(), members.column("exact").to_numpy(),
        members.column("chars").to_numpy(), n_fixed, keep, threshold, sets, fixed_roots,
    )  # fmt: skip
    return pa.RecordBatch.from_arrays(
        [
            pa.array(np.array([items[r.item] for r in removals], np.int64)),
            pa.array(np.array([items[r.target] for r in removals], np.int64)),
            pa.array(np.array([r.similarity for r in removals], np.float64)),
            pa.array([r.kind for r in removals], pa.string()),
            pa.array(np.array([items[r.kept] for r in removals], np.int64)),
        ],
        names=["item", "target", "similarity", "kind", "kept"],
    )


def _resolver(
    config: DedupConfig,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:  # a mapInArrow function
    keep, threshold = config.keep, config.threshold

    def resolve_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        faults.maybe_fail("resolve")
        held: list[pa.RecordBatch] = []
        held_rows = 0
        for batch in batches:
            if batch.num_rows == 0:
                continue
            held.append(batch)
            held_rows += batch.num_rows
            if held_rows < FLUSH_ROWS:
                continue
            table = pa.Table.from_batches(held)
            labels = table.column("label").to_numpy()
            # Rows come sorted by label: those of the last label may go on in the next batch.
            cut = int(np.searchsorted(labels, labels[-1]))
            if cut == 0:
                continue
            yield _removals(table.slice(0, cut), keep, threshold)
            rest = table.slice(cut)
            held, held_rows = rest.to_batches(), rest.num_rows
        if held_rows:
            yield _removals(pa.Table.from_batches(held), keep, threshold)

    return resolve_batches


def resolve_components(
    labels: DataFrame, members: DataFrame, edges: DataFrame, config: DedupConfig
) -> DataFrame:
    """Removals (REMOVALS_SCHEMA) from `labels` (item, label), `members` (item, exact, chars,
    shingles, root) and `edges` (i, j, w: the verified edges, each labelled by its end i)."""
    from pyspark.sql import functions as F

    spark = labels.sparkSession
    parts = int(spark.conf.get("spark.sql.shuffle.partitions") or "200")
    member_rows = labels.join(members, "item").select(
        "label", "item", "exact", "chars", "shingles", "root",
        F.lit(None).cast("long").alias("i"), F.lit(None).cast("long").alias("j"),
        F.lit(None).cast("double").alias("w"),
    )  # fmt: skip
    edge_rows = edges.join(labels.withColumnRenamed("item", "i"), "i").select(
        "label", F.lit(None).cast("long").alias("item"), F.lit(None).cast("long").alias("exact"),
        F.lit(None).cast("long").alias("chars"), F.lit(None).cast("array<int>").alias("shingles"),
        F.lit(None).cast("long").alias("root"), "i", "j", "w",
    )  # fmt: skip
    rows = member_rows.unionByName(edge_rows).repartition(parts, "label")
    return rows.sortWithinPartitions("label").mapInArrow(_resolver(config), REMOVALS_SCHEMA)
