"""The stages a run applies: cleaning (one document at a time, over workers) and the duplicate
stages (a batch at a time, against everything kept before). The runner (cleanse.runner) chains
them; the CLI and `Pipeline` build them the same way.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse.clean_config import CleanConfig
from cleanse.dedup import DedupConfig, DedupResult, DuplicateIndex
from cleanse.dedup.config import ANNOTATION
from cleanse.dedup.documents import deduplicate
from cleanse.document import Item, is_live
from cleanse.learn import LearnedRules
from cleanse.parallel import ordered_map
from cleanse.rules import RuleSet
from cleanse.writers import naming_path

if TYPE_CHECKING:
    from cleanse.clean import Cleaner

log = logging.getLogger(__name__)

RUN_INDEX_DIRNAME = "run-index"  # the duplicate index of a run without --index, in the report


CLEANING_FAILED = "input.cleaning-failed"

# Characters of documents under way in the cleaning workers at most (about, past the next 512):
# while the runner settles and writes a batch (32 MB), they go on cleaning about half of the next
# one instead of waiting.
CLEANING_AHEAD = 16_000_000


def _clean_one(cleaner: Cleaner, doc: Item) -> Item:
    """Clean one document; one that makes cleanse fail is rejected with the error, not fatal.

    A run over a crawl must account for every document, so a bug met on one input costs that
    input only; the audit keeps the error for the bug report.
    """
    if not is_live(doc):
        return doc
    try:
        return cleaner.clean(doc)
    except Exception as exc:  # any bug: reported in the audit, the run goes on
        log.warning(
            "%s: cleaning failed (%s: %s); the document is rejected",
            doc.id,
            type(exc).__name__,
            exc,
        )
        detail = {
            "path": doc.source or doc.id,
            "error": f"cleanse failed on this document ({type(exc).__name__}: {exc}); please report it",
        }
        return doc.reject(CLEANING_FAILED, detail)


class _CleanerFactory:
    """Picklable recipe for a worker's cleaning function (the rules are already validated)."""

    def __init__(self, ruleset: RuleSet, config: CleanConfig, learned: LearnedRules | None) -> None:
        self.ruleset = ruleset
        self.config = config
        self.learned = learned

    def __call__(self) -> Any:
        from cleanse.clean import Cleaner  # here: a run that only deduplicates never loads it

        return functools.partial(_clean_one, Cleaner(self.ruleset, self.config, self.learned))


def clean_documents(
    docs: Iterable[Item],
    ruleset: RuleSet,
    config: CleanConfig,
    workers: int = 1,
    learned: LearnedRules | None = None,
) -> Iterator[Item]:
    """Clean documents in order, over `workers` processes.

    A record's other fields (`meta`) stay in this process: cleaning does not read them, and a
    record nested as deep as the JSON parser allows would be too deep to send to a worker.
    """
    metas: deque[Mapping[str, Any]] = deque()

    def without_meta() -> Iterator[Item]:
        for doc in docs:
            metas.append(doc.meta)
            yield dataclasses.replace(doc, meta={}) if doc.meta else doc

    factory = _CleanerFactory(ruleset, config, learned)
    cleaned = ordered_map(factory, without_meta(), workers, weigh=_chars, ahead=CLEANING_AHEAD)
    for doc in cleaned:
        meta = metas.popleft()  # results come back in input order, one per document
        yield dataclasses.replace(doc, meta=meta) if meta else doc


def _chars(doc: Item) -> int:
    return doc.chars


def clean_stage(
    ruleset: RuleSet, config: CleanConfig, workers: int = 1, learned: LearnedRules | None = None
) -> Callable[[Iterable[Item]], Iterator[Item]]:
    """The cleaning stage: `clean_documents` with these rules and settings."""
    return functools.partial(
        clean_documents, ruleset=ruleset, config=config, workers=workers, learned=learned
    )


class DedupStage:
    """The duplicate stages over one batch, against `index` (everything kept before).

    `on_result(result)` is told each batch's DedupResult (the stats count its clusters).
    """

    def __init__(
        self,
        config: DedupConfig,
        index: DuplicateIndex | None,
        *,
        workers: int = 1,
        annotate: bool = False,
        annotate_field: str = ANNOTATION,
        on_result: Callable[[DedupResult], None] | None = None,
    ) -> None:
        self.config = config
        self.index = index
        self.workers = workers
        self.annotate = annotate
        self.annotate_field = annotate_field
        self.on_result = on_result

    def __call__(self, batch: list[Item]) -> list[Item]:
        with naming_path(self.index.path if self.index is not None else "the duplicate index"):
            docs, result = deduplicate(
                batch,
                self.config,
                index=self.index,
                workers=self.workers,
                annotate=self.annotate,
                annotate_field=self.annotate_field,
            )
        if self.on_result is not None:
            self.on_result(result)
        return docs


def open_index(
    config: DedupConfig,
    path: str | Path | None,
    run: str,
    *,
    scratch_in: Path | None = None,
    segments: list[str] | None = None,
    base: dict[str, int] | None = None,
) -> tuple[DuplicateIndex, Path | None]:
    """The duplicate index a run's batches share, and the scratch folder to remove at the end.

    `path`: a persistent index; without one the run keeps its own index in `scratch_in/run-index`
    (the report folder), or in a temporary folder. What the run adds stays pending in the index
    until `finish_run` (see DuplicateIndex.start_run); `segments` and `base` continue a run that
    stopped, from its checkpoint.
    """
    scratch = None
    if path is not None:
        root = Path(path)
    elif scratch_in is not None:
        root = scratch = scratch_in / RUN_INDEX_DIRNAME
        if segments is None:
            shutil.rmtree(root, ignore_errors=True)
    else:
        root = scratch = Path(tempfile.mkdtemp(prefix="cleanse-index-"))
    index = DuplicateIndex.open(root, config)
    if segments is not None:
        # What this run added before it stopped is still this run's, not an earlier run's.
        index.resume_run(run, segments, base)
    else:
        index.start_run(run)
    return index, scratch
