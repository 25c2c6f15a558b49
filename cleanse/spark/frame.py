"""The library entry: a Spark DataFrame of records in, a DataFrame of cleaned records out.

    from cleanse.spark import clean_frame_records
    out = clean_frame_records(df, dedup=DedupConfig(), order_by=["crawl_time", "id"])
    out.where("status != 'removed'").select("id", "text")

`order_by` decides which copy is "first" (the local engine's input order); the default is the
id field. Output columns: n (the place in that order), id, status, text, record (the output record
as JSON, as the JSONL writer writes it), audit (the document's audit line as JSON).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.clean import CleanConfig
from cleanse.dedup import DedupConfig
from cleanse.readers import ReadConfig
from cleanse.rules import RuleSet

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from cleanse.spark.dedup import LevelResult
    from cleanse.spark.index import SparkIndex


#: Checkpoint folders this process made: the context's checkpoint dir -> the folder to remove.
_MADE: dict[str, Path] = {}


def ensure_checkpoint_dir(spark: SparkSession) -> Path | None:
    """Checkpoints cut the lineage of reused frames; they go to spark.checkpoint.dir (on a
    cluster: shared storage such as hdfs:// or s3a://), else to a temporary local folder.

    Returns the temporary folder when it makes one (the caller removes it once nothing reads
    the checkpoints: see `checkpoints`; at the latest it goes when the interpreter exits), and
    None when the checkpoints go where the user said or to a folder made earlier and still there.
    """
    context = spark.sparkContext
    current = context.getCheckpointDir()
    if current and (current not in _MADE or _MADE[current].exists()):
        return None
    configured = context.getConf().get("spark.checkpoint.dir")
    if configured and not current:
        context.setCheckpointDir(configured)
        return None
    import atexit
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cleanse-spark-checkpoints-"))
    context.setCheckpointDir(str(folder))
    made = context.getCheckpointDir()
    assert made is not None  # just set
    _MADE[made] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@contextlib.contextmanager
def checkpoints(spark: SparkSession) -> Iterator[None]:
    """A run's checkpoint folder: a temporary one is removed at the end, whether the run
    succeeded or failed; one the user gave (spark.checkpoint.dir, or set on the session) stays."""
    folder = ensure_checkpoint_dir(spark)
    try:
        yield
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def process(
    docs: DataFrame,
    ruleset: RuleSet | None,
    cleaning: CleanConfig | None,
    dedup: DedupConfig | None,
    *,
    annotate: str | None = None,
    index: SparkIndex | None = None,
) -> tuple[DataFrame, dict[str, LevelResult]]:
    """Rows (n, chars_in, id, state): cleaned when `cleaning` is given, then settled against
    each other (and the entries of `index`) when `dedup` is (with `annotate`, a field name:
    decisions recorded in it, nothing removed); checkpointed. Also each duplicate level's result."""
    from cleanse.spark.clean import clean_frame
    from cleanse.spark.dedup import decisions, find_duplicates
    from cleanse.spark.settle import settle_frame

    ensure_checkpoint_dir(docs.sparkSession)
    if cleaning is not None:
        docs = clean_frame(docs, ruleset or RuleSet(()), cleaning)
    # Checkpointed (written out, lineage cut): read once per level, and plans stay small.
    docs = docs.checkpoint()
    if dedup is None:
        return docs, {}
    levels = find_duplicates(docs, dedup, index)
    settled = settle_frame(
        docs, decisions(docs, levels), whole=dedup.level == "document", annotate=annotate
    ).checkpoint()
    return settled, levels


def clean_frame_records(
    df: DataFrame,
    *,
    ruleset: RuleSet | None = None,
    cleaning: CleanConfig | None = None,
    dedup: DedupConfig | None = None,
    read: ReadConfig | None = None,
    order_by: list[str] | None = None,
    annotate: str | None = None,
) -> DataFrame:
    """Clean (built-in rules unless `ruleset`) and deduplicate the records of `df`."""
    from pyspark.sql import functions as F

    from cleanse.packs import load_rules
    from cleanse.spark.read import frame_documents
    from cleanse.spark.write import output_columns

    read = read or ReadConfig()
    if order_by is None:
        order_by = [read.id_field] if read.id_field in df.columns else list(df.columns)
    elif read.id_field in df.columns and read.id_field not in order_by:
        order_by = [*order_by, read.id_field]  # ties broken by id: the same order on every run
    docs = frame_documents(df, read, order_by)
    rules = ruleset if ruleset is not None else load_rules([])
    settled, _ = process(docs, rules, cleaning or CleanConfig(), dedup, annotate=annotate)
    return output_columns(settled, read.text_field).orderBy(F.col("n"))
