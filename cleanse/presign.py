"""Signatures computed where documents are cleaned, kept until the duplicate stage takes them.

With cleaning workers, `cleanse run` signs each cleaned document in the worker that cleaned it
(`Signing`, called by `cleanse.stages.clean_documents`), instead of the duplicate stage splitting
paragraphs and forking signing processes for every batch in the parent. What comes back, the
rows of a group of documents (`SignedRows`), waits in `Presigned` until the batch holding those
documents reaches `cleanse.stages.DedupStage`, which joins the rows of the batch
(`Presigned.take`) and runs the duplicate stages on them through `PresignedBackend`.

A row depends on its text alone, so the rows joined for a batch are the rows the duplicate stage
would have computed from the batch itself: the same bytes out, whatever the workers
(`tests/test_presign.py`). A document without rows (not cleaned by the workers) makes the batch
signed the ordinary way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cleanse.dedup.backend import LocalBackend
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.documents import Spans, signing_texts
from cleanse.dedup.workers import (
    _ROW_FIELDS,
    _SET_FIELDS,
    _load_kernels,
    _sign_chunk,
    join_sets,
)
from cleanse.document import Document

if TYPE_CHECKING:
    from cleanse.dedup.workers import Doc, Signed


@dataclass(frozen=True, slots=True)
class SignedRows:
    """The signature rows of consecutive documents, signed together: document k's paragraph rows
    are `para_bounds[k]:para_bounds[k + 1]`, its document row k; `spans` where its paragraphs
    are (`cleanse.dedup.documents.signing_texts`)."""

    signed: Signed
    para_bounds: np.ndarray
    spans: list[Spans]


@dataclass(frozen=True, slots=True)
class Signing:
    """How a cleaning worker signs the documents it cleaned (picklable: it goes to the workers)."""

    config: DedupConfig
    keep_sets: bool  # signatures and shingle sets too (a run with an index: always)

    def load(self) -> None:
        """Load the compiled kernels in this process (workers forked after it inherit them)."""
        _load_kernels()

    def sign(self, docs: Sequence[Document]) -> SignedRows:
        """The rows of `docs` (live, cleaned), as the duplicate stage would sign them."""
        texts: list[list[str]] = []
        spans: list[Spans] = []
        for doc in docs:
            these, where = signing_texts(doc, self.config.level)
            texts.append(these)
            spans.append(where)
        para_bounds = np.zeros(len(texts) + 1, np.int64)
        np.cumsum([len(t) for t in texts], out=para_bounds[1:])
        return SignedRows(_sign_chunk((texts, self.config, self.keep_sets)), para_bounds, spans)


@dataclass(slots=True)
class Presigned:
    """Rows of cleaned documents (by document object), until their batch takes them."""

    signing: Signing
    _rows: dict[int, tuple[Document, SignedRows, int]] = field(default_factory=dict)

    def put(self, doc: Document, rows: SignedRows, k: int) -> None:
        """`doc` has the k-th rows of `rows`."""
        self._rows[id(doc)] = (doc, rows, k)

    def take(self, docs: Sequence[Document]) -> tuple[Signed, list[Spans]] | None:
        """The joined rows of `docs` (the live documents of a batch, in order) and where their
        paragraphs are; None when one of them has none (the batch is then signed as usual).
        Every row of `docs` is dropped from here either way."""
        if not docs:
            return None
        found = [self._rows.pop(id(doc), None) for doc in docs]
        runs: list[tuple[SignedRows, int, int]] = []  # consecutive rows of one group: [k0, k1)
        for doc, entry in zip(docs, found, strict=True):
            if entry is None or entry[0] is not doc:
                return None
            _, rows, k = entry
            if runs and runs[-1][0] is rows and runs[-1][2] == k:
                runs[-1] = (rows, runs[-1][1], k + 1)
            else:
                runs.append((rows, k, k + 1))
        return _joined(runs), [rows.spans[k] for rows, k0, k1 in runs for k in range(k0, k1)]


def _joined(runs: list[tuple[SignedRows, int, int]]) -> Signed:
    """One Signed of the rows of `runs`, in order (as `sign_all` gives it for their documents).
    Every group was signed the same way, so the first says which fields are there."""
    from cleanse.dedup.workers import Signed

    first = runs[0][0].signed
    columns: dict[str, Any] = {}
    for name in _ROW_FIELDS:
        if getattr(first, name) is not None:
            parts = [getattr(rows.signed, name)[_span(rows, name, a, b)] for rows, a, b in runs]
            columns[name] = np.concatenate(parts)
    signed = Signed(**columns)
    for name in _SET_FIELDS:  # CSR shingle sets: the values of the rows, offsets from 0
        if getattr(first, name) is not None:
            pieces = []
            for rows, a, b in runs:
                span = _span(rows, name, a, b)
                values, offsets = getattr(rows.signed, name)
                start, stop = offsets[span.start], offsets[span.stop]
                pieces.append((values[start:stop], offsets[span.start : span.stop + 1] - start))
            setattr(signed, name, join_sets(pieces))
    return signed


def _span(rows: SignedRows, name: str, a: int, b: int) -> slice:
    """The rows of documents a..b-1 of `rows` in its field `name` (paragraph or document rows)."""
    if name.startswith("p_"):
        return slice(int(rows.para_bounds[a]), int(rows.para_bounds[b]))
    return slice(a, b)


@dataclass(frozen=True, slots=True)
class PresignedBackend(LocalBackend):
    """The local duplicate stages, with the rows of one batch signed already."""

    signed: Signed | None = None

    def sign(
        self, docs: Sequence[Doc], config: DedupConfig, keep_sets: bool, workers: int
    ) -> Signed:
        signed = self.signed
        paragraphs = sum(len(p) for _, p in docs)
        if (
            signed is None
            or keep_sets != (signed.p_sigs is not None)
            or len(signed.d_exact) != len(docs)
            or len(signed.p_exact) != paragraphs
        ):  # not what the rows were signed for: signed here, as usual
            return LocalBackend.sign(self, docs, config, keep_sets, workers)
        return signed
