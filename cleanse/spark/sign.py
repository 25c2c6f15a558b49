"""The signature stage on executors: documents -> item rows with exact hashes, band keys and
shingle sets, computed by the local engine's own kernels (`cleanse.dedup.workers.sign_chunk`,
`cleanse.dedup.signatures.shingle_sets`), so both engines see the same keys and the same sets.

One row per item. A document item's number is its place `n` in the corpus; a paragraph item's is
`n * 2**24 + pos`, which sorts exactly as the local engine numbers paragraphs (document order,
then place in the document). Hashes and keys are unsigned 64/32-bit values carried as signed
longs and ints (bit for bit); only these arrays and numbers cross a shuffle. Band keys are the
full 64-bit ones (a persistent index stores them); items are grouped by their high 32 bits, as
the local engine groups them (`cleanse.dedup.cluster.short_keys`). With an index, each row also
carries what an index entry records: the document's name (`cleanse.dedup.documents.index_key`) and
the item's MinHash signature.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from cleanse.dedup.config import DedupConfig
from cleanse.dedup.documents import _paragraphs, index_key
from cleanse.dedup.workers import sign_chunk
from cleanse.document import Document, is_live
from cleanse.errors import InputError
from cleanse.spark import faults, state

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

PARA_BITS = 24  # paragraphs per document: up to 16,777,215
ITEMS_SCHEMA = (
    "item long, n long, pos int, line long, exact long, chars long, words int, count long, "
    "keys array<long>, shingles array<int>, key string, sigs array<int>"
)


def paragraph_texts(doc: Document, config: DedupConfig) -> list[str]:
    """What the local engine hands find_duplicates for a document (see cleanse.dedup.documents)."""
    if config.level == "document":
        return [doc.text]  # the whole text: joined here
    return [p.text for p in _paragraphs(doc)]


def _int_lists(values: np.ndarray, offsets: np.ndarray, kind: pa.DataType) -> pa.Array:
    """A list<kind> Arrow array from CSR arrays, without a Python object per value."""
    import pyarrow as pa

    if len(offsets) and int(offsets[-1]) > np.iinfo(np.int32).max:
        msg = "an Arrow batch of over 2**31 values: lower spark.sql.execution.arrow.maxRecordsPerBatch"
        raise InputError(msg)
    return pa.ListArray.from_arrays(
        pa.array(np.asarray(offsets, np.int32)), pa.array(values, type=kind)
    )


def csr_arrays(lists: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A list<int> Arrow array as CSR arrays (the inverse of `_int_lists`) (values viewed as uint32, as the kernels sort them)."""
    import pyarrow.compute as pc

    lengths = pc.list_value_length(lists).to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return lists.flatten().to_numpy().view(np.uint32), offsets


def _rows_lists(matrix: np.ndarray, kind: pa.DataType, signed: type) -> pa.Array:
    """A list<kind> Arrow array with one list per row of `matrix` (unsigned, viewed as signed)."""
    rows, width = matrix.shape
    flat: np.ndarray = np.ascontiguousarray(matrix).view(signed).reshape(-1)
    return _int_lists(flat, np.arange(rows + 1, dtype=np.int64) * width, kind)


def _sets_lists(sets: tuple[np.ndarray, np.ndarray] | None, keep: np.ndarray) -> pa.Array:
    """Shingle sets (CSR, uint32) as list<int32>, empty where `keep` is False."""
    import pyarrow as pa

    assert sets is not None  # signed with_sets
    values, offsets = sets
    lengths = np.diff(offsets) * keep
    out_offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=out_offsets[1:])
    chosen = values if keep.all() else values[np.repeat(keep, np.diff(offsets))]
    return _int_lists(
        np.ascontiguousarray(chosen, np.uint32).view(np.int32), out_offsets, pa.int32()
    )


def _signature_lists(sigs: np.ndarray | None, n: int, with_index: bool) -> pa.Array:
    import pyarrow as pa

    if sigs is None or not with_index:
        return _int_lists(np.zeros(0, np.int32), np.zeros(n + 1, np.int64), pa.int32())
    return _rows_lists(np.asarray(sigs, np.uint32), pa.int32(), np.int32)


