"""Signatures and verification share one hashing pass: the sets kept beside the signatures are
exactly the sets verification used to compute again, and a run with an index hashes each text
once."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cleanse.dedup import DedupConfig, DuplicateIndex, find_duplicates, stream
from cleanse.dedup import signatures as sig

from .conftest import random_text

CONFIG = DedupConfig()


@pytest.mark.parametrize("window", [stream.WINDOW_CHARS, 300])
def test_sets_from_signing_equal_shingle_sets(monkeypatch, window) -> None:
    # A small window makes long texts span several windows, whose sets are united.
    monkeypatch.setattr(stream, "WINDOW_CHARS", window)
    monkeypatch.setattr(sig, "split_windows", lambda texts, n: stream.split_windows(texts, n, window))
    texts = [random_text(random.Random(seed), words) for seed, words in enumerate([0, 3, 12, 40, 400, 2000])]
    texts += ["", "!!! ???", texts[4], "日本語の文章です。" * 30]
    shingled, _ = sig.sign_texts(texts, CONFIG, with_sets=True)
    values, offsets = sig.shingle_sets(texts, CONFIG)
    assert shingled.set_offsets is not None
    np.testing.assert_array_equal(shingled.set_offsets, offsets)
    np.testing.assert_array_equal(shingled.values, values)


def test_a_run_with_an_index_hashes_each_text_once(tmp_path, monkeypatch) -> None:
    base = [random_text(random.Random(seed), 300) for seed in range(30)]
    docs = [(f"d{i}", [t]) for i, t in enumerate(base)]
    docs += [(f"copy{i}", [t.replace(" ", "  ", 3) + " fin"]) for i, t in enumerate(base[:10])]
    expected = find_duplicates(docs, CONFIG, DuplicateIndex.open(tmp_path / "a", CONFIG))
    calls = []
    real = sig.shingle_sets
    monkeypatch.setattr(sig, "shingle_sets", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = find_duplicates(docs, CONFIG, DuplicateIndex.open(tmp_path / "b", CONFIG))
    assert calls == []  # verification and the index read the sets kept from signing
    assert len(result.documents) == 10
    assert result.documents == expected.documents and result.paragraphs == expected.paragraphs
