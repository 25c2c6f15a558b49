"""The duplicate stage of a run: each batch settled against everything kept before it, in a
duplicate index on disk (`open_index`) that the batches share.
"""

from __future__ import annotations

import multiprocessing
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
    from cleanse.dedup.documents import Prepared
    from cleanse.dedup.signing_pool import Signing, SigningPool

RUN_INDEX_DIRNAME = "run-index"  # the duplicate index of a run without --index, in the report


class DedupStage:
    """The duplicate stages over one batch, against `index` (everything kept before).

    `on_result(result)` is told each batch's DedupResult (the stats count its clusters);
    `spans`: the paragraph spans the cleaning workers found (see KnownSpans).
    With workers, `open` starts the signing workers the run keeps (`SigningPool`, forked while
    this process is small: the runner opens its stages before it reads anything), `start`
    hands them a batch, and `close` ends them; a stage never opened signs each batch over
    workers forked for it (`workers.sign_all`).
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
        self._pool: SigningPool | None = None

    def open(self) -> None:
        """With workers (and fork), start the signing workers kept until `close` (once)."""
        if self._pool is not None or self.workers <= 1:
            return
        if "fork" not in multiprocessing.get_all_start_methods():  # e.g. Windows: per batch
            return
        # Imported here: `cleanse clean` never loads numba.
        from cleanse.dedup.signing_pool import SigningPool

        self._pool = SigningPool(self.workers)

    def close(self) -> None:
        """End the signing workers, if any (the run is over, or stops); `open` starts new ones."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __call__(self, batch: list[Item]) -> list[Item]:
        started = self.start(batch)
        if started is not None:
            return started.finish()
        return self.settle(self._prepare(batch))

    def start(self, batch: list[Item]) -> StartedBatch | None:
        """Once open with workers: `batch` split into paragraphs and its signing handed to the
        signing workers, which sign it while this process settles the batch before it (the
        runner calls `finish` on what this returns, after that batch). Else None (nothing to
        overlap; the runner calls the stage itself)."""
        if self._pool is None:
            return None
        prepared = self._prepare(batch)
        keep_sets = self.index is not None
        signing = self._pool.start(prepared.items, self.config, keep_sets)
        return StartedBatch(self, prepared, signing)

    def _prepare(self, batch: list[Item]) -> Prepared:
        from cleanse.dedup.documents import prepare  # here: `cleanse clean` never loads numba

        return prepare(batch, self.config, self.spans.take if self.spans is not None else None)

    def settle(self, prepared: Prepared, signing: Signing | None = None) -> list[Item]:
        """The batch `prepared` settled against the index (its rows from `signing` when it was
        started, else signed here)."""
        from cleanse.dedup.backend import LOCAL
        from cleanse.dedup.documents import Presigned, settle

        backend = Presigned(signing) if signing is not None else LOCAL
        with naming_path(self.index.path if self.index is not None else "the duplicate index"):
            docs, result = settle(
                prepared,
                self.config,
                index=self.index,
                workers=self.workers,
                annotate=self.annotate,
                annotate_field=self.annotate_field,
                backend=backend,
            )
        if self.on_result is not None:
            self.on_result(result)
        return docs


class StartedBatch:
    """A batch whose signing is under way (`DedupStage.start`), waiting to be settled."""

    def __init__(self, stage: DedupStage, prepared: Prepared, signing: Signing) -> None:
        self._stage, self._prepared, self._signing = stage, prepared, signing

    def finish(self) -> list[Item]:
        """The batch settled (against every batch settled before it)."""
        return self._stage.settle(self._prepared, self._signing)

    def ready(self) -> bool:
        """Whether its signing is done (`finish` will not wait for it)."""
        return self._signing.ready()

    def cancel(self) -> None:
        """Give up on it (the run stops before this batch; its workers end with the stage)."""
        self._signing.cancel()


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
