"""Decisions back onto documents: the local engine's `cleanse.dedup.documents._settle` on executors.

Each document meets only its own decisions (joined by `n`), with the other side of each
duplicate named by its id, where it was read, its place and its paragraph's first line, which is all `_settle`
reads of the rest of the corpus. So removals, kept lines and audit entries are the local ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cleanse.dedup import DedupResult, Duplicate
from cleanse.dedup.documents import _Corpus, _Paragraph, _paragraphs, _settle
from cleanse.document import Document, is_live
from cleanse.spark import state

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame


def _settle_one(
    doc: Document, key: str, row: dict[str, Any], whole: bool, annotate: str | None
) -> Document:
    documents: dict[str, Duplicate] = {}
    paragraphs: dict[tuple[str, int], Duplicate] = {}
    others: list[Document] = []
    position: dict[str, int] = {}
    lines: dict[int, dict[int, _Paragraph]] = {}

    def other(target_id: str, target_n: int, where: str | None) -> int:
        name = str(target_n)
        if name not in position:
            position[name] = len(others)
            others.append(Document(target_id, location=json.loads(where) if where else {}))
            lines[position[name]] = {}
        return position[name]

    if row.get("doc"):
        d = row["doc"]
        similarity = round(float(d["similarity"]), 6)
        if d["ikey"] is not None:  # an entry of the persistent index, named by the index
            documents[key] = Duplicate(d["ikey"], None, similarity, d["kind"], from_index=True)
        else:
            other(d["id"], d["n"], d["where"])
            documents[key] = Duplicate(str(d["n"]), None, similarity, d["kind"])
    for p in row.get("paras") or ():
        if p["ikey"] is not None:
            para = None if p["ipara"] is None or p["ipara"] < 0 else p["ipara"]
            dup = Duplicate(p["ikey"], para, round(float(p["similarity"]), 6), p["kind"], True)
            paragraphs[(key, p["pos"])] = dup
            continue
        at = other(p["id"], p["tn"], p["where"])
        lines[at][p["tpos"]] = _Paragraph(0, 0, p["line"], p["line"], ())
        dup = Duplicate(str(p["tn"]), p["tpos"], round(float(p["similarity"]), 6), p["kind"])
        paragraphs[(key, p["pos"])] = dup
    wordless = frozenset({key}) if row.get("wordless") else frozenset()
    result = DedupResult(documents, paragraphs, {}, {}, {}, wordless)
    corpus = _Corpus(others, position, lines)  # type: ignore[arg-type]  # paragraphs by number
    found = [] if whole or not paragraphs else _paragraphs(doc)
    return _settle(doc, key, found, result, corpus, annotate)


def settle_frame(
    docs: DataFrame, decided: DataFrame, *, whole: bool, annotate: str | None
) -> DataFrame:
    """Rows (n, chars_in, id, state) with every live document settled."""
    joined = docs.join(decided, "n", "left")
    columns = [c for c in ("doc", "paras", "wordless") if c in decided.columns]

    def settle_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        for batch in batches:
            # A document without decisions is settled unchanged (`_settle` returns it as it is)
            # unless decisions are recorded in a field: its state passes through, not decoded.
            has_decision = np.full(batch.num_rows, annotate is not None)
            for c in columns:
                has_decision |= batch.column(c).is_valid().to_numpy(zero_copy_only=False)
            chosen = np.flatnonzero(has_decision)
            if not len(chosen):
                yield state.with_states(batch, batch.column("state"))
                continue
            states = []
            for row in batch.take(pa.array(chosen)).to_pylist():
                doc = state.load(row["state"])
                if is_live(doc):
                    doc = _settle_one(
                        doc, str(row["n"]), {c: row.get(c) for c in columns}, whole, annotate
                    )
                states.append(state.dump(doc))
            replaced = pc.replace_with_mask(
                batch.column("state"), pa.array(has_decision), pa.array(states, pa.string())
            )
            yield state.with_states(batch, replaced)

    return joined.mapInArrow(settle_batches, docs.schema)
