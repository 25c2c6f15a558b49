"""The stages a run applies: cleaning (in groups of documents, in this process or over workers)
and the duplicate stages (a batch at a time, against everything kept before).
The runner (cleanse.runner) chains them; the CLI and `Pipeline` build them the same way.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import operator
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from cleanse.clean_config import CleanConfig
from cleanse.dedup import DedupConfig
from cleanse.dedup.config import ANNOTATION
from cleanse.document import Change, Document, Item, is_live
from cleanse.known_spans import KnownSpans, known_spans, pack_spans
from cleanse.learn import LearnedRules
from cleanse.parallel import BATCH, ordered_map
from cleanse.rules import RuleSet
from cleanse.runner import BatchStage, DocumentStage
from cleanse.writers import naming_path

if TYPE_CHECKING:
    from cleanse.clean import Cleaner
    from cleanse.dedup import DedupResult, DuplicateIndex

log = logging.getLogger(__name__)

RUN_INDEX_DIRNAME = "run-index"  # the duplicate index of a run without --index, in the report


CLEANING_FAILED = "input.cleaning-failed"

# Characters of documents under way in the cleaning workers at most (about, past the next 512):
# one and a half runner batches (32 MB each), so that while the runner settles and writes a
# batch, the workers clean the next one instead of waiting. Settling a batch takes the parent
# about as long as cleaning one takes two workers (since the compiled line pass of s9), so one
# batch's worth left the workers idle at the end of most batches the parent settled; the 16 MB
# more cost the parent up to about 50 MB while it settles (benchmarks/README.md, s10).
CLEANING_AHEAD = 48_000_000

# How much lower the cleaning workers run than the parent (`os.nice`; 0: level with it). With 2
# workers on 2 cores there are 3 busy processes while the parent settles a batch; below it, the
# parent would keep a whole core and fall less behind the cleaning. Measured in s11 it did not pay:
# on a quiet machine nice 3 took 50.1 s against 47.5 s level, and under other work the workers
# yield to it too (benchmarks/README.md, s11; `run_speed.py --cleaning-nice N` measures it).
CLEANING_NICE = 0


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


class CleanerFactory:
    """Picklable recipe for a worker's cleaning function (the rules are already validated).

    `compact`: the function takes a group of documents (a list) and gives what `changes_of`
    returns for each, instead of cleaned documents, so a worker cleans a group together
    (`Cleaner.clean_many`) and sends back only what cleaning changed. With `spans` too, it gives
    them with the packed paragraph spans of each document left live (`_clean_compact_spans`).
    """

    def __init__(
        self,
        ruleset: RuleSet,
        config: CleanConfig,
        learned: LearnedRules | None,
        compact: bool = False,
        spans: bool = False,
    ) -> None:
        self.ruleset = ruleset
        self.config = config
        self.learned = learned
        self.compact = compact
        self.spans = spans

    def __call__(self) -> Any:
        from cleanse.clean import Cleaner  # here: a run that only deduplicates never loads it

        cleaner = Cleaner(self.ruleset, self.config, self.learned)
        if self.compact:
            return functools.partial(
                _clean_compact_spans if self.spans else _clean_compact, cleaner
            )
        return functools.partial(_clean_one, cleaner)


# What a worker sends back for a document (see `changes_of`).
Changes: TypeAlias = Item | dict[str, Any] | None


def _clean_compact(cleaner: Cleaner, group: list[Item]) -> list[Changes]:
    return list(map(changes_of, group, _clean_group(cleaner, group)))


def _clean_compact_spans(
    cleaner: Cleaner, group: list[Item]
) -> tuple[list[Changes], list[bytes | None]]:
    """`_clean_compact`, and the packed paragraph spans of each cleaned document left live."""
    from cleanse.dedup.paragraphs import paragraph_spans

    cleaned = _clean_group(cleaner, group)
    spans = [
        pack_spans(paragraph_spans(doc.lines))
        if isinstance(doc, Document) and is_live(doc)
        else None
        for doc in cleaned
    ]
    return list(map(changes_of, group, cleaned)), spans


# Document fields whose values are compared by equality in `changes_of`: strings, numbers, None,
# and tuples of strings or numbers. Any other field counts as unchanged only when it is the same
# object, or empty in both, so no value is ever replaced by an equal one of another kind.
_PLAIN_FIELDS = frozenset(
    ("id", "lines", "lang", "site", "source", "line_numbers", "final_newline", "flags", "status",
     "removed")
)  # fmt: skip
_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name != "meta")


def changes_of(doc: Item, cleaned: Item) -> Changes:
    """What `doc` cleaned into `cleaned` comes back as from a worker: None for the same
    document, the fields whose values differ (a dict: `apply_changes` rebuilds the document from
    `doc` and them), or the item itself when it is not a Document (a rejected input).

    So a document cleaning left alone comes back without its lines, and the changes cleaning
    appended come back as plain tuples (`APPENDED`), which cost a third of the objects' pickling
    (a frozen dataclass is unpickled by a Python-level `__setstate__`). `meta` is never compared:
    the parent keeps the record's other fields (see `clean_documents`).
    """
    if cleaned is doc:
        return None
    if not isinstance(cleaned, Document) or not isinstance(doc, Document):
        return cleaned
    changed: dict[str, Any] = {}
    for name in _FIELDS:
        new, old = getattr(cleaned, name), getattr(doc, name)
        if new is old or (type(new) is type(old) and _same(name, old, new)):
            continue
        if name == "changes" and _appended_to(old, new):
            changed[APPENDED] = [_change_fields(c) for c in new[len(old) :]]
        else:
            changed[name] = new
    return changed or None


# The key of `changes_of` for the changes appended to the document's own, as tuples of fields.
APPENDED = "changes+"
_change_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Change)))


def _appended_to(old: tuple[Change, ...], new: tuple[Change, ...]) -> bool:
    return (
        len(new) > len(old)
        and all(a is b for a, b in zip(old, new, strict=False))
        and all(type(c) is Change for c in new[len(old) :])
    )


def _same(name: str, old: Any, new: Any) -> bool:
    if name in _PLAIN_FIELDS:
        return bool(old == new)
    return not old and not new


def apply_changes(doc: Item, changes: Changes) -> Item:
    """The cleaned document that `changes` (from `changes_of`) describes, rebuilt from `doc`."""
    if changes is None:
        return doc
    if isinstance(changes, dict):
        if APPENDED in changes:
            fields = {k: v for k, v in changes.items() if k != APPENDED}
            appended = tuple(Change(*values) for values in changes[APPENDED])
            return dataclasses.replace(doc, changes=doc.changes + appended, **fields)
        return dataclasses.replace(doc, **changes)
    return changes


def clean_documents(
    docs: Iterable[Item],
    ruleset: RuleSet,
    config: CleanConfig,
    workers: int = 1,
    learned: LearnedRules | None = None,
    spans: KnownSpans | None = None,
) -> Iterator[Item]:
    """Clean documents in order, over `workers` processes.

    With workers, only what cleaning needs goes to them and only what it changed comes back:
    they get the live documents without their record's other fields (`meta`: cleaning does not
    read them, and a record nested as deep as the JSON parser allows would be too deep to send)
    and return `changes_of` each; this process keeps every document meanwhile and rebuilds the
    cleaned one (`apply_changes`). Removed and rejected inputs never leave it. In one process the
    same changes are applied, so either way a document keeps the objects cleaning left alone: its
    lines above all, whose input line the writer then copies (`cleanse.output_records.copied_line`).
    `spans`: with workers, where they leave the paragraph spans of the documents they cleaned,
    for the duplicate stage (see KnownSpans).
    """
    if workers <= 1:  # the same changes, applied to the document read (its own lines kept)
        from cleanse.clean import Cleaner  # here: a run that only deduplicates never loads it

        cleaner = Cleaner(ruleset, config, learned)
        for group in _groups(docs):
            yield from map(apply_changes, group, _clean_compact(cleaner, group))
        return
    waiting: deque[tuple[Item, bool]] = deque()  # every input in order, and whether it was sent

    def to_send() -> Iterator[Item]:
        for doc in docs:
            if is_live(doc):
                waiting.append((doc, True))
                yield dataclasses.replace(doc, meta={}) if doc.meta else doc
            else:
                waiting.append((doc, False))

    if config.classify != "off":  # numba and the classifier's kernels: loaded once, before forking
        from cleanse.classify.line_kernel import load_kernels

        load_kernels()
    factory = CleanerFactory(ruleset, config, learned, compact=True, spans=spans is not None)
    groups = ordered_map(
        factory,
        _groups(to_send()),
        workers,
        min_items=GROUPS_PER_BATCH,
        weigh=_group_chars,
        ahead=CLEANING_AHEAD,
        batch_items=GROUPS_PER_BATCH,
        nice=CLEANING_NICE,
    )
    results = itertools.chain.from_iterable(
        groups if spans is None else (zip(*group, strict=True) for group in groups)
    )
    for result in results:  # in input order, one per document sent
        changes, packed = (result, None) if spans is None else result
        doc, sent = waiting.popleft()
        while not sent:  # the inputs before it that stayed here
            yield doc
            doc, sent = waiting.popleft()
        assert isinstance(doc, Document)
        if isinstance(changes, dict) or changes is None:
            cleaned = apply_changes(doc, changes)
            if packed is not None and spans is not None and isinstance(cleaned, Document):
                spans.put(cleaned.lines, packed)
            yield cleaned
        else:  # a rejected input: with the record's other fields, as it came
            yield dataclasses.replace(changes, meta=doc.meta) if doc.meta else changes
    while waiting:
        yield waiting.popleft()[0]


def _group_chars(group: list[Item]) -> int:
    return sum(doc.chars for doc in group)


# Documents cleaned together in one process (`Cleaner.clean_many`: the classifier's fixed costs
# paid once per group), and their characters at most.
GROUP_DOCS = 32
GROUP_CHARS = 1_000_000
# Groups handed to the workers per batch of `ordered_map`: about as many documents as its
# BATCH, so that the batches under way hold no more than they did one document per item.
GROUPS_PER_BATCH = max(1, BATCH // GROUP_DOCS)


def _groups(docs: Iterable[Item]) -> Iterator[list[Item]]:
    group: list[Item] = []
    chars = 0
    for doc in docs:
        group.append(doc)
        chars += doc.chars if is_live(doc) else 0
        if len(group) >= GROUP_DOCS or chars >= GROUP_CHARS:
            yield group
            group, chars = [], 0
    if group:
        yield group


def _clean_group(cleaner: Cleaner, docs: list[Item]) -> list[Item]:
    """`_clean_one` of each document, the live ones cleaned together; when cleaning fails, each
    is cleaned again alone, so that only the one that fails is rejected."""
    live = [doc for doc in docs if is_live(doc)]
    try:
        cleaned = iter(cleaner.clean_many(live))
    except Exception:  # any bug: `_clean_one` reports it on its document
        return [_clean_one(cleaner, doc) for doc in docs]
    return [next(cleaned) if is_live(doc) else doc for doc in docs]


def clean_stage(
    ruleset: RuleSet,
    config: CleanConfig,
    workers: int = 1,
    learned: LearnedRules | None = None,
    spans: KnownSpans | None = None,
) -> Callable[[Iterable[Item]], Iterator[Item]]:
    """The cleaning stage: `clean_documents` with these rules and settings."""
    return functools.partial(
        clean_documents, ruleset=ruleset, config=config, workers=workers, learned=learned,
        spans=spans,
    )  # fmt: skip


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
