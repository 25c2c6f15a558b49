"""Settling a batch reads and groups less, and decides the same: the index's entries read by
ranges, candidate pairs grouped without the index items no key of the batch can meet."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from cleanse.dedup import DedupConfig, DuplicateIndex, cluster, find_duplicates
from cleanse.dedup.cluster import BandKeys, candidate_pairs
from cleanse.dedup.index_files import read_ranges
from tests.dedup.conftest import random_text


@pytest.mark.parametrize("gap", [0, 3, 1000])
def test_read_ranges_gives_each_range_in_order(gap: int) -> None:
    rng = np.random.default_rng(gap)
    data = rng.integers(0, 1000, 500)
    starts = rng.integers(0, 480, 60)
    stops = starts + rng.integers(0, 20, 60)  # empty ranges, overlapping ones, repeats
    calls: list[tuple[int, int]] = []

    def read(a: int, b: int) -> np.ndarray:
        calls.append((a, b))
        return data[a:b]

    values, offsets = read_ranges(read, starts, stops, gap)
    expected = [data[a:b] for a, b in zip(starts, stops, strict=True)]
    assert np.array_equal(values, np.concatenate(expected))
    assert offsets.tolist() == [0, *np.cumsum([len(e) for e in expected]).tolist()]
    assert calls == sorted(calls) and len(calls) <= len(starts)  # runs, in file order
    if gap == 1000:
        assert len(calls) == 1


def _planted_keys(rng: np.random.Generator, n_fixed: int, n_new: int, spread: int) -> BandKeys:
    fixed = rng.integers(0, spread, (n_fixed, 9)).astype(np.uint32)
    new = rng.integers(0, spread, (n_new, 9)).astype(np.uint32)
    new[: n_new // 3] = fixed[rng.integers(0, n_fixed, n_new // 3)]  # copies of index items
    return BandKeys(fixed, new)


@pytest.mark.parametrize(("spread", "max_bucket"), [(2**32, 64), (40, 4), (400, 8)])
def test_candidate_pairs_skip_only_index_items_no_batch_key_meets(
    monkeypatch: pytest.MonkeyPatch, spread: int, max_bucket: int
) -> None:
    rng = np.random.default_rng(spread)
    keys = _planted_keys(rng, 3000, 900, spread)
    items = np.sort(rng.choice(3900, 3500, replace=False))  # representatives of exact groups
    pairs = candidate_pairs(keys, items, 3000, max_bucket)
    monkeypatch.setattr(cluster, "_index_items_sharing", lambda *args: None)  # group them all
    assert np.array_equal(pairs, candidate_pairs(keys, items, 3000, max_bucket))
    assert len(pairs)


def test_entries_read_by_ranges_are_each_entrys_own(tmp_path: Path) -> None:
    rng = random.Random(5)
    config = DedupConfig()
    index = DuplicateIndex.open(tmp_path / "idx", config)
    for batch in range(3):  # three segments
        docs = [(f"b{batch}-{k}", [random_text(rng, 30), random_text(rng, 12)]) for k in range(15)]
        find_duplicates(docs, config, index=index)
    n = index.count("paragraph")
    items = np.array([*rng.sample(range(n), 40), 0, n - 1, 5, 5], np.int64)  # any order, repeats
    values, offsets = index.sets("paragraph", items)
    names = index.describe_many("paragraph", items)
    whole = []  # every entry as the segment files hold it, read whole
    for segment in index.segments:
        load = lambda name: np.load(tmp_path / "idx" / segment / f"paragraph.{name}.npy")  # noqa: B023
        sets, setoff, ids, idoff, para = map(load, ("sets", "setoff", "ids", "idoff", "para"))
        for e in range(len(para)):
            name = ids[idoff[e] : idoff[e + 1]].tobytes().decode()
            whole.append((sets[setoff[e] : setoff[e + 1]], (name, int(para[e]))))
    assert len(whole) == n
    for k, item in enumerate(items.tolist()):
        assert np.array_equal(values[offsets[k] : offsets[k + 1]], whole[item][0])
        assert names[k] == whole[item][1] == index.describe("paragraph", item)
    assert index.describe_many("document", np.zeros(0, np.int64)) == []
