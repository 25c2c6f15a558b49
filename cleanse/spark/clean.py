"""The cleaning stages as a map over partitions: each executor builds the local engine's
Cleaner once per task (rules, rule packs and configs travel in the task's closure) and cleans
its documents with it, exactly as `cleanse.pipeline.clean_documents` does on one machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cleanse.clean import CleanConfig
from cleanse.cleaning_stage import CleanerFactory
from cleanse.rules import RuleSet
from cleanse.spark import faults, state

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame


def clean_frame(docs: DataFrame, ruleset: RuleSet, config: CleanConfig) -> DataFrame:
    """Rows (n, chars_in, id, state) with each state cleaned; rejected inputs pass unchanged."""
    factory = CleanerFactory(ruleset, config, None)

    def clean_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:

        clean_one = factory()
        for batch in batches:
            faults.maybe_fail("clean")
            states = [
                state.dump(clean_one(state.load(s))) for s in batch.column("state").to_pylist()
            ]
            yield state.with_states(batch, states)

    return docs.mapInArrow(clean_batches, docs.schema)
