"""The cleaning stage of a run: documents cleaned in groups, in this process or over workers,
in input order.

With workers, only what cleaning needs goes to them and only what it changed comes back
(`cleanse.cleaned_changes`); with paragraphs to deduplicate, they also leave each cleaned
document's paragraph spans for the duplicate stage (`cleanse.known_spans`).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cleanse.clean_config import CleanConfig
from cleanse.cleaned_changes import Changes, apply_changes, changes_of
from cleanse.document import Document, Item, is_live
from cleanse.known_spans import KnownSpans, pack_spans
from cleanse.learn import LearnedRules
from cleanse.parallel import BATCH, ordered_map
from cleanse.rules import RuleSet

if TYPE_CHECKING:
    from cleanse.clean import Cleaner

log = logging.getLogger(__name__)

CLEANING_FAILED = "input.cleaning-failed"

# Characters of documents under way in the cleaning workers at most (about, past the next 512):
# one runner batch (32 MB), so that while the runner settles and writes a batch, the workers
# clean the next one instead of waiting. With the duplicate stage's batch signed ahead (held while
# the one before is settled) 48 MB gave no faster a 2-worker run and 7 % more memory on 1 GB;
# 16 MB left the workers waiting (benchmarks/README.md, "End of s13").
CLEANING_AHEAD = 32_000_000


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
