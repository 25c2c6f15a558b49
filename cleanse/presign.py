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
from typing import TYPE_CHECKING, Any, NamedTuple

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


class SignedRows(NamedTuple):
    """The signature rows of consecutive documents, signed together, as a worker sends them:
    `columns` the row fields of `Signed` (`_ROW_FIELDS` order), `sets` its shingle sets
    (`_SET_FIELDS` order). Document k's paragraph rows are `para_bounds[k]:para_bounds[k + 1]`,
    its document row k; `spans` says where its paragraphs are (`signing_texts`).

    The band keys of a level with signatures are left out (None): a fifth of the bytes, and
    more than half the time of unpickling the rows, while the parent computes them again from
    the signatures in a hundredth of a second per 10 MB (`_joined`). A plain tuple, since a
    dataclass is unpickled through Python code."""

    columns: tuple[np.ndarray | None, ...]
    sets: tuple[tuple[np.ndarray, np.ndarray] | None, ...]
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
        signed = _sign_chunk((texts, self.config, self.keep_sets))
        left_out = {
            keys
            for keys, sigs in _KEYS_OF.items()
            if getattr(signed, sigs) is not None and self._signs(keys)
        }
        columns = tuple(None if n in left_out else getattr(signed, n) for n in _ROW_FIELDS)
        sets = tuple(getattr(signed, name) for name in _SET_FIELDS)
        return SignedRows(columns, sets, para_bounds, spans)

    def _signs(self, name: str) -> bool:
        """Whether the level of the field `name` is signed (else its rows are placeholders)."""
        return self.config.level != ("document" if name.startswith("p_") else "paragraph")


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
        return _joined(runs, self.signing.config), [
            rows.spans[k] for rows, k0, k1 in runs for k in range(k0, k1)
        ]


# The signatures each band-key field is computed from.
_KEYS_OF = {"p_keys": "p_sigs", "d_keys": "d_sigs"}


def _joined(runs: list[tuple[SignedRows, int, int]], config: DedupConfig) -> Signed:
    """One Signed of the rows of `runs`, in order (as `sign_all` gives it for their documents).
    Every group was signed the same way, so the first says which fields are there."""
    from cleanse.dedup.signatures import band_keys
    from cleanse.dedup.workers import Signed

    first = runs[0][0]
    columns: dict[str, Any] = {}
    for k, name in enumerate(_ROW_FIELDS):
        if first.columns[k] is not None:
            parts = [_column(rows, k)[_span(rows, name, a, b)] for rows, a, b in runs]
            columns[name] = np.concatenate(parts)
    for keys, sigs in _KEYS_OF.items():
        if keys not in columns:  # left out by the workers: computed as `_sign_chunk` does
            columns[keys] = band_keys(columns[sigs], *config.banding)
    signed = Signed(**columns)
    for k, name in enumerate(_SET_FIELDS):  # CSR shingle sets: the rows' values, offsets from 0
        if first.sets[k] is not None:
            pieces = []
            for rows, a, b in runs:
                span = _span(rows, name, a, b)
                values, offsets = _sets(rows, k)
                start, stop = offsets[span.start], offsets[span.stop]
                pieces.append((values[start:stop], offsets[span.start : span.stop + 1] - start))
            setattr(signed, name, join_sets(pieces))
    return signed


def _column(rows: SignedRows, k: int) -> np.ndarray:
    column = rows.columns[k]
    assert column is not None  # every group has the same fields
    return column


def _sets(rows: SignedRows, k: int) -> tuple[np.ndarray, np.ndarray]:
    sets = rows.sets[k]
    assert sets is not None  # every group has the same fields
    return sets


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
