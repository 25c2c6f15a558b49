"""The duplicate stages as Spark jobs, the same stages the local engine runs
(`cleanse.dedup.engine.find_duplicates`): per level, exact groups -> group by (band, key) ->
candidate pairs -> exact-Jaccard verification -> connected components -> the keep policy.

Components are resolved by the local engine's own `cleanse.dedup.cluster.resolve` on
executors (`cleanse.spark.resolve`), with items numbered in corpus order, so the kept copy,
`duplicate_of` and `similarity` are those of a local run over the same documents. Candidate
pairs and their Jaccard similarities come from the local engine's kernels too, over whole
Arrow batches. Documents are settled first;
paragraphs then among the documents that remain.

With a persistent index, its entries are items too, numbered below every item of the run (entry
e of F is item e - F, so negative), in the index's order: they come first, are never removed,
and a removed entry stays linked to its cluster's root, as in `cleanse.dedup.engine._stage`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cleanse.dedup.cluster import _bucket_pairs as _pair_kernel
from cleanse.dedup.cluster import _jaccards
from cleanse.dedup.config import DedupConfig
from cleanse.spark import faults
from cleanse.spark.components import connected_components
from cleanse.spark.index import SparkIndex
from cleanse.spark.resolve import resolve_components
from cleanse.spark.sign import PARA_BITS, csr_arrays, sign_frame

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame


@dataclass(frozen=True, slots=True)
class LevelResult:
    """One level's removals (REMOVALS_SCHEMA, checkpointed), its items, and its summary block."""

    removals: DataFrame
    items: DataFrame
    stats: dict[str, Any]
    #: The index's entries as items (FIXED_SCHEMA), or None without an index.
    fixed: DataFrame | None = None
    #: The items this level settled (`new`: eligible, live), for the index.
    new: DataFrame | None = None


#: Index entries as items: item (entry - entries), exact, shingles, key, para, and `root`, the
#: item of the cluster root a removed entry points at (null for an entry that is a root).
FIXED_SCHEMA = "item long, exact long, shingles array<int>, key string, para int, root long"


