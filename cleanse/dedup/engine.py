"""find_duplicates(): the duplicate stages from documents to decisions.

Stages, each a pure function a distributed engine can run unchanged: signatures per paragraph
and per document (its whole token stream) -> band keys -> group by key -> verified edges -> connected
components -> keep policy. Documents are settled first; paragraphs are then deduplicated within
and across the documents that remain.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cleanse.dedup import signatures as sig
from cleanse.dedup.backend import LOCAL
from cleanse.dedup.cluster import BandKeys, Removal, SetsFn, short_keys
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.index import KEPT
from cleanse.dedup.stream import strip_markup
from cleanse.dedup.workers import RUN_ROWS, Doc, Signed, item_texts, take_sets
from cleanse.errors import InputError

if TYPE_CHECKING:
    from cleanse.dedup.backend import DedupBackend, IndexStore


@dataclass(frozen=True, slots=True)
class Duplicate:
    """Why an item is a duplicate: what it duplicates and how similar they are.

    `duplicate_of_paragraph` is None for whole documents. `kind` is "exact" (same normalised
    text) or "near" (verified Jaccard at or above the threshold). `from_index` marks a match
    with something an earlier run put in the index (entries this run added are not marked).
    """

    duplicate_of: str
    duplicate_of_paragraph: int | None
    similarity: float
    kind: str
    from_index: bool = False


@dataclass(frozen=True, slots=True)
class DedupResult:
    """Decisions of one run: duplicate documents, duplicate paragraphs, statistics, parameters."""

    documents: dict[str, Duplicate]
    paragraphs: dict[tuple[str, int], Duplicate]
    clusters: dict[str, Any]
    params: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    #: Documents with no word at all (empty, punctuation or markup only): never duplicates.
    without_words: frozenset[str] = frozenset()
    # paragraphs_of(): `paragraphs` grouped by document, made when first asked for
    _by_document: dict[str, list[tuple[int, Duplicate]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def paragraphs_of(self, key: str) -> list[tuple[int, Duplicate]]:
        """The duplicate paragraphs of document `key`: (paragraph number, decision), in the
        paragraphs' order. Grouped once for all documents, not looked up paragraph by paragraph.

        >>> dup = Duplicate("a", 0, 1.0, "exact")
        >>> result = DedupResult({}, {("b", 3): dup, ("b", 1): dup}, {}, {})
        >>> [k for k, _ in result.paragraphs_of("b")], result.paragraphs_of("c")
        ([1, 3], [])
        """
        if self.paragraphs and not self._by_document:
            for (doc, k), dup in self.paragraphs.items():
                self._by_document.setdefault(doc, []).append((k, dup))
            for found in self._by_document.values():
                if len(found) > 1:
                    found.sort(key=lambda kd: kd[0])
        return self._by_document.get(key, [])


def _stage(
    *,
    exact: np.ndarray,
    keys: BandKeys,
    lengths: np.ndarray,
    n_fixed: int,
    fixed_targets: np.ndarray,
    config: DedupConfig,
    sets: SetsFn,
    backend: DedupBackend,
) -> tuple[list[Removal], np.ndarray]:
    """Exact groups, LSH candidates among their representatives, verification, components,
    keep policy: the stages after signing, run by `backend`.

    An index item that an earlier batch or run removed (its target is not KEPT) stays linked to
    its cluster's root, so a copy that matches only the removed item still joins that cluster.
    """
    n = len(exact)
    # Arrays over every item (the index's too) are freed as soon as they are used: at 3 million
    # index entries each costs 25 MB per copy.
    first, rep = _exact_groups(exact)
    copies = np.flatnonzero(rep != np.arange(n))
    exact_edges = np.stack([rep[copies], copies], axis=1)
    del rep, copies
    reps = np.sort(first)
    del first
    pairs = backend.candidates(keys, reps, n_fixed, config.max_bucket)
    sims = backend.verify(pairs, sets)
    ok = sims >= config.threshold
    edges = np.concatenate([exact_edges, pairs[ok]]).astype(np.int64)
    touched = np.unique(edges[edges < n_fixed]) if n_fixed else np.zeros(0, np.int64)
    touched = touched[fixed_targets[touched] != KEPT]
    # Links of removed index items to their roots: not verified now (verified when they were
    # removed) and never reported (a removed item's parent is always a verified edge's end).
    linked = np.stack([fixed_targets[touched], touched], axis=1).astype(np.int64)
    edges = np.concatenate([edges, linked])
    weights = np.concatenate([np.ones(len(exact_edges)), sims[ok], np.zeros(len(linked))])
    labels = backend.components(n, edges)
    removals = backend.keep(
        labels, edges, weights, exact, lengths, n_fixed, config, sets, fixed_targets == KEPT
    )
    return removals, np.array([len(pairs), int(ok.sum())])


def _exact_groups(exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the first item of each distinct exact hash, each item's first of its hash): what
    `np.unique(return_index=True, return_inverse=True)` gives, from an unstable sort (twice as
    fast on a million hashes) and the smallest item of each run of equals.

    >>> [a.tolist() for a in _exact_groups(np.array([7, 3, 7, 3, 9], np.uint64))]
    [[1, 0, 4], [0, 1, 0, 1, 4]]
    """
    if not len(exact):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.argsort(exact)
    ordered = exact[order]
    starts = np.ones(len(exact), np.bool_)
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    del ordered
    first = np.minimum.reduceat(order, np.flatnonzero(starts))
    rep = np.empty(len(exact), np.int64)
    rep[order] = first[np.cumsum(starts) - 1]
    return first, rep


