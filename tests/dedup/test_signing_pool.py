"""Signing workers kept for a run (cleanse.dedup.signing_pool) give the rows `workers.sign_all`
gives over workers forked for the call, field by field (dtypes too), for paragraphs and for
documents sent as the bytes of their JSON strings; a worker's error reaches `result()`; `close`
ends the workers."""

from __future__ import annotations

import io
import json
import multiprocessing
import pickle

import numpy as np
import pytest

from cleanse.dedup import DedupConfig, signing_pool, workers
from cleanse.dedup.escaped import EscapedText, escaped_text
from cleanse.dedup.signing_pool import SigningPool
from cleanse.dedup.workers import SentEscaped, Signed, sign_all
from cleanse.document import Document
from cleanse.input_origin import Origin
from cleanse.jsonl_input import read_jsonl
from cleanse.record_documents import ReadConfig

WORDS = "one two three four five six seven eight nine ten eleven twelve thirteen".split()


def _texts(n: int) -> list[str]:
    return [
        f"{' '.join(WORDS[: 6 + i % 7])} {i % 4}\n\nHe said \"stop\" \\ then\tleft, copy {i % 5}"
        for i in range(n)
    ]


def _escaped_docs(texts: list[str]) -> list[tuple[str, EscapedText]]:
    lines = "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    read = read_jsonl(io.BytesIO(lines.encode()), Origin("in.jsonl", "in.jsonl"), ReadConfig())
    docs = [d for d in read if isinstance(d, Document)]
    escaped = [escaped_text(d) for d in docs]
    assert all(e is not None for e in escaped)
    return [(d.id, e) for d, e in zip(docs, escaped, strict=True) if e is not None]


def _assert_same(got: Signed, expected: Signed) -> None:
    for name in Signed.__slots__:
        a, b = getattr(got, name), getattr(expected, name)
        if b is None:
            assert a is None, name
        elif isinstance(b, tuple):  # CSR sets
            for x, y in zip(a, b, strict=True):
                np.testing.assert_array_equal(x, y, err_msg=name)
        else:
            assert a.dtype == b.dtype, name
            np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "CHUNK_CHARS", 400)  # many chunks: a batch spans both workers
    started = SigningPool(2)
    yield started
    started.close()


@pytest.mark.parametrize("keep_sigs", [True, False])
def test_rows_are_those_sign_all_gives(pool: SigningPool, keep_sigs: bool) -> None:
    config = DedupConfig()
    docs = [(f"d{i}", t.split("\n\n")) for i, t in enumerate(_texts(40))]
    signing = pool.start(docs, config, keep_sigs)
    _assert_same(signing.result(), sign_all(docs, config, keep_sigs, 2))
    assert signing.ready()


def test_documents_sent_as_their_json_bytes_sign_as_they_do_here(pool: SigningPool) -> None:
    config = DedupConfig(level="document")
    docs = _escaped_docs(_texts(30))
    first = pool.start(docs, config, True)
    second = pool.start(docs[:7], config, True)  # two batches under way at once
    _assert_same(second.result(), sign_all(docs[:7], config, True, 2))
    _assert_same(first.result(), sign_all(docs, config, True, 2))


def test_a_document_sent_as_its_json_bytes_reads_as_its_text() -> None:
    (_, escaped), *_ = _escaped_docs(_texts(1))
    sent = pickle.loads(pickle.dumps(workers.sendable(escaped)))
    assert isinstance(sent, SentEscaped)
    assert (len(sent), sent[0], list(sent), sent.chars) == (1, escaped[0], [escaped[0]], escaped.chars)


def test_a_workers_error_is_raised_by_result(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(task: object) -> Signed:
        msg = "signing failed"
        raise RuntimeError(msg)

    monkeypatch.setattr(signing_pool, "sign_chunk", broken)  # before the fork: workers have it
    pool = SigningPool(2)
    try:
        signing = pool.start([("a", ["some words here"])], DedupConfig(), False)
        with pytest.raises(RuntimeError, match="signing failed"):
            signing.result()
    finally:
        pool.close()


def test_close_ends_the_workers() -> None:
    before = set(multiprocessing.active_children())
    pool = SigningPool(2)
    started = set(multiprocessing.active_children()) - before
    assert len(started) == 2
    pool.close()
    pool.close()  # twice: nothing more
    assert not any(p.is_alive() for p in started)
    assert set(multiprocessing.active_children()) <= before