def _bucket_pairs(
    max_bucket: int,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:  # a mapInArrow function
    """Pairs (i < j) within each bucket (sorted members), by the local engine's kernel
    (`cleanse.dedup.cluster._bucket_pairs`): a bucket above max_bucket links only near
    neighbours, and two index entries (negative items: n_fixed 0) are never paired."""

    def pairs(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            members = batch.column("members")
            lengths = np.diff(csr_arrays(members)[1])
            order = members.flatten().to_numpy().astype(np.int64)
            buckets = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
            found = (
                _pair_kernel(buckets, order, max_bucket, 0)
                if len(order)
                else np.zeros((0, 2), np.int64)
            )
            yield pa.RecordBatch.from_arrays(
                [pa.array(found[:, 0]), pa.array(found[:, 1])], names=["i", "j"]
            )

    return pairs


def _jaccard_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Exact Jaccard of each candidate pair's shingle sets (sorted, distinct), by the local
    engine's kernel (`cleanse.dedup.cluster._jaccards`) over the whole batch."""
    import pyarrow as pa

    for batch in batches:
        faults.maybe_fail("verify")
        a_values, a_offsets = csr_arrays(batch.column("a"))
        b_values, b_offsets = csr_arrays(batch.column("b"))
        size = batch.num_rows
        # Pair k compares set k (a's) with set size + k (b's) of one CSR array.
        values = np.concatenate([a_values, b_values])
        offsets = np.concatenate([a_offsets, b_offsets[1:] + a_offsets[-1]])
        left = np.arange(size, dtype=np.int64)
        sims = _jaccards(values, offsets, left, left + size) if size else np.zeros(0)
        yield pa.RecordBatch.from_arrays(
            [batch.column("i"), batch.column("j"), pa.array(sims, pa.float64())],
            names=["i", "j", "w"],
        )


def settle_level(
    new: DataFrame, config: DedupConfig, fixed: DataFrame | None = None,
    fixed_keys: DataFrame | None = None, n_items: int | None = None,
) -> tuple[DataFrame, dict[str, Any]]:  # fmt: skip
    """Removals among `new` (item rows of one level; `n_items` of them, counted here if not
    given), against the index entries `fixed` (FIXED_SCHEMA; `fixed_keys`: their (item, band,
    key) rows), and the level's summary block."""
    from pyspark.sql import functions as F

    items = new.select("item", "exact")
    if fixed is not None:
        items = items.unionByName(fixed.select("item", "exact"))
    first = items.groupBy("exact").agg(F.min("item").alias("rep"))
    joined = items.join(first, "exact")
    exact_edges = joined.where(F.col("item") != F.col("rep")).select(
        F.col("rep").alias("i"), F.col("item").alias("j"), F.lit(1.0).alias("w")
    )
    reps = joined.where(F.col("item") == F.col("rep")).select("item")
    # Only the exact groups' first items are keyed: joined before the keys are exploded.
    keyed = (
        new.select("item", "keys")
        .join(reps, "item")
        .select("item", F.posexplode("keys").alias("band", "key"))
    )
    if fixed_keys is not None:
        keyed = keyed.unionByName(
            fixed_keys.select("item", "band", "key").join(reps, "item", "left_semi")
        )
    # Grouped by the keys' high 32 bits, as the local engine groups them (cluster.short_keys),
    # packed with the band into one long: band << 32 | high bits.
    # Most keys are one item's: those are dropped after a plain count, so that only the keys
    # shared by two items or more are collected into lists (a slower, object-based aggregate).
    short = keyed.select(
        "item",
        F.shiftleft(F.col("band").cast("long"), 32)
        .bitwiseOR(F.shiftrightunsigned("key", 32))
        .alias("bkey"),
    )
    shared = short.groupBy("bkey").count().where(F.col("count") > 1).drop("count")
    buckets = (
        short.join(shared, "bkey", "left_semi")
        .groupBy("bkey")
        .agg(F.sort_array(F.collect_list("item")).alias("members"))
        .select("members")
    )
    pairs = buckets.mapInArrow(_bucket_pairs(config.max_bucket), "i long, j long").distinct()
    sets = new.select("item", "shingles")
    if fixed is not None:
        sets = sets.unionByName(fixed.select("item", "shingles"))
    with_sets = pairs.join(
        sets.select(F.col("item").alias("i"), F.col("shingles").alias("a")), "i"
    ).join(sets.select(F.col("item").alias("j"), F.col("shingles").alias("b")), "j")
    sims = with_sets.mapInArrow(_jaccard_batches, "i long, j long, w double").checkpoint()
    verified = sims.where(F.col("w") >= F.lit(config.threshold))
    edges = exact_edges.union(verified)
    member_rows = new.select(
        "item", "exact", "chars", "shingles", F.lit(None).cast("long").alias("root")
    )
    if fixed is not None:
        # A removed entry that this run touches stays linked to its cluster's root (weight 0:
        # verified when it was removed, never reported).
        ends = edges.select(F.col("i").alias("item")).union(edges.select(F.col("j").alias("item")))
        touched = ends.where(F.col("item") < 0).distinct().join(fixed, "item")
        linked = touched.where(F.col("root").isNotNull()).select(
            F.col("root").alias("i"), F.col("item").alias("j"), F.lit(0.0).alias("w")
        )
        edges = edges.union(linked)
        member_rows = member_rows.unionByName(
            fixed.select("item", "exact", F.lit(0).cast("long").alias("chars"), "shingles", "root")
        )
    labels = connected_components(edges.select("i", "j"))
    removals = resolve_components(labels, member_rows, edges, config).checkpoint()
    pair_counts = sims.agg(
        F.count("*").alias("candidates"),
        F.count(F.when(F.col("w") >= F.lit(config.threshold), 1)).alias("verified"),
    ).first()
    assert pair_counts is not None  # an aggregate without grouping has one row
    n_items = new.count() if n_items is None else n_items
    return removals, _level_stats(removals, n_items, *pair_counts)


def _level_stats(
    removals: DataFrame, n_items: int, candidates: int, verified: int
) -> dict[str, Any]:
    """The summary block `cleanse.dedup.engine._stats` writes, from aggregates only: clusters by
    size, with their removals by kind, in one job."""
    from pyspark.sql import functions as F

    sizes = (
        removals.groupBy("kept")
        .agg(F.count("*").alias("count"), F.count(F.when(F.col("kind") == "exact", 1)).alias("x"))
        .groupBy("count")
        .agg(F.count("*").alias("clusters"), F.sum("x").alias("exact"))
        .collect()
    )
    duplicates = sum(row["count"] * row["clusters"] for row in sizes)
    exact = sum(row["exact"] for row in sizes)
    return {
        "items": n_items,
        "duplicates": duplicates,
        "exact": exact,
        "near": duplicates - exact,  # a removal is exact or near (cleanse.dedup.cluster.Removal)
        "clusters": sum(row["clusters"] for row in sizes),
        "cluster_sizes": {
            str(row["count"] + 1): row["clusters"]
            for row in sorted(sizes, key=lambda r: r["count"])
        },
        "candidate_pairs": candidates,
        "verified_pairs": verified,
    }


def find_duplicates(
    docs: DataFrame, config: DedupConfig, index: SparkIndex | None = None
) -> dict[str, LevelResult]:
    """Per level run ("document", "paragraph"): its removals, items and summary block, settled
    against the entries of `index` when one is given.

    `docs` has rows (n, chars_in, id, state), checkpointed: it is read once per level.
    """
    from pyspark.sql import functions as F

    from cleanse.spark.index_items import fixed_items

    out: dict[str, LevelResult] = {}
    removed_docs = None
    for level in ("document", "paragraph"):
        if config.level not in (level, "both"):
            continue
        # Paragraphs only of the documents that remain: removed ones are neither signed nor read.
        remaining = docs if removed_docs is None else docs.join(removed_docs, "n", "left_anti")
        items = sign_frame(remaining, config, level, with_index=index is not None).checkpoint()
        eligible = F.col("count") > 0
        if level == "paragraph":
            eligible = eligible & (F.col("words") >= config.min_paragraph_words)
        new = items.where(eligible)
        counts = items.agg(
            F.count(F.when(F.col("count") == 0, 1)).alias("without"),
            F.count(F.when(eligible, 1)).alias("eligible"),
        ).first()
        assert counts is not None  # an aggregate without grouping has one row
        without, n_items = counts
        found = fixed_items(index, docs.sparkSession, level) if index is not None else None
        fixed, fixed_keys = found if found is not None else (None, None)
        removals, stats = settle_level(new, config, fixed, fixed_keys, n_items)
        stats["without_words"] = without
        out[level] = LevelResult(removals, items, stats, fixed, new)
        if level == "document":
            removed_docs = removals.select(F.col("item").alias("n"))
    return out


def _index_names(result: LevelResult) -> DataFrame | None:
    """(target, ikey, ipara): the name an index entry gives the item it stands for."""
    from pyspark.sql import functions as F

    if result.fixed is None:
        return None
    return result.fixed.select(
        F.col("item").alias("target"), F.col("key").alias("ikey"), F.col("para").alias("ipara")
    )


def _with_names(removals: DataFrame, result: LevelResult) -> DataFrame:
    from pyspark.sql import functions as F

    names = _index_names(result)
    if names is None:
        return removals.select(
            "*", F.lit(None).cast("string").alias("ikey"), F.lit(None).cast("int").alias("ipara")
        )
    return removals.join(names, "target", "left")


def decisions(docs: DataFrame, levels: dict[str, LevelResult]) -> DataFrame:
    """Per document n with a decision: its document duplicate, paragraph duplicates, wordless flag.

    Columns: n, doc (struct: id, n, where, similarity, kind, ikey), paras (array of struct: pos,
    id, tn, where, tpos, line, similarity, kind, ikey, ipara), wordless (boolean). The other
    side's id and line come from joins; `ikey` (and `ipara`) name an index entry instead.
    """
    from pyspark.sql import functions as F

    ids = docs.select(
        F.col("n").alias("tn"), F.col("id").alias("tid"),
        F.get_json_object("state", "$.location").alias("twhere"),
    )  # fmt: skip
    frames = []
    if "document" in levels:
        result = levels["document"]
        named = _with_names(result.removals, result)
        doc_dups = named.join(ids, named["target"] == ids["tn"], "left").select(
            F.col("item").alias("n"),
            F.struct(
                F.col("tid").alias("id"),
                F.col("tn").alias("n"),
                F.col("twhere").alias("where"),
                "similarity",
                "kind",
                "ikey",
            ).alias("doc"),
        )
        frames.append(doc_dups)
        wordless = result.items.where(F.col("count") == 0).select(
            "n", F.lit(True).alias("wordless")
        )
        frames.append(wordless)
    if "paragraph" in levels:
        result = levels["paragraph"]
        mask = (1 << PARA_BITS) - 1
        lines = result.items.select(F.col("item").alias("target"), F.col("line").alias("tline"))
        para = (
            _with_names(result.removals, result)
            .join(lines, "target", "left")
            .withColumn("tn", F.shiftright("target", PARA_BITS))
            .join(ids, "tn", "left")
            .select(
                F.shiftright("item", PARA_BITS).alias("n"),
                F.struct(
                    (F.col("item").bitwiseAND(mask)).cast("int").alias("pos"),
                    F.col("tid").alias("id"),
                    "tn",
                    F.col("twhere").alias("where"),
                    (F.col("target").bitwiseAND(mask)).cast("int").alias("tpos"),
                    F.col("tline").alias("line"),
                    "similarity",
                    "kind",
                    "ikey",
                    "ipara",
                ).alias("para"),
            )
            .groupBy("n")
            .agg(F.collect_list("para").alias("paras"))
        )
        frames.append(para)
    if not frames:
        return docs.sparkSession.createDataFrame([], "n long")
    merged = frames[0]
    for frame in frames[1:]:
        merged = merged.join(frame, "n", "full_outer")
    return merged