def _stats(removals: list[Removal], n_items: int, candidates: np.ndarray) -> dict[str, Any]:
    sizes = Counter(Counter(r.kept for r in removals).values())
    return {
        "items": n_items,
        "duplicates": len(removals),
        "exact": sum(r.kind == "exact" for r in removals),
        "near": sum(r.kind == "near" for r in removals),
        "clusters": len({r.kept for r in removals}),
        "cluster_sizes": {str(k + 1): v for k, v in sorted(sizes.items())},
        "candidate_pairs": int(candidates[0]),
        "verified_pairs": int(candidates[1]),
    }


def find_duplicates(
    docs: Sequence[Doc],
    config: DedupConfig | None = None,
    index: IndexStore | None = None,
    workers: int = 1,
    backend: DedupBackend = LOCAL,
) -> DedupResult:
    """Find duplicate documents and paragraphs in `docs`, a sequence of (doc_id, paragraphs).

    The order of `docs` defines "first seen". With an `index`, items seen in earlier runs come
    first and are never removed; what this run keeps is added to the index, and so are its near
    duplicates, each pointing at its cluster's kept item (a later copy of one joins that cluster).
    `backend` runs the stages (see `cleanse.dedup.backend`); `index` is any `IndexStore`.

    >>> text = ["one two three four five six seven eight nine ten eleven twelve"]
    >>> r = find_duplicates([("a", text), ("b", text)])
    >>> r.documents["b"].duplicate_of, r.documents["b"].kind
    ('a', 'exact')
    """
    config = config or DedupConfig()
    docs = list(docs)
    ids = [d[0] for d in docs]
    if len(set(ids)) != len(ids):
        twice = next(i for i, c in Counter(ids).items() if c > 1)
        msg = f"document ids must be unique; {twice!r} appears more than once"
        raise InputError(msg)
    if workers < 1:
        msg = f"workers must be >= 1, got {workers}"
        raise InputError(msg)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    signed = backend.sign(docs, config, index is not None, workers)
    timings["signatures"] = time.perf_counter() - t0
    para_bounds = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(p) for _, p in docs], out=para_bounds[1:])
    para_doc = np.repeat(np.arange(len(docs)), np.diff(para_bounds))
    para_pos = np.arange(len(para_doc)) - para_bounds[para_doc]
    documents: dict[str, Duplicate] = {}
    paragraphs: dict[tuple[str, int], Duplicate] = {}
    clusters: dict[str, Any] = {}
    removed_docs = np.zeros(len(docs), dtype=bool)
    stored: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # level -> (new items, targets)

    streams: dict[int, str] = {}  # documents' streams, built once for verification and the index

    def stream(d: int) -> str:
        if d not in streams:
            streams[d] = item_texts(docs[d][1], "document")[0]
        return streams[d]

    def text_sets(level: str, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CSR shingle sets of documents (level "document") or global paragraph numbers."""
        kept_sets = signed.d_sets if level == "document" else signed.p_sets
        if kept_sets is not None:  # hashed once, with the signatures (see sign_texts)
            return _take_rows(kept_sets, items)
        if level == "document":
            texts = [stream(d) for d in items.tolist()]
        else:
            texts = [strip_markup(docs[para_doc[g]][1][para_pos[g]]) for g in items.tolist()]
        return sig.shingle_sets(texts, config)

    for level in ("document", "paragraph"):
        if config.level not in (level, "both"):
            continue
        t1 = time.perf_counter()
        if level == "document":
            new = np.flatnonzero(signed.d_count > 0)
            n_exact, n_keys = signed.d_exact[new], signed.d_keys[new]
            new_len = signed.d_chars[new]
        else:
            eligible = (signed.p_words >= config.min_paragraph_words) & (signed.p_count > 0)
            new = np.flatnonzero(eligible & ~removed_docs[para_doc])
            n_exact, n_keys = signed.p_exact[new], signed.p_keys[new]
            new_len = signed.p_chars[new]
        fx_exact, fx_keys, fx_targets = (
            index.entries(level)
            if index is not None
            else (
                np.zeros(0, np.uint64),
                np.zeros((0, n_keys.shape[1]), np.uint32),
                np.zeros(0, np.int64),
            )
        )
        n_fixed = len(fx_exact)

        def sets(
            items: np.ndarray, level: str = level, new: np.ndarray = new, n_fixed: int = n_fixed
        ) -> tuple[np.ndarray, np.ndarray]:
            fixed = items[items < n_fixed]
            mine = new[items[items >= n_fixed] - n_fixed]
            v1, o1 = (
                index.sets(level, fixed)
                if index is not None and len(fixed)
                else (np.zeros(0, np.uint32), np.zeros(1, np.int64))
            )
            v2, o2 = text_sets(level, mine)
            return np.concatenate([v1, v2]), np.concatenate([o1, o2[1:] + o1[-1]])

        removals, counts = _stage(
            exact=np.concatenate([fx_exact, n_exact]),
            keys=BandKeys(fx_keys, short_keys(n_keys)),
            lengths=np.concatenate([np.zeros(n_fixed, np.int64), new_len]),
            n_fixed=n_fixed,
            fixed_targets=fx_targets,
            config=config,
            sets=sets,
            backend=backend,
        )
        gone = np.zeros(len(new), dtype=bool)
        # Each removal's item and target as numbers of this batch's rows (documents or global
        # paragraphs), all at once; what they name in the index, read at once too.
        item = np.array([r.item for r in removals], np.int64) - n_fixed
        target = np.array([r.target for r in removals], np.int64) - n_fixed
        gone[item] = True
        rows, target_rows = new[item], new[np.maximum(target, 0)] if len(new) else target
        from_index = target[target < 0] + n_fixed
        named = iter(index.describe_many(level, from_index) if index is not None else ())
        base = index.base[level] - n_fixed if index is not None else -n_fixed - 1
        if level == "document":
            removed_docs[rows] = True
            where = [(ids[d], None) for d in target_rows.tolist()]
            removed: list[Any] = [ids[d] for d in rows.tolist()]
        else:
            docs_at, pos_at = para_doc[target_rows].tolist(), para_pos[target_rows].tolist()
            where = [(ids[d], p) for d, p in zip(docs_at, pos_at, strict=True)]
            docs_of, pos_of = para_doc[rows].tolist(), para_pos[rows].tolist()
            removed = [(ids[d], p) for d, p in zip(docs_of, pos_of, strict=True)]
        for r, t, named_here, key in zip(removals, target.tolist(), where, removed, strict=True):
            target_doc, target_para = next(named) if t < 0 else named_here
            dup = Duplicate(
                target_doc, target_para, round(float(r.similarity), 6), r.kind, t < base
            )
            if level == "document":
                documents[key] = dup
            else:
                paragraphs[key] = dup
        stored[level] = _entries_to_store(
            removals, gone, n_fixed, np.concatenate([fx_exact, n_exact]), fx_targets
        )
        stored[level] = (new[stored[level][0]], stored[level][1])
        clusters[level] = _stats(removals, len(new), counts)
        # Items without a single word or character shingle (empty, punctuation, markup only) are
        # never duplicates of anything, least of all of each other: counted here, left in place.
        count = signed.d_count if level == "document" else signed.p_count[~removed_docs[para_doc]]
        clusters[level]["without_words"] = int((count == 0).sum())
        timings[level] = time.perf_counter() - t1
    if index is not None:
        t2 = time.perf_counter()
        _update_index(index, ids, signed, stored, para_doc, para_pos, removed_docs, text_sets)
        timings["index"] = time.perf_counter() - t2
    wordless = frozenset(ids[d] for d in np.flatnonzero(signed.d_count == 0).tolist())
    if config.level == "paragraph":
        wordless = frozenset()
    return DedupResult(documents, paragraphs, clusters, config.params(), timings, wordless)


def _take_rows(
    sets: tuple[np.ndarray, np.ndarray], rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`workers.take_sets`, or when `rows` are ascending, a good part of all rows and scattered
    (verification and the index update take those), one mask over the values: a third of the
    work of gathering them value by value.

    >>> sets = (np.arange(6, dtype=np.uint32), np.array([0, 2, 2, 5, 6]))
    >>> _take_rows(sets, np.array([0, 3]))
    (array([0, 1, 5], dtype=uint32), array([0, 2, 3]))
    """
    values, offsets = sets
    count = len(offsets) - 1
    if len(rows) < 2 or len(rows) * 4 < count or not bool((rows[1:] > rows[:-1]).all()):
        return take_sets(sets, rows)
    if np.count_nonzero(np.diff(rows) != 1) < len(rows) // RUN_ROWS:  # mostly runs: slices
        return take_sets(sets, rows)
    lengths = np.diff(offsets)
    chosen = np.zeros(count, np.bool_)
    chosen[rows] = True
    out = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths[rows], out=out[1:])
    return values[np.repeat(chosen, lengths)], out


