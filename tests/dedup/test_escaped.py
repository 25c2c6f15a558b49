"""Signing a document from the bytes of its JSON string (cleanse.dedup.escaped) gives what
signing its text gives: the same shingles, exact hashes, words and kinds, the same decisions."""

from __future__ import annotations

import io
import json
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.dedup import DedupConfig, documents
from cleanse.dedup import signatures as sig
from cleanse.dedup.documents import deduplicate
from cleanse.dedup.escaped import EscapedText, escaped_text
from cleanse.document import Document
from cleanse.input_origin import Origin
from cleanse.jsonl_input import read_jsonl
from cleanse.record_documents import ReadConfig

CONFIG = DedupConfig(level="document")
# What the JSONL reader leaves out of its quick path: a \u escape or an escaped slash.
UNUSUAL = re.compile(r"\\[u/]")
TRICKY = [
    'He said "stop" \\ then\nleft;\ttab\r\n\b\f end',
    "a\\nb is not a line break, \\\\ two backslashes, \\t",
    'quote at the end"',
    "\\",
    "Straße ﬁnale café CAFÉ cafe\u0301 — l\u2019été, 1_2, naïve déjà-vu!",
    "日本語のテキストです。\nこれは重複の検出のための文です。",
    'short "one"',
    "\n\n\n",
    'x\\"y\\\\"z',
]


def body(text: str) -> memoryview:
    """The bytes between the quotes of the JSON string json_line writes for `text`."""
    return memoryview(json.dumps(text, ensure_ascii=False).encode()[1:-1])


def assert_same_shingles(texts: list[str]) -> None:
    plain = sig.shingle_batch(texts, CONFIG)
    escaped = sig.shingle_batch([body(t) for t in texts], CONFIG)
    for name in ("values", "offsets", "exact", "words", "is_char"):
        np.testing.assert_array_equal(getattr(plain, name), getattr(escaped, name), err_msg=name)
    mixed = sig.shingle_batch([body(t) if k % 2 else t for k, t in enumerate(texts)], CONFIG)
    np.testing.assert_array_equal(plain.values, mixed.values)
    reference = sig.shingle_batch([body(t) for t in texts], CONFIG, use_numba=False)
    np.testing.assert_array_equal(plain.values, reference.values)


def test_the_kernel_reads_a_json_string_as_its_text() -> None:
    assert all(not UNUSUAL.search(json.dumps(t, ensure_ascii=False)) for t in TRICKY)
    assert_same_shingles(TRICKY)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from('ab É日\\"\n\t\r\x08\x0c.'), max_size=40), min_size=1)
)
def test_any_text_without_unusual_escapes_gives_the_same_shingles(texts: list[str]) -> None:
    texts = [t for t in texts if not UNUSUAL.search(json.dumps(t, ensure_ascii=False))]
    if texts:
        assert_same_shingles(texts)


def read(lines: list[str]) -> list[Document]:
    data = io.BytesIO("".join(lines).encode())
    docs = list(read_jsonl(data, Origin("in.jsonl", "in.jsonl"), ReadConfig()))
    assert all(isinstance(d, Document) for d in docs)
    return docs  # type: ignore[return-value]


def line(doc_id: str, text: str) -> str:
    return json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n"


def test_only_unchanged_json_line_documents_without_markup_come_escaped() -> None:
    texts = ['plain "words"\nand more', "a [link](https://x.org) here", "<https://x.org> link"]
    docs = read([line(str(k), t) for k, t in enumerate(texts)] + ['{"text":"no spaces"}\n'])
    got = [escaped_text(d) for d in docs]
    assert isinstance(got[0], EscapedText) and got[1:] == [None, None, None]
    assert got[0].body.tobytes() == json.dumps(texts[0], ensure_ascii=False)[1:-1].encode()
    assert list(got[0]) == [texts[0]] and got[0].chars == len(texts[0]) and len(got[0]) == 1
    assert pickle.loads(pickle.dumps(got[0])) == [texts[0]]  # a plain list in a worker
    changed = docs[0].evolve(lines=(*docs[0].lines, "one more"), line_numbers=())
    assert escaped_text(changed) is None
    assert escaped_text(Document.from_text("d", texts[0])) is None


def test_decisions_are_the_same_from_bytes_and_from_text(monkeypatch: pytest.MonkeyPatch) -> None:
    base = "the same words of a whole document repeated make it a duplicate of the first one"
    texts = [base, base + ' "again"', "something else entirely, with\ttabs\nand lines", base]
    docs = read([line(str(k), t) for k, t in enumerate(texts)])
    assert all(escaped_text(d) is not None for d in docs)
    out, result = deduplicate(docs, CONFIG)
    monkeypatch.setattr(documents, "escaped_text", lambda doc: None)
    joined_out, joined = deduplicate(docs, CONFIG)
    assert result.documents == joined.documents and len(result.documents) == 2
    assert [d.audit() for d in out] == [d.audit() for d in joined_out]
