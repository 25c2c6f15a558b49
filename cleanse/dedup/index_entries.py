"""The index's entries in memory: merging queued parts into one segment's arrays, growing the
arrays read from segments in place, and resolving each near duplicate's root by its exact hash."""

from __future__ import annotations

from typing import Any

import numpy as np

KEPT = -1  # entries(): the target of an entry that is its cluster's root (the kept item)


def append_rows(state: list[Any], slot: int, parts: list[np.ndarray]) -> None:
    """Append `parts` to the array `state[slot]` along its first axis.

    In place (realloc, which on Linux moves a large block's pages instead of copying them) when
    nothing but `state` refers to the array, so that the index's in-memory arrays, which grow at
    every batch, are not held twice while they grow; else as a new array.
    """
    start = len(state[slot])
    total = start + sum(len(part) for part in parts)
    try:
        state[slot].resize((total, *state[slot].shape[1:]), refcheck=True)
    except ValueError:  # a caller still holds the array (or a view of it): copy instead
        state[slot] = np.concatenate([state[slot], *parts])
        return
    for part in parts:
        state[slot][start : start + len(part)] = part
        start += len(part)


def resolve_targets(exact: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """Entry number of each entry's root (KEPT for a root), from the roots' exact hashes.

    A root is found by its exact hash among the roots (the first, if two runs that did not see
    each other both kept the same text); a root that is not there (never expected) leaves its
    near duplicate standing alone, as a root, which is what an index without targets did.

    >>> resolve_targets(np.array([5, 7, 9, 7], np.uint64), np.array([0, 0, 7, 0], np.uint64))
    array([-1, -1,  1, -1])
    """
    return extend_targets(exact, stored, np.zeros(0, np.int64))


def extend_targets(exact: np.ndarray, stored: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """`resolve_targets` of entries whose first `len(targets)` were resolved before (`targets`):
    only the entries after them, and the earlier near duplicates whose root was not found, are
    looked up. An earlier target stays: the root it names is the first with its hash, and later
    entries come after it. The roots are not sorted, only the hashes looked for, so a batch that
    adds a segment to a large index costs a pass over its roots, not a sort of them.

    >>> extend_targets(np.array([5, 7, 9, 7], np.uint64), np.array([0, 9, 0, 7], np.uint64),
    ...                np.array([-1, -1]))
    array([-1,  2, -1, -1])
    """
    out = np.full(len(exact), KEPT, dtype=np.int64)
    out[: len(targets)] = targets
    ask = np.flatnonzero(stored != 0)
    ask = ask[(ask >= len(targets)) | (out[ask] == KEPT)]
    if not len(ask):
        return out
    wanted = np.unique(stored[ask])  # sorted, distinct
    roots = np.flatnonzero(stored == 0)  # ascending: the first of equal hashes comes first
    at = np.minimum(np.searchsorted(wanted, exact[roots]), len(wanted) - 1)
    hit = wanted[at] == exact[roots]
    found, first = np.unique(at[hit], return_index=True)
    root_of = np.full(len(wanted), KEPT, dtype=np.int64)
    root_of[found] = roots[hit][first]
    out[ask] = root_of[np.searchsorted(wanted, stored[ask])]
    return out


def merge_parts(
    parts: list[dict[str, np.ndarray]], bands: int, num_perm: int
) -> dict[str, np.ndarray]:
    if not parts:
        empty = {name: np.zeros(0, np.uint64) for name in ("exact",)}
        return {
            **empty,
            "keys": np.zeros((0, bands), np.uint64),
            "sigs": np.zeros((0, num_perm), np.uint32),
            "para": np.zeros(0, np.int32),
            "target": np.zeros(0, np.uint64),
            "ids": np.zeros(0, np.uint8),
            "idoff": np.zeros(1, np.int64),
            "sets": np.zeros(0, np.uint32),
            "setoff": np.zeros(1, np.int64),
        }
    if len(parts) == 1 and parts[0]["idoff"][0] == 0 and parts[0]["setoff"][0] == 0:
        return parts[0]  # a job commits once per batch: its arrays are saved, not copied first
    out = {
        name: np.concatenate([p[name] for p in parts])
        for name in ("exact", "keys", "sigs", "para", "target", "ids", "sets")
    }
    for name in ("idoff", "setoff"):
        shifted, base = [np.zeros(1, np.int64)], 0
        for p in parts:
            shifted.append(p[name][1:] + base)
            base += int(p[name][-1])
        out[name] = np.concatenate(shifted)
    return out
