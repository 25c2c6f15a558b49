"""The keep policy's walk over each component, on arrays: which item is kept, and through which
verified edge each other item is reached (`cluster.resolve` names the removals from it).

Each item's neighbours are listed in policy order (index items first, then the longest under
keep="longest", then by item number; ties in the order of the edges), and each component is
walked breadth first from the item it keeps: an item's tree parent is the first item that
reaches it. One compiled pass instead of a dict of lists per item.
"""

from __future__ import annotations

import numpy as np

from cleanse.dedup.jit import unlocked_kernel


def neighbours(
    edges: np.ndarray, weights: np.ndarray, lengths: np.ndarray, n: int, n_fixed: int, longest: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each item's neighbours in policy order, as CSR: (starts int64[n + 1], items, weights)."""
    count = len(edges)
    source = np.concatenate([edges[:, 0], edges[:, 1]])
    other = np.concatenate([edges[:, 1], edges[:, 0]])
    order = np.tile(np.arange(count), 2)  # each edge is listed by both ends, in edge order
    size = -lengths[other] if longest else np.zeros(len(other), np.int64)
    index_first = (other >= n_fixed).astype(np.int8)
    by = np.lexsort((order, other, size, index_first, source))
    starts = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=starts[1:])
    return starts, other[by], np.tile(weights, 2)[by]


@unlocked_kernel
def walk(  # type: ignore[no-untyped-def]  # noqa: ANN201
    group_starts,  # noqa: ANN001
    members,  # noqa: ANN001
    starts,  # noqa: ANN001
    adjacent,  # noqa: ANN001
    adjacent_w,  # noqa: ANN001
    n_fixed,  # noqa: ANN001
    fixed_roots,  # noqa: ANN001
    lengths,  # noqa: ANN001
    longest,  # noqa: ANN001
    remove_root,  # noqa: ANN001
):
    """Per component (`members[group_starts[g]:group_starts[g + 1]]`, ascending), the item kept
    and, for each item removed, (item, kept item, tree parent, weight of the edge to it).

    The kept item: the first index item that was its own cluster's root (`fixed_roots`), else
    the first item, or under keep="longest" (when the first is not an index item) the longest,
    the first of equals. With `remove_root` (keep="none") the kept item is removed too, its
    parent its first neighbour.
    """
    total = members.shape[0]
    out_item = np.empty(total, np.int64)
    out_root = np.empty(total, np.int64)
    out_up = np.empty(total, np.int64)
    out_w = np.empty(total, np.float64)
    parent = np.full(starts.shape[0] - 1, -2, np.int64)  # -2: not reached yet
    parent_w = np.zeros(starts.shape[0] - 1, np.float64)
    queue = np.empty(total, np.int64)
    found = 0
    for g in range(group_starts.shape[0] - 1):
        a, b = group_starts[g], group_starts[g + 1]
        root = -1
        for x in range(a, b):
            m = members[x]
            if m < n_fixed and fixed_roots[m]:
                root = m
                break
        if root < 0:
            root = members[a]
            if root >= n_fixed and longest:
                for x in range(a + 1, b):
                    if lengths[members[x]] > lengths[root]:
                        root = members[x]
        parent[root] = -1
        queue[0] = root
        head, tail = 0, 1
        while head < tail:  # breadth first, neighbours in policy order
            node = queue[head]
            head += 1
            for k in range(starts[node], starts[node + 1]):
                other = adjacent[k]
                if parent[other] == -2:
                    parent[other] = node
                    parent_w[other] = adjacent_w[k]
                    queue[tail] = other
                    tail += 1
        for x in range(a, b):
            m = members[x]
            if m < n_fixed or (m == root and not remove_root):
                continue
            out_item[found] = m
            out_root[found] = root
            if m == root:
                out_up[found] = adjacent[starts[m]]
                out_w[found] = adjacent_w[starts[m]]
            else:
                out_up[found] = parent[m]
                out_w[found] = parent_w[m]
            found += 1
    return out_item[:found], out_root[:found], out_up[:found], out_w[:found]
