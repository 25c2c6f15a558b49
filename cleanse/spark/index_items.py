"""The persistent index in the duplicate stages: its entries in, this run's new entries out.

What goes in and out is what `cleanse.dedup.engine` reads (`DuplicateIndex.entries`, `sets`,
`describe`) and adds (`_entries_to_store`): entries are items numbered before the run's, a
removed entry names its cluster's root by the root's exact hash, and a run adds what it kept and
its near duplicates (each with the exact hash of its cluster's root), in item order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanse.spark.index import SparkIndex

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, Row, SparkSession

NEW_ENTRIES_SCHEMA = (
    "entry long, exact long, target long, key string, para int, sigs array<int>, "
    "shingles array<int>, keys array<long>"
)


def fixed_items(
    index: SparkIndex, spark: SparkSession, level: str
) -> tuple[DataFrame, DataFrame] | None:
    """The index's entries of `level` as items (dedup.FIXED_SCHEMA) and their (item, band, key)
    rows, checkpointed; None when the index has no entry of that level.

    A removed entry's `root` is the first root entry with the exact hash it names (as
    `cleanse.dedup.index_entries.resolve_targets` finds it); a hash that names no root leaves the entry
    standing alone, as a root.
    """
    from pyspark.sql import functions as F

    entries = index.entries(spark, level)
    keys = index.keys(spark, level)
    if entries is None or keys is None:
        return None
    total = index.count(level)
    items = entries.select(
        (F.col("entry") - F.lit(total)).alias("item"), "exact", "target", "shingles", "key", "para"
    )
    roots = (
        items.where(F.col("target") == 0)
        .groupBy("exact")
        .agg(F.min("item").alias("root"))
        .select(F.col("exact").alias("target"), "root")
    )
    root = F.when(F.col("target") == 0, F.lit(None).cast("long")).otherwise(F.col("root"))
    fixed = (
        items.join(roots, "target", "left")
        .select("item", "exact", "shingles", "key", "para", root.alias("root"))
        .checkpoint()
    )
    fixed_keys = keys.select(
        (F.col("entry") - F.lit(total)).alias("item"), "band", "key"
    ).checkpoint()
    return fixed, fixed_keys


def new_entries(
    new: DataFrame, removals: DataFrame, fixed: DataFrame | None, first_entry: int
) -> DataFrame:
    """What this level adds to the index (NEW_ENTRIES_SCHEMA), numbered from `first_entry` in
    item order: kept items and roots (target 0) and near duplicates (the exact hash of their
    cluster's root). Exact copies are left out: their text is their root's."""
    from pyspark.sql import functions as F

    decided = removals.select("item", "kind", "kept")
    rows = new.join(decided, "item", "left").where(
        F.col("kind").isNull() | (F.col("kind") == "near") | (F.col("item") == F.col("kept"))
    )
    everything = new.select("item", "exact")
    if fixed is not None:
        # A root that is a removed entry (keep="none") hands on to its own root.
        handed = fixed.select(F.col("item").alias("kept"), F.col("root").alias("handed"))
        rows = rows.join(handed, "kept", "left")
        everything = everything.unionByName(fixed.select("item", "exact"))
    else:
        rows = rows.withColumn("handed", F.lit(None).cast("long"))
    roots = everything.select(F.col("item").alias("root_item"), F.col("exact").alias("root_exact"))
    rows = rows.withColumn("root_item", F.coalesce("handed", "kept")).join(
        roots, "root_item", "left"
    )
    removed_near = F.col("kind").isNotNull() & (F.col("item") != F.col("kept"))
    ordered = rows.select(
        "item", "exact",
        F.when(removed_near, F.col("root_exact")).otherwise(F.lit(0)).cast("long").alias("target"),
        "key", "pos", "sigs", "shingles", "keys",
    ).orderBy("item")  # fmt: skip

    def numbered(pair: tuple[Row, int]) -> tuple[object, ...]:
        row, k = pair
        return (
            first_entry + k, row["exact"], row["target"], row["key"], row["pos"],
            row["sigs"], row["shingles"], row["keys"],
        )  # fmt: skip

    spark = new.sparkSession
    return spark.createDataFrame(ordered.rdd.zipWithIndex().map(numbered), NEW_ENTRIES_SCHEMA)