def _document_rows(
    docs: list[tuple[int, Document]], config: DedupConfig, with_index: bool
) -> dict[str, Any]:
    import pyarrow as pa

    texts = [paragraph_texts(doc, config) for _, doc in docs]
    # The sets come from the signing pass itself (sign_texts with_sets): what shingle_sets gives.
    signed = sign_chunk((texts, dataclasses.replace(config, level="document"), True))
    size = len(docs)
    numbers = np.array([n for n, _ in docs], np.int64)
    return {
        "item": numbers,
        "n": numbers,
        "pos": np.full(size, -1, np.int32),
        "line": np.zeros(size, np.int64),
        "exact": signed.d_exact.view(np.int64),
        "chars": signed.d_chars,
        "words": np.zeros(size, np.int32),
        "count": signed.d_count,
        "keys": _rows_lists(signed.d_keys, pa.int64(), np.int64),
        "shingles": _sets_lists(signed.d_sets, np.ones(size, bool)),
        "key": [index_key(doc) if with_index else None for _, doc in docs],
        "sigs": _signature_lists(signed.d_sigs, size, with_index),
    }


def _paragraph_rows(
    docs: list[tuple[int, Document]], config: DedupConfig, with_index: bool
) -> dict[str, Any]:
    import pyarrow as pa

    paras = [_paragraphs(doc) for _, doc in docs]
    for (_, doc), found in zip(docs, paras, strict=True):
        if len(found) >= 1 << PARA_BITS:
            msg = f"{doc.id}: {len(found):,} paragraphs; the Spark engine takes up to {(1 << PARA_BITS) - 1:,}"
            raise InputError(msg)
    signed = sign_chunk(
        (
            [[p.text for p in ps] for ps in paras],
            dataclasses.replace(config, level="paragraph"),
            True,
        )
    )
    counts = np.array([len(ps) for ps in paras], np.int64)
    numbers = np.repeat(np.array([n for n, _ in docs], np.int64), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.arange(len(numbers), dtype=np.int64) - starts
    eligible = (signed.p_words >= config.min_paragraph_words) & (signed.p_count > 0)
    names = [index_key(doc) if with_index else None for _, doc in docs]
    return {
        "item": (numbers << PARA_BITS) | pos,
        "n": numbers,
        "pos": pos.astype(np.int32),
        "line": np.array([p.line for ps in paras for p in ps], np.int64),
        "exact": signed.p_exact.view(np.int64),
        "chars": signed.p_chars,
        "words": signed.p_words,
        "count": signed.p_count.astype(np.int64),
        "keys": _rows_lists(signed.p_keys, pa.int64(), np.int64),
        "shingles": _sets_lists(signed.p_sets, eligible),
        "key": [name for name, c in zip(names, counts.tolist(), strict=True) for _ in range(c)],
        "sigs": _signature_lists(signed.p_sigs, len(numbers), with_index),
    }


def sign_frame(
    docs: DataFrame, config: DedupConfig, level: str, with_index: bool = False
) -> DataFrame:
    """Item rows (ITEMS_SCHEMA) of the live documents of `docs`, at `level` (document|paragraph);
    `key` and `sigs` are filled only `with_index`."""
    from pyspark.sql.types import _parse_datatype_string

    # DDL of a struct: parsed to a StructType (typed as the DataType it may be for other DDL)
    schema = cast("StructType", _parse_datatype_string(ITEMS_SCHEMA))

    def sign_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        arrow_schema = pa.schema(
            [("item", pa.int64()), ("n", pa.int64()), ("pos", pa.int32()), ("line", pa.int64()),
             ("exact", pa.int64()), ("chars", pa.int64()), ("words", pa.int32()), ("count", pa.int64()),
             ("keys", pa.list_(pa.int64())), ("shingles", pa.list_(pa.int32())),
             ("key", pa.string()), ("sigs", pa.list_(pa.int32()))]
        )  # fmt: skip
        for batch in batches:
            faults.maybe_fail("sign")
            live = [
                (n, doc)
                for n, s in zip(
                    batch.column("n").to_pylist(), batch.column("state").to_pylist(), strict=True
                )
                if is_live(doc := state.load(s))
            ]
            if not live:
                continue
            rows = (
                _document_rows(live, config, with_index)
                if level == "document"
                else _paragraph_rows(live, config, with_index)
            )
            yield pa.RecordBatch.from_arrays(
                [pa.array(rows[f.name], type=f.type) if not isinstance(rows[f.name], pa.Array)
                 else rows[f.name] for f in arrow_schema],
                schema=arrow_schema,
            )  # fmt: skip

    return docs.mapInArrow(sign_batches, schema)
