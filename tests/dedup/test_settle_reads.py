"""Settling a batch reads and groups less, and decides the same: the index's entries read by
ranges, candidate pairs grouped without the index items no key of the batch can meet."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from cleanse.dedup import DedupConfig, DuplicateIndex, cluster, find_duplicates, index_entries
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


def _resolve_item_by_item(
    labels, edges, weights, exact, lengths, n_fixed, keep, threshold, sets, fixed_roots
):  # type: ignore[no-untyped-def]
    """The keep policy as it was written before it ran on arrays (main at 9346b9e): the reference."""
    members: dict[int, list[int]] = {}
    for item in np.flatnonzero(labels != np.arange(len(labels))).tolist():
        members.setdefault(int(labels[item]), [int(labels[item])]).append(item)
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for (i, j), w in zip(edges.tolist(), weights.tolist(), strict=True):
        neighbours.setdefault(i, []).append((j, w))
        neighbours.setdefault(j, []).append((i, w))
    rank = lambda item: (
        0 if item < n_fixed else 1,
        -int(lengths[item]) if keep == "longest" else 0,
        item,
    )
    for adjacent in neighbours.values():
        adjacent.sort(key=lambda nw: rank(nw[0]))
    plan = []
    for group in members.values():
        group.sort()
        roots = [m for m in group if m < n_fixed and fixed_roots[m]]
        root = (
            roots[0]
            if roots
            else (group[0] if group[0] < n_fixed or keep != "longest" else min(group, key=rank))
        )
        parent = {root: (-1, 0.0)}
        queue = [root]
        for node in queue:
            for other, w in neighbours[node]:
                if other not in parent:
                    parent[other] = (node, w)
                    queue.append(other)
        for m in [m for m in group if m >= n_fixed and (m != root or keep == "none")]:
            up, w = parent[m] if m != root else neighbours[m][0]
            plan.append((m, root, up, w))
    direct = np.array(
        [(m, r) for m, r, _, _ in plan if m != r and exact[m] != exact[r]], np.int64
    ).reshape(-1, 2)
    sims = dict(
        zip(map(tuple, direct.tolist()), cluster.exact_jaccard(direct, sets).tolist(), strict=True)
    )
    out = []
    for m, root, up, w in plan:
        if m != root and exact[m] == exact[root]:
            out.append(cluster.Removal(m, root, 1.0, "exact", root))
        elif m != root and sims[(m, root)] >= threshold:
            out.append(cluster.Removal(m, root, sims[(m, root)], "near", root))
        else:
            kind = "exact" if exact[m] == exact[up] else "near"
            out.append(cluster.Removal(m, up, 1.0 if kind == "exact" else w, kind, root))
    return out


@pytest.mark.parametrize("keep", ["first", "longest", "none"])
@pytest.mark.parametrize("seed", range(4))
def test_keep_policy_on_arrays_decides_as_item_by_item(keep: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, n_fixed = 300, 60 * (seed % 2)
    edges = np.unique(np.sort(rng.integers(0, n, (260, 2)), axis=1), axis=0)
    edges = edges[(edges[:, 0] != edges[:, 1]) & (edges[:, 1] >= n_fixed)]
    edges = edges[rng.permutation(len(edges))]  # the order of the edges breaks no tie but theirs
    weights = rng.choice([1.0, 0.8, 0.85, 0.9, 0.0], len(edges))
    exact = rng.integers(0, 40, n).astype(np.uint64)  # exact copies, within and across clusters
    lengths = rng.integers(1, 6, n)  # many equal lengths
    fixed_roots = rng.random(n_fixed) < 0.7
    labels = cluster.components(n, edges)
    shingles = [np.unique(rng.integers(0, 30, 12)).astype(np.uint32) for _ in range(n)]

    def sets(items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        chosen = [shingles[i] for i in items.tolist()]
        offsets = np.zeros(len(chosen) + 1, np.int64)
        np.cumsum([len(c) for c in chosen], out=offsets[1:])
        return np.concatenate(chosen), offsets

    args = (labels, edges, weights, exact, lengths, n_fixed, keep, 0.5, sets, fixed_roots)
    expected = _resolve_item_by_item(*args)
    assert cluster.resolve(*args) == expected
    assert len(expected) > 20


def test_components_label_each_item_with_the_smallest_of_its_component() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 120))
        edges = rng.integers(0, n, (int(rng.integers(0, 150)), 2))
        labels = cluster.components(n, edges)
        expected = np.arange(n)
        for _ in range(n):  # the smallest label of any neighbour, until nothing changes
            for i, j in edges.tolist():
                expected[i] = expected[j] = min(expected[i], expected[j])
        assert np.array_equal(labels, expected)


def test_targets_extended_segment_by_segment_are_those_resolved_at_once() -> None:
    rng = np.random.default_rng(11)
    exact = rng.integers(1, 60, 400).astype(np.uint64)  # equal hashes: roots kept twice
    stored = np.where(rng.random(400) < 0.4, rng.integers(1, 70, 400), 0).astype(np.uint64)
    targets = np.zeros(0, np.int64)
    for end in (0, 1, 40, 41, 180, 400):  # segments of every size, one empty
        targets = index_entries.extend_targets(exact[:end], stored[:end], targets)
        assert np.array_equal(targets, _resolved_by_sorting(exact[:end], stored[:end]))
    assert (targets >= 0).sum() > 50 and (targets[stored != 0] == index_entries.KEPT).any()


def _resolved_by_sorting(exact: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """Targets as main at 9346b9e resolved them, every root sorted by its hash: the reference."""
    roots = np.flatnonzero(stored == 0)
    order = np.argsort(exact[roots], kind="stable")
    by_hash, first = exact[roots][order], roots[order]
    targets = np.full(len(exact), index_entries.KEPT, dtype=np.int64)
    near = np.flatnonzero(stored != 0)
    at = np.searchsorted(by_hash, stored[near])
    found = at < len(by_hash)
    found[found] = by_hash[at[found]] == stored[near][found]
    targets[near[found]] = first[at[found]]
    return targets
