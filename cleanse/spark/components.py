"""Connected components of the verified-duplicate graph, in the engine: large-star / small-star.

Kiveris et al., "Connected Components in MapReduce and Beyond" (SoCC 2014): alternate two
relational steps over an edge list until it stops changing; it is then a set of stars, each
joining every item of a component to the component's smallest item. That is the label the local
engine's union-find gives (`cleanse.dedup.cluster.components`: the smallest item number), so
both engines name the same clusters. Every step is a join and a group-by on item numbers: no
result depends on partitioning, adaptive execution or task order, and no edge list goes to the
driver. The edge list is checkpointed after each round, so long runs keep a short lineage.

The rounds stop as soon as the edges form stars whose centres are their smallest items (every
item is the larger end of at most one edge, and no item is the larger end of one edge and the
smaller end of another): such stars are what both steps leave unchanged, so this is the state
the rounds would otherwise reach one round later, found with one group-by instead of comparing
two edge lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanse.errors import CleanseError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

MAX_ROUNDS = 64  # rounds grow with log(diameter); 64 is never reached on real duplicate graphs


def _large_star(edges: DataFrame) -> DataFrame:
    """Each item links its larger neighbours to the smallest of itself and its neighbours."""
    from pyspark.sql import functions as F

    both = edges.select(F.col("hi").alias("u"), F.col("lo").alias("v")).union(
        edges.select(F.col("lo").alias("u"), F.col("hi").alias("v"))
    )
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.join(smallest, "u")
        .where(F.col("v") > F.col("u"))
        .select(F.col("v").alias("hi"), F.col("m").alias("lo"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each item links itself and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy("hi").agg(F.min("lo").alias("m"))
    joined = edges.join(smallest, "hi")
    moved = joined.where(F.col("lo") != F.col("m")).select(
        F.col("lo").alias("hi"), F.col("m").alias("lo")
    )
    own = smallest.select("hi", F.col("m").alias("lo"))
    return moved.union(own).distinct()


def _stars(edges: DataFrame) -> bool:
    """Whether `edges` (hi > lo) are stars centred on their smallest items: no item is the larger
    end of two edges, nor the larger end of one and the smaller end of another. One group-by."""
    from pyspark.sql import functions as F

    ends = edges.select(F.col("hi").alias("item"), F.lit(1).alias("high")).union(
        edges.select(F.col("lo").alias("item"), F.lit(0).alias("high"))
    )
    broken = (
        ends.groupBy("item")
        .agg(F.sum("high").alias("highs"), F.count("*").alias("ends"))
        .where((F.col("highs") > 1) | ((F.col("highs") == 1) & (F.col("ends") > 1)))
    )
    return broken.limit(1).count() == 0


def connected_components(edges: DataFrame) -> DataFrame:
    """(item, label) for every item in `edges` (columns i, j; i != j): label = smallest item of
    its component. Items in no edge are their own component and are not listed."""
    from pyspark.sql import functions as F

    current = (
        edges.select(F.greatest("i", "j").alias("hi"), F.least("i", "j").alias("lo"))
        .where(F.col("hi") != F.col("lo"))
        .distinct()
        .checkpoint()
    )
    for _ in range(MAX_ROUNDS):
        if _stars(current):
            break
        current = _small_star(_large_star(current)).checkpoint()
    else:
        msg = f"connected components did not converge in {MAX_ROUNDS} rounds; please report it"
        raise CleanseError(msg)
    roots = current.select(F.col("lo").alias("item"), F.col("lo").alias("label")).distinct()
    return current.select(F.col("hi").alias("item"), F.col("lo").alias("label")).union(roots)
