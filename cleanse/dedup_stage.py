"""The duplicate stage of a run: each batch settled against everything kept before it, in a
duplicate index on disk (`open_index`) that the batches share.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.dedup import DedupConfig
from cleanse.dedup.config import ANNOTATION
from cleanse.document import Item
from cleanse.known_spans import KnownSpans
from cleanse.writers import naming_path

if TYPE_CHECKING:
    from cleanse.dedup import DedupResult, DuplicateIndex

RUN_INDEX_DIRNAME = "run-index"  # the duplicate index of a run without --index, in the report


class DedupStage:
    """The duplicate stages over one batch, against `index` (everything kept before).

    `on_result(result)` is told each batch's DedupResult (the stats count its clusters);
    `spans`: the paragraph spans the cleaning workers found (see KnownSpans).
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
        spans: KnownSpans | None = None,
    ) -> None:
        self.config = config
        self.spans = spans
        self.index = index
        self.workers = workers
        self.annotate = annotate
        self.annotate_field = annotate_field
        self.on_result = on_result

    def __call__(self, batch: list[Item]) -> list[Item]:
        from cleanse.dedup.documents import deduplicate  # here: `cleanse clean` never loads numba

        with naming_path(self.index.path if self.index is not None else "the duplicate index"):
            docs, result = deduplicate(
                batch,
                self.config,
                index=self.index,
                workers=self.workers,
                annotate=self.annotate,
                annotate_field=self.annotate_field,
                known_spans=self.spans.take if self.spans is not None else None,
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
    from cleanse.dedup import DuplicateIndex  # here: `cleanse clean` never loads numba

    index = DuplicateIndex.open(root, config)
    if segments is not None:
        # What this run added before it stopped is still this run's, not an earlier run's.
        index.resume_run(run, segments, base)
    else:
        index.start_run(run)
    return index, scratch
