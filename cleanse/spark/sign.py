"""The signature stage on executors: documents -> item rows with exact hashes, band keys and
shingle sets, computed by the local engine's own kernels (`cleanse.dedup.workers._sign_chunk`,
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

from cleanse.dedup import signatures as sig
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.documents import _paragraphs, index_key
from cleanse.dedup.stream import strip_markup
from cleanse.dedup.workers import _sign_chunk, item_texts
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


def _csr_lists(values: np.ndarray, offs: np.ndarray) -> list[list[int]]:
    as_int = values.view(np.int32)
    return [as_int[offs[k] : offs[k + 1]].tolist() for k in range(len(offs) - 1)]


def _signature_lists(sigs: np.ndarray | None, n: int) -> list[list[int]]:
    if sigs is None:
        return [[] for _ in range(n)]
    return cast("list[list[int]]", np.ascontiguousarray(sigs, np.uint32).view(np.int32).tolist())


def _document_rows(
    docs: list[tuple[int, Document]], config: DedupConfig, with_index: bool
) -> dict[str, list[Any]]:
    texts = [paragraph_texts(doc, config) for _, doc in docs]
    signed = _sign_chunk((texts, dataclasses.replace(config, level="document"), with_index))
    streams = [item_texts(t, "document")[0] for t in texts]
    shingles = _csr_lists(*sig.shingle_sets(streams, config))
    return {
        "item": [n for n, _ in docs],
        "n": [n for n, _ in docs],
        "pos": [-1] * len(docs),
        "line": [0] * len(docs),
        "exact": signed.d_exact.view(np.int64).tolist(),
        "chars": signed.d_chars.tolist(),
        "words": [0] * len(docs),
        "count": signed.d_count.tolist(),
        "keys": signed.d_keys.view(np.int64).tolist(),
        "shingles": shingles,
        "key": [index_key(doc) if with_index else None for _, doc in docs],
        "sigs": _signature_lists(signed.d_sigs, len(docs)),
    }


def _paragraph_rows(
    docs: list[tuple[int, Document]], config: DedupConfig, with_index: bool
) -> dict[str, list[Any]]:
    paras = [_paragraphs(doc) for _, doc in docs]
    for (_, doc), found in zip(docs, paras, strict=True):
        if len(found) >= 1 << PARA_BITS:
            msg = f"{doc.id}: {len(found):,} paragraphs; the Spark engine takes up to {(1 << PARA_BITS) - 1:,}"
            raise InputError(msg)
    signed = _sign_chunk(
        (
            [[p.text for p in ps] for ps in paras],
            dataclasses.replace(config, level="paragraph"),
            with_index,
        )
    )
    flat = [(n, k, p) for (n, _), ps in zip(docs, paras, strict=True) for k, p in enumerate(ps)]
    names = {n: index_key(doc) if with_index else None for n, doc in docs}
    eligible = (signed.p_words >= config.min_paragraph_words) & (signed.p_count > 0)
    chosen = np.flatnonzero(eligible).tolist()
    sets = _csr_lists(*sig.shingle_sets([strip_markup(flat[g][2].text) for g in chosen], config))
    shingles: list[list[int]] = [[] for _ in flat]
    for g, s in zip(chosen, sets, strict=True):
        shingles[g] = s
    return {
        "item": [(n << PARA_BITS) | k for n, k, _ in flat],
        "n": [n for n, _, _ in flat],
        "pos": [k for _, k, _ in flat],
        "line": [p.line for _, _, p in flat],
        "exact": signed.p_exact.view(np.int64).tolist(),
        "chars": signed.p_chars.tolist(),
        "words": signed.p_words.tolist(),
        "count": signed.p_count.astype(np.int64).tolist(),
        "keys": signed.p_keys.view(np.int64).tolist(),
        "shingles": shingles,
        "key": [names[n] for n, _, _ in flat],
        "sigs": _signature_lists(signed.p_sigs, len(flat)),
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
            yield pa.RecordBatch.from_pydict(rows, schema=arrow_schema)

    return docs.mapInArrow(sign_batches, schema)