def _entries_to_store(
    removals: list[Removal],
    gone: np.ndarray,
    n_fixed: int,
    exact: np.ndarray,
    fixed_targets: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(local item numbers, stored targets) of what this batch adds to the index, in item order.

    Kept items (target 0), and near duplicates with the exact hash of their cluster's root: a
    later copy of a removed item must still find the cluster, whatever the batches. Exact copies
    are left out: their text is their root's. A root removed under keep="none" is stored as a
    root. `exact` holds the exact hashes of the index items, then of this batch's.
    """
    store = ~gone
    for r in removals:
        if r.kind == "near" or r.item == r.kept:
            store[r.item - n_fixed] = True
    local = np.flatnonzero(store)
    targets = np.zeros(len(local), dtype=np.uint64)
    position = {int(x): k for k, x in enumerate(local.tolist())}
    for r in removals:
        k = position.get(r.item - n_fixed)
        if k is None or r.item == r.kept:
            continue
        root = r.kept
        if root < n_fixed and fixed_targets[root] != KEPT:  # keep="none": a removed index root
            root = int(fixed_targets[root])
        targets[k] = exact[root]
    return local, targets


def _update_index(
    index: IndexStore,
    ids: list[str],
    signed: Signed,
    stored: dict[str, tuple[np.ndarray, np.ndarray]],
    para_doc: np.ndarray,
    para_pos: np.ndarray,
    removed_docs: np.ndarray,
    text_sets: Callable[[str, np.ndarray], tuple[np.ndarray, np.ndarray]],
) -> None:
    assert signed.p_sigs is not None and signed.d_sigs is not None
    for level in ("document", "paragraph"):
        if level not in stored:
            continue
        items, targets = stored[level]
        if level == "paragraph":  # paragraphs of removed documents never get this far
            assert not removed_docs[para_doc[items]].any()
            names = [ids[para_doc[g]] for g in items.tolist()]
            paras = para_pos[items].astype(np.int32)
            exact, keys, sigs = signed.p_exact[items], signed.p_keys[items], signed.p_sigs[items]
        else:
            names = [ids[d] for d in items.tolist()]
            paras = np.full(len(items), -1, dtype=np.int32)
            exact, keys, sigs = signed.d_exact[items], signed.d_keys[items], signed.d_sigs[items]
        values, offs = text_sets(level, items)
        index.add(level, names, paras, exact, keys, sigs, values, offs, targets)
    index.commit()
