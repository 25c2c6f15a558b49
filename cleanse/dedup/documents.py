"""The duplicate stages applied to Documents: paragraphs out, decisions back, audit recorded.

`cleanse.dedup` finds duplicates over (id, paragraphs) pairs; this module turns documents into
those pairs (a paragraph is a line, or the lines of a hard-wrapped paragraph: see
`cleanse.dedup.paragraphs`) and writes the decisions back: duplicate paragraphs are dropped
(their lines only; the rest of the text stays byte for byte) and duplicate documents removed,
each change naming what it duplicates and how similar they are; with `annotate` nothing is
dropped and the decisions go into metadata.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from cleanse.dedup import DedupConfig, DedupResult, Duplicate, find_duplicates
from cleanse.dedup.backend import LOCAL, DedupBackend, IndexStore, LocalBackend
from cleanse.dedup.config import ANNOTATION
from cleanse.dedup.escaped import escaped_text
from cleanse.dedup.paragraphs import paragraph_spans
from cleanse.document import Change, Document, Item, is_live
from cleanse.errors import InputError
from cleanse.rule_state import tidy_lines

if TYPE_CHECKING:
    from cleanse.dedup.signing_pool import Signing
    from cleanse.dedup.workers import Doc, Signed

ALL_PARAGRAPHS_DUPLICATE = "dedup.all-paragraphs-duplicate"
NO_WORDS = (
    "dedup.no-words"  # flag: nothing to compare (punctuation or markup only), never a duplicate
)
KEY_SEP = "\x1f"  # between a document's id and where it was read, in its index key


class _Paragraph(NamedTuple):
    """One paragraph of a document: its lines (positions in the text), input line numbers, text.

    A named tuple: documents have tens of paragraphs each, and a tuple is made in a fifth of the
    time a frozen dataclass takes."""

    first: int  # position of its first line in the text's lines
    last: int
    line: int  # input line number of its first line
    last_line: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The paragraph as one line: what is shingled."""
        if len(self.lines) == 1:
            return self.lines[0].strip()
        return " ".join(t.strip() for t in self.lines)


# The paragraph spans already found for a tuple of lines (by the cleaning workers), else None.
SpansLookup = Callable[[tuple[str, ...]], "list[tuple[int, int]] | None"]


def _paragraphs(doc: Document, known: SpansLookup | None = None) -> list[_Paragraph]:
    """The document's paragraphs (`cleanse.dedup.paragraphs.paragraph_spans`, unless `known`
    has them for its lines)."""
    lines, numbers = tuple(doc.lines), doc.line_numbers
    spans = known(lines) if known is not None else None
    return [
        _Paragraph(a, b, numbers[a], numbers[b], lines[a : b + 1])
        for a, b in (paragraph_spans(lines) if spans is None else spans)
    ]


