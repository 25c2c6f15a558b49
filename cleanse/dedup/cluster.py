"""From band keys to decisions: group by key, verify edges, connected components, keep policy.

Each step is a pure function of arrays indexed by item number (items in first-seen order), so a
distributed engine can run the same stages and get the same clusters. Items below `n_fixed`
come from a persistent index: they were published earlier and are never removed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cleanse.dedup.jit import unlocked_kernel
from cleanse.dedup.keep_plan import neighbours, walk


@unlocked_kernel
def _bucket_pairs(skeys, order, max_bucket, n_fixed):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
    """Pairs (i < j) of items sharing a key; buckets above max_bucket link only near neighbours."""
    n = skeys.shape[0]
    total = 0
    start = 0
    for stage in range(2):
        if stage == 1:
            out = np.empty((total, 2), dtype=np.int64)
        pos = 0
        start = 0
        while start < n:
            end = start + 1
            while end < n and skeys[end] == skeys[start]:
                end += 1
            size = end - start
            for x in range(start, end):
                reach = end if size <= max_bucket else min(end, x + 1 + max_bucket // 2)
                for y in range(x + 1, reach):
                    i = order[x]
                    j = order[y]
                    if i >= n_fixed or j >= n_fixed:
                        if stage == 1:
                            out[pos, 0] = min(i, j)
                            out[pos, 1] = max(i, j)
                        pos += 1
            start = end
        if stage == 0:
            total = pos
    return out


@unlocked_kernel
def _sharing_fixed(fixed, fixed_items, new, new_rows, bits):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
    """Per band, the items of `fixed_items` whose key in that band may be a key of `new_rows`:
    (items, where each band's start: int64[bands + 1]). A bitmap of the new rows' keys, 2**bits
    bits over (band, key), says which: every item sharing a key is found, and a few others
    (whose bit another key set)."""
    bands = fixed.shape[1]
    mask = np.uint64((1 << bits) - 1)
    spread = np.uint64(0x9E3779B9)  # each band's keys xor a multiple of it: their own slots
    words = np.zeros((1 << bits) // 64, np.uint64)
    for r in range(new_rows.shape[0]):
        for b in range(bands):
            slot = (np.uint64(new[new_rows[r], b]) ^ (np.uint64(b) * spread)) & mask
            words[slot >> np.uint64(6)] |= np.uint64(1) << (slot & np.uint64(63))
    starts = np.zeros(bands + 1, np.int64)
    hit = np.zeros(fixed_items.shape[0], np.uint64)  # the bands whose key of an item may be shared
    for x in range(fixed_items.shape[0]):
        item = fixed_items[x]
        for b in range(bands):
            slot = (np.uint64(fixed[item, b]) ^ (np.uint64(b) * spread)) & mask
            if (words[slot >> np.uint64(6)] >> (slot & np.uint64(63))) & np.uint64(1):
                hit[x] |= np.uint64(1) << np.uint64(b)
                starts[b + 1] += 1
    for b in range(bands):
        starts[b + 1] += starts[b]
    out = np.empty(starts[bands], np.int64)
    at = starts[:bands].copy()
    for x in range(fixed_items.shape[0]):
        if hit[x]:
            for b in range(bands):
                if (hit[x] >> np.uint64(b)) & np.uint64(1):
                    out[at[b]] = fixed_items[x]
                    at[b] += 1
    return out, starts


def short_keys(keys: np.ndarray) -> np.ndarray:
    """The high 32 bits of 64-bit band keys: what grouping compares (see BandKeys)."""
    return (keys >> np.uint64(32)).astype(np.uint32)


@dataclass(frozen=True, slots=True)
class BandKeys:
    """32-bit band keys of items 0..n-1: index entries (`fixed`, first), then this batch's (`new`).

    Held apart so that settling a batch never copies the index's keys. 32 bits per band keep an
    index entry at 108 bytes; two unrelated keys meet with odds of about n / 2**32 per band, and
    such a pair is only a candidate, which exact Jaccard then rejects.
    """

    fixed: np.ndarray
    new: np.ndarray

    def column(self, items: np.ndarray, band: int) -> np.ndarray:
        """Keys of `items` (ascending item numbers) in one band, as uint64."""
        cut = int(np.searchsorted(items, len(self.fixed)))
        out = np.empty(len(items), np.uint64)  # one array; the 32-bit pieces are copied in
        out[:cut] = self.fixed[items[:cut], band]
        out[cut:] = self.new[items[cut:] - len(self.fixed), band]
        return out


def candidate_pairs(
    keys: np.ndarray | BandKeys, items: np.ndarray, n_fixed: int, max_bucket: int
) -> np.ndarray:
    """Distinct candidate pairs among `items` (item numbers, ascending), sorted, int64[M, 2].

    Group by (band, key): any shared band key makes a candidate. Pairs of two index items are
    skipped; they were settled in an earlier run. `keys` is a BandKeys, or a uint64[n, bands]
    array of full keys (only their high halves are compared).
    """
    if not isinstance(keys, BandKeys):
        keys = BandKeys(np.zeros((0, keys.shape[1]), np.uint32), short_keys(keys))
    found = []
    # Sort (key << 32 | item) instead of argsorting keys: about twice as fast.
    low = np.uint64(0xFFFFFFFF)
    sharing = _index_items_sharing(keys, items, n_fixed)
    for band in range(keys.new.shape[1]):
        # Only the index items that may share this band's key with one of this batch's: a
        # bucket without any of this batch's items makes no pair, and a bucket with one keeps
        # all its items (the neighbours of a large bucket are the same).
        some = items if sharing is None else np.concatenate([sharing[band], sharing[-1]])
        numbers = some.astype(np.uint64)
        # In place: two arrays over the items at a time, not five (the index's items are many).
        packed = keys.column(some, band)
        packed <<= np.uint64(32)
        packed |= numbers
        packed.sort()
        order = (packed & low).view(np.int64)  # item numbers, below 2**32
        packed &= ~low
        pairs = _bucket_pairs(packed, order, max_bucket, n_fixed)
        del packed, order
        if len(pairs):
            found.append(pairs)
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    # One number per pair, (i << 32 | j) (item numbers are below 2**32), sorted as the pairs
    # are, by i then j, and the repeats dropped: a tenth of `np.unique` over rows, and of
    # `np.unique` over the numbers (numpy 2.4 hashes them, slowly, when given no other return).
    both = np.concatenate(found)
    del found
    joined = both[:, 0].astype(np.uint64)
    joined <<= np.uint64(32)
    joined |= both[:, 1].astype(np.uint64)
    del both
    joined.sort()
    first = np.ones(len(joined), dtype=np.bool_)
    np.not_equal(joined[1:], joined[:-1], out=first[1:])
    joined = joined[first]
    out = np.empty((len(joined), 2), dtype=np.int64)
    out[:, 0] = joined >> np.uint64(32)
    out[:, 1] = joined & low
    return out


def _index_items_sharing(
    keys: BandKeys, items: np.ndarray, n_fixed: int
) -> list[np.ndarray] | None:
    """Per band, the index items among `items` that may share that band's key with one of this
    batch's items, then (last) this batch's items; None to group all `items` in every band
    (no index items, or items of the batch that pairs skip as if they were the index's)."""
    cut = int(np.searchsorted(items, len(keys.fixed)))
    if cut == 0 or n_fixed < len(keys.fixed) or keys.new.shape[1] > 64:  # 64: bands in a mask
        return None
    new = items[cut:]
    size = len(new) * keys.new.shape[1] * 16  # 16 bits a key: about one index key in 16 passes
    bits = min(max(int(size - 1).bit_length(), 16), 27)  # at most 16 MB
    hits, starts = _sharing_fixed(keys.fixed, items[:cut], keys.new, new - len(keys.fixed), bits)
    bounds = starts.tolist()
    return [hits[a:b] for a, b in itertools.pairwise(bounds)] + [new]


@unlocked_kernel
def _jaccards(values, offs, left, right):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
    out = np.empty(left.shape[0], dtype=np.float64)
    for k in range(left.shape[0]):
        i0, i1 = offs[left[k]], offs[left[k] + 1]
        j0, j1 = offs[right[k]], offs[right[k] + 1]
        inter = 0
        while i0 < i1 and j0 < j1:
            if values[i0] == values[j0]:
                inter += 1
                i0 += 1
                j0 += 1
            elif values[i0] < values[j0]:
                i0 += 1
            else:
                j0 += 1
        union = (offs[left[k] + 1] - offs[left[k]]) + (offs[right[k] + 1] - offs[right[k]]) - inter
        out[k] = inter / union if union > 0 else 1.0
    return out


SetsFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def exact_jaccard(pairs: np.ndarray, sets: SetsFn) -> np.ndarray:
    """Exact Jaccard of each pair's shingle sets; `sets(items)` returns their CSR sets."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    items, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(pairs.shape)
    values, offs = sets(items)
    out: np.ndarray = _jaccards(values, offs, local[:, 0].copy(), local[:, 1].copy())
    return out


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Label of each item's connected component: the smallest item number in it.

    >>> components(5, np.array([[3, 1], [4, 3]])).tolist()
    [0, 1, 2, 1, 1]
    """
    out: np.ndarray = _components(n, np.asarray(edges, np.int64).reshape(-1, 2))
    return out


@unlocked_kernel
def _components(n, edges):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
    parent = np.arange(n)
    for k in range(edges.shape[0]):
        ri, rj = edges[k, 0], edges[k, 1]
        while parent[ri] != ri:
            ri = parent[ri]
        while parent[rj] != rj:
            rj = parent[rj]
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)  # the smaller number wins: order-independent
        for x in (edges[k, 0], edges[k, 1]):  # path compression
            while parent[x] != x:
                parent[x], x = (ri if ri < rj else rj), parent[x]
    for x in range(n):  # a parent is always a smaller number: one pass, ascending
        parent[x] = parent[parent[x]]
    return parent


@dataclass(frozen=True, slots=True)
class Removal:
    """One item to remove: the item it duplicates, their similarity, how it was found."""

    item: int
    target: int
    similarity: float
    kind: str  # "exact" or "near"
    kept: int  # the cluster's kept item, or its first item under keep="none"


def resolve(
    labels: np.ndarray,
    edges: np.ndarray,
    weights: np.ndarray,
    exact: np.ndarray,
    lengths: np.ndarray,
    n_fixed: int,
    keep: str,
    threshold: float,
    sets: SetsFn,
    fixed_roots: np.ndarray | None = None,
) -> list[Removal]:
    """Apply the keep policy to each component and name, for each removed item, what it duplicates.

    The target is the kept item (the first item under keep="none") when their own Jaccard reaches
    the threshold, as it usually does; otherwise the item's parent in a breadth-first tree of
    verified edges grown from the kept item. So every reported similarity is at least the
    threshold, and following duplicate_of links always leads to the kept item. A component with
    index items keeps the first of them that was its own cluster's root (`fixed_roots`, a mask
    over the n_fixed index items; all by default), not a near duplicate an earlier batch removed.
    """
    n = len(labels)
    movers = np.flatnonzero(labels != np.arange(n))
    if not len(movers):
        return []
    # Components in the order of their first item after the label, each one's items ascending.
    of_mover = labels[movers]
    roots, first = np.unique(of_mover, return_index=True)
    place = np.empty(len(roots), np.int64)
    place[np.argsort(first, kind="stable")] = np.arange(len(roots))
    items = np.concatenate([movers, roots])
    group = np.concatenate([place[np.searchsorted(roots, of_mover)], place])
    members = items[np.lexsort((items, group))]
    group_starts = np.zeros(len(roots) + 1, np.int64)
    np.cumsum(np.bincount(group, minlength=len(roots)), out=group_starts[1:])
    edges = np.asarray(edges, np.int64).reshape(-1, 2)
    lengths = np.asarray(lengths, np.int64)
    starts, adjacent, adjacent_w = neighbours(
        edges, np.asarray(weights, np.float64), lengths, n, n_fixed, keep == "longest"
    )
    index_roots = np.ones(n_fixed, np.bool_) if fixed_roots is None else fixed_roots[:n_fixed]
    item, root, up, w = walk(
        group_starts, members, starts, adjacent, adjacent_w, n_fixed,
        np.asarray(index_roots, np.bool_), lengths, keep == "longest", keep == "none",
    )  # fmt: skip
    moved = item != root
    same_as_root = exact[item] == exact[root]
    direct = moved & ~same_as_root
    sims = np.zeros(len(item))
    sims[direct] = exact_jaccard(np.stack([item[direct], root[direct]], axis=1), sets)
    same_as_up = (exact[item] == exact[up]).tolist()
    out = []
    for m, r, u, weight, sim, moves, same, same_up in zip(
        item.tolist(), root.tolist(), up.tolist(), w.tolist(), sims.tolist(),
        moved.tolist(), same_as_root.tolist(), same_as_up, strict=True,
    ):  # fmt: skip
        if moves and same:
            out.append(Removal(m, r, 1.0, "exact", r))
        elif moves and sim >= threshold:
            out.append(Removal(m, r, sim, "near", r))
        elif same_up:
            out.append(Removal(m, u, 1.0, "exact", r))
        else:
            out.append(Removal(m, u, weight, "near", r))
    return out
