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
    """
    roots = np.flatnonzero(stored == 0)
    order = np.argsort(exact[roots], kind="stable")
    by_hash, first = exact[roots][order], roots[order]
    targets = np.full(len(exact), KEPT, dtype=np.int64)
    near = np.flatnonzero(stored != 0)
    at = np.searchsorted(by_hash, stored[near])
    found = at < len(by_hash)
    found[found] = by_hash[at[found]] == stored[near][found]
    targets[near[found]] = first[at[found]]
    return targets


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