def deduplicate(
    docs: Sequence[Item],
    config: DedupConfig,
    *,
    index: IndexStore | None = None,
    workers: int = 1,
    annotate: bool = False,
    annotate_field: str = ANNOTATION,
    backend: DedupBackend = LOCAL,
    known_spans: SpansLookup | None = None,
) -> tuple[list[Item], DedupResult]:
    """Find and settle duplicates among `docs` (in corpus order: that order defines "first").

    With `annotate`, nothing is removed: each record gets the field `annotate_field`, and a batch
    holding a record that already has that field is refused (a user's field is never overwritten).
    `backend` runs the duplicate stages (`cleanse.dedup.backend`); `index` is any `IndexStore`.
    `known_spans`: the paragraph spans already found for a document's lines, if any (the cleaning
    workers find them: cleanse.stages.KnownSpans).
    """
    batch = prepare(docs, config, known_spans)
    return settle(
        batch, config, index=index, workers=workers, annotate=annotate,
        annotate_field=annotate_field, backend=backend,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Prepared:
    """A batch split into what the duplicate engine compares (`items`: key and paragraphs of
    each live document), and what settling it needs to write the decisions back."""

    docs: Sequence[Item]
    alive: dict[int, Document]  # position in docs -> a live document
    paragraphs: dict[int, list[_Paragraph]]  # position -> its paragraphs ([] for whole documents)
    keys: list[str]  # the engine key of each live document, in order
    items: list[tuple[str, Sequence[str]]]  # (key, what is signed) of each live document


def prepare(
    docs: Sequence[Item], config: DedupConfig, known_spans: SpansLookup | None = None
) -> Prepared:
    """`docs` split into paragraphs and keyed for the engine: what signing needs (`items`),
    which depends on no other batch, so it can start before the batches ahead are settled."""
    alive = {i: doc for i, doc in enumerate(docs) if is_live(doc)}
    # With documents only, a document is one token stream: its text goes whole, not in paragraphs.
    whole = config.level == "document"
    paragraphs = {i: [] if whole else _paragraphs(doc, known_spans) for i, doc in alive.items()}
    keys = _unique_keys([index_key(doc) for doc in alive.values()])
    items = [
        (key, _whole(doc) if whole else [p.text for p in paragraphs[i]])
        for key, (i, doc) in zip(keys, alive.items(), strict=True)
    ]
    return Prepared(docs, alive, paragraphs, keys, items)


def settle(
    batch: Prepared,
    config: DedupConfig,
    *,
    index: IndexStore | None = None,
    workers: int = 1,
    annotate: bool = False,
    annotate_field: str = ANNOTATION,
    backend: DedupBackend = LOCAL,
) -> tuple[list[Item], DedupResult]:
    """The duplicates of a prepared batch found (against `index` and within the batch) and
    settled: see `deduplicate`. `backend` may hold the batch's rows already (`Presigned`)."""
    alive = batch.alive
    live = list(alive)
    if annotate:
        if not annotate_field:
            msg = "the annotation field needs a name (--annotate-field NAME)"
            raise InputError(msg)
        _refuse_field_clash(list(alive.values()), annotate_field)
    result = find_duplicates(batch.items, config, index, workers, backend)
    position = dict(zip(batch.keys, live, strict=True))
    corpus = _Corpus(batch.docs, position, batch.paragraphs)
    out = list(batch.docs)
    field = annotate_field if annotate else None
    for key, i in zip(batch.keys, live, strict=True):
        out[i] = _settle(alive[i], key, batch.paragraphs[i], result, corpus, field)
    return out, result


@dataclass(frozen=True, slots=True)
class Presigned(LocalBackend):
    """The local stages, with the rows of one batch signed already, or under way (`signing`):
    the signature stage waits for them instead of signing again."""

    signing: Signing | None = None

    def sign(
        self, docs: Sequence[Doc], config: DedupConfig, keep_sets: bool, workers: int
    ) -> Signed:
        assert self.signing is not None
        return self.signing.result()


def _whole(doc: Document) -> Sequence[str]:
    """A document as one paragraph, its text: read from its JSONL line's bytes when it can be
    (`cleanse.dedup.escaped`), else joined from its lines."""
    escaped = escaped_text(doc)
    return [doc.text] if escaped is None else escaped


def _refuse_field_clash(docs: Sequence[Document], field: str) -> None:
    """Raise InputError naming the first record that already has the annotation field."""
    for doc in docs:
        if field in doc.meta or field in doc.extracted:
            where = ":".join(str(v) for v in doc.location.values())
            where = f" ({where})" if where and where != doc.id else ""
            msg = (
                f"record {doc.id}{where} already has a field `{field}`, which --annotate would "
                f"overwrite; name another field for the annotation with --annotate-field NAME"
            )
            raise InputError(msg)


@dataclass(frozen=True, slots=True)
class _Corpus:
    """What the audit needs to name the other side of a duplicate: documents and their paragraphs."""

    docs: Sequence[Item]
    position: dict[str, int]  # engine key -> position in docs
    paragraphs: dict[int, list[_Paragraph]]  # position -> _paragraphs(doc)


def index_key(doc: Item) -> str:
    r"""The name the duplicate engine (and a persistent index) gives a document: its id, and where
    it was read (`path` and `line`, after KEY_SEP), so that a later batch or run can name both.

    >>> index_key(Document("seed-1", location={"path": "s2.jsonl", "line": 7}))
    'seed-1\x1fs2.jsonl\x1f7'
    """
    if not doc.location:
        return doc.id
    line = doc.location.get("line")
    return KEY_SEP.join(
        (doc.id, str(doc.location.get("path", "")), "" if line is None else str(line))
    )


def split_key(key: str) -> tuple[str, dict[str, Any]]:
    r"""The id and location (`path`, `line`) an `index_key` holds; a bare id has no location.

    >>> split_key("seed-1\x1fs2.jsonl\x1f7")
    ('seed-1', {'path': 's2.jsonl', 'line': 7})
    >>> split_key("a.txt")
    ('a.txt', {})
    """
    parts = key.rsplit(KEY_SEP, 2)
    if len(parts) != 3:
        return key, {}
    doc_id, path, line = parts
    return doc_id, ({"path": path, "line": int(line)} if line.isdigit() else {"path": path})


def _unique_keys(ids: list[str]) -> list[str]:
    """The keys themselves (what a persistent index records), a repeated one made unique with
    `#2`, `#3`…, skipping every suffix that is the key of another document: internal keys never
    collide with user ids.

    >>> _unique_keys(["a", "b", "a"])
    ['a', 'b', 'a#2']
    >>> _unique_keys(["p", "p", "p#2"])
    ['p', 'p#3', 'p#2']
    """
    taken = set(ids)
    last: dict[str, int] = {}  # id -> the last suffix number given to it
    keys = []
    for doc_id in ids:
        if doc_id not in last:
            last[doc_id] = 1
            keys.append(doc_id)
            continue
        number = last[doc_id] + 1
        while f"{doc_id}#{number}" in taken:
            number += 1
        last[doc_id] = number
        key = f"{doc_id}#{number}"
        taken.add(key)
        keys.append(key)
    return keys


def _lines(paragraph: _Paragraph) -> dict[str, int]:
    """Where a paragraph is: its first input line, and its last when it spans several."""
    if paragraph.last_line == paragraph.line:
        return {"line": paragraph.line}
    return {"line": paragraph.line, "last_line": paragraph.last_line}


def _describe(dup: Duplicate, corpus: _Corpus) -> dict[str, Any]:
    """The audit fields of a duplicate decision, with the other document's id."""
    detail: dict[str, Any] = {"similarity": round(dup.similarity, 4), "kind": dup.kind}
    if dup.from_index or dup.duplicate_of not in corpus.position:
        # Kept by an earlier run (from_index) or an earlier batch of this run: named by the index.
        doc_id, where = split_key(dup.duplicate_of)
        detail["duplicate_of"] = doc_id
        detail.update(_where("duplicate_of", where))
        if dup.from_index:
            detail["from_index"] = True
    else:
        other = corpus.position[dup.duplicate_of]
        detail["duplicate_of"] = corpus.docs[other].id
        detail.update(_where("duplicate_of", corpus.docs[other].location))
        if dup.duplicate_of_paragraph is not None:
            detail["duplicate_of_line"] = corpus.paragraphs[other][dup.duplicate_of_paragraph].line
    if dup.duplicate_of_paragraph is not None:
        detail["duplicate_of_paragraph"] = dup.duplicate_of_paragraph
    return detail


def _where(prefix: str, location: Mapping[str, Any]) -> dict[str, Any]:
    """`location` as audit fields: `<prefix>_path` and `<prefix>_input_line` (JSONL)."""
    out: dict[str, Any] = {}
    if location.get("path"):
        out[f"{prefix}_path"] = location["path"]
    if location.get("line") is not None:
        out[f"{prefix}_input_line"] = location["line"]
    return out


def _settle(
    doc: Document,
    key: str,
    paragraphs: list[_Paragraph],
    result: DedupResult,
    corpus: _Corpus,
    annotate: str | None,
) -> Document:
    """The document with its duplicate decisions applied, or recorded in the field `annotate`."""
    if key in result.without_words:
        doc = doc.evolve(flags=(*doc.flags, NO_WORDS))
    whole = result.documents.get(key)
    if whole is not None:
        detail = _describe(whole, corpus)
        if annotate:
            return doc.evolve(annotations={annotate: {"status": "duplicate", **detail}})
        return doc.remove(f"dedup.document-{whole.kind}", detail)
    found = result.paragraphs_of(key)
    if annotate:
        marks = [
            {"paragraph": k, **_lines(paragraphs[k]), **_describe(d, corpus)} for k, d in found
        ]
        status = {"status": "unique", "paragraphs": marks} if marks else {"status": "unique"}
        return doc.evolve(annotations={annotate: status})
    if not found:
        return doc
    dropped = {i for k, _ in found for i in range(paragraphs[k].first, paragraphs[k].last + 1)}
    changes = [
        Change(
            "dedup",
            f"dedup.paragraph-{d.kind}",
            paragraphs[k].line,
            "\n".join(paragraphs[k].lines),
            None,
            {**_lines(paragraphs[k]), **_describe(d, corpus)},
        )
        for k, d in found
    ]
    lines = doc.numbered_lines()
    kept = tidy_lines((n, t, i not in dropped) for i, (n, t) in enumerate(lines))
    updated = doc.with_lines(kept, changes)
    if not any(t.strip() for _, t in kept):
        return updated.remove(ALL_PARAGRAPHS_DUPLICATE)
    return updated
