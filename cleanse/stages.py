"""The stages a run applies, wired together: cleaning (`cleanse.cleaning_stage`: in groups of
documents, in this process or over workers) and the duplicate stage (`cleanse.dedup_stage`: a
batch at a time, against everything kept before). The runner (cleanse.runner) chains them; the
CLI's run (cleanse.job) and `Pipeline` build them here, the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from cleanse.clean_config import CleanConfig
from cleanse.cleaning_stage import clean_stage
from cleanse.dedup import DedupConfig
from cleanse.dedup.config import ANNOTATION
from cleanse.dedup_stage import DedupStage
from cleanse.known_spans import known_spans
from cleanse.learn import LearnedRules
from cleanse.rules import RuleSet
from cleanse.runner import BatchStage, DocumentStage

if TYPE_CHECKING:
    from cleanse.dedup import DedupResult, DuplicateIndex


def build_stages(
    ruleset: RuleSet,
    cleaning: CleanConfig,
    *,
    clean: bool = True,
    workers: int = 1,
    learned: LearnedRules | None = None,
    dedup: DedupConfig | None = None,
    index: DuplicateIndex | None = None,
    annotate: bool = False,
    annotate_field: str = ANNOTATION,
    on_result: Callable[[DedupResult], None] | None = None,
) -> tuple[list[DocumentStage], list[BatchStage]]:
    """A run's document stages (cleaning, if `clean`) and batch stages (the duplicate stage, if
    `dedup`), wired together: the CLI's run (cleanse.job) and `Pipeline` build them here.

    With workers and paragraphs to deduplicate, the cleaning workers leave each document's
    paragraph spans for the duplicate stage (see KnownSpans).
    """
    spans = known_spans(dedup, workers) if clean else None
    document_stages = [clean_stage(ruleset, cleaning, workers, learned, spans)] if clean else []
    batch_stages: list[BatchStage] = []
    if dedup is not None:
        batch_stages.append(
            DedupStage(
                dedup, index, workers=workers, annotate=annotate, annotate_field=annotate_field,
                on_result=on_result, spans=spans,
            )
        )  # fmt: skip
    return document_stages, batch_stages
