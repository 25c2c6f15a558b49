"""Where the duplicate stages run and where the index lives: `DedupBackend` and `IndexStore`.

Dedup is a chain of table stages, each a function of arrays indexed by item number (items in
first-seen order, index entries first):

    sign         documents -> per item: exact hash, shingle count, length, signature
    band keys    signatures -> uint64[N, bands]; a shared key makes two items candidates
    candidates   band keys -> distinct pairs (i < j), int64[M, 2]
    verify       pairs -> the exact Jaccard of their shingle sets, float64[M]
    components   verified edges -> each item's component label (its smallest item number)
    keep policy  components -> removals: what is removed, what it duplicates, how similar

`cleanse.dedup.engine.find_duplicates` drives them in that order through a `DedupBackend`;
`LOCAL` runs them in this process with the compiled kernels (numba when installed). The local
sign stage computes band keys chunk by chunk, with the same `band_keys`, so that signatures
need not be held for the whole batch.

The Spark engine (`cleanse.spark`) runs the sign, band-key and keep-policy stages with these
same functions on executors (`workers.sign_chunk`, `cluster.resolve`); its candidates, verify
and components stages are Spark joins and a distributed connected-components, since they must
see the whole corpus at once, so it does not plug in here as an array-in, array-out backend.

A persistent index is anything with the `IndexStore` methods; `DuplicateIndex` (files under a
folder, memory-mapped) is the one cleanse ships.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from cleanse.dedup.cluster import BandKeys, Removal, SetsFn
    from cleanse.dedup.config import DedupConfig
    from cleanse.dedup.workers import Doc, Signed


class DedupBackend(Protocol):
    """The stages of dedup over arrays; see the module docstring for what each one does."""

    def sign(
        self, docs: Sequence[Doc], config: DedupConfig, keep_sets: bool, workers: int
    ) -> Signed:
        """Signatures, band keys and counts of every document and paragraph row (and, with
        `keep_sets`, their signatures and shingle sets, for the index and verification)."""
        ...

    def band_keys(self, sigs: np.ndarray, config: DedupConfig) -> np.ndarray:
        """uint64[N, bands] band keys of signatures uint32[N, num_perm]."""
        ...

    def candidates(
        self, keys: BandKeys, items: np.ndarray, n_fixed: int, max_bucket: int
    ) -> np.ndarray:
        """Distinct pairs of `items` that share a band key, sorted, int64[M, 2]."""
        ...

    def verify(self, pairs: np.ndarray, sets: SetsFn) -> np.ndarray:
        """Exact Jaccard of each pair's shingle sets (`sets(items)` gives them as CSR)."""
        ...

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        """Component label of items 0..n-1: the smallest item number in the component."""
        ...

    def keep(
        self,
        labels: np.ndarray,
        edges: np.ndarray,
        weights: np.ndarray,
        exact: np.ndarray,
        lengths: np.ndarray,
        n_fixed: int,
        config: DedupConfig,
        sets: SetsFn,
        fixed_roots: np.ndarray,
    ) -> list[Removal]:
        """The keep policy over each component: the removals, each naming what it duplicates."""
        ...


@dataclass(frozen=True, slots=True)
class LocalBackend:
    """The stages in this process, with the compiled kernels (`workers.sign_all` forks
    `workers` processes for signatures)."""

    def sign(
        self, docs: Sequence[Doc], config: DedupConfig, keep_sets: bool, workers: int
    ) -> Signed:
        from cleanse.dedup.workers import sign_all

        return sign_all(docs, config, keep_sets, workers)

    def band_keys(self, sigs: np.ndarray, config: DedupConfig) -> np.ndarray:
        from cleanse.dedup.signatures import band_keys

        bands, rows = config.banding
        return band_keys(sigs, bands, rows)

    def candidates(
        self, keys: BandKeys, items: np.ndarray, n_fixed: int, max_bucket: int
    ) -> np.ndarray:
        from cleanse.dedup.cluster import candidate_pairs

        return candidate_pairs(keys, items, n_fixed, max_bucket)

    def verify(self, pairs: np.ndarray, sets: SetsFn) -> np.ndarray:
        from cleanse.dedup.cluster import exact_jaccard

        return exact_jaccard(pairs, sets)

    def components(self, n: int, edges: np.ndarray) -> np.ndarray:
        from cleanse.dedup.cluster import components

        return components(n, edges)

    def keep(
        self,
        labels: np.ndarray,
        edges: np.ndarray,
        weights: np.ndarray,
        exact: np.ndarray,
        lengths: np.ndarray,
        n_fixed: int,
        config: DedupConfig,
        sets: SetsFn,
        fixed_roots: np.ndarray,
    ) -> list[Removal]:
        from cleanse.dedup.cluster import resolve

        return resolve(
            labels, edges, weights, exact, lengths, n_fixed, config.keep, config.threshold, sets,
            fixed_roots,
        )  # fmt: skip


#: The backend `find_duplicates` uses unless it is given another.
LOCAL = LocalBackend()


@runtime_checkable
class IndexStore(Protocol):
    """What dedup reads from and adds to a persistent index of earlier batches and runs.

    Entries are numbered per level ("document", "paragraph") in insertion order; `base[level]`
    is how many there were when this run started (entries below it come from earlier runs).
    """

    base: dict[str, int]

    def entries(self, level: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(exact hashes uint64, 32-bit band keys uint32[N, bands], targets int64) of every
        entry; a target is `index.KEPT` for a cluster root, else the entry number of its root."""
        ...

    def sets(self, level: str, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets (CSR: sorted uint32 values, int64 offsets) of entries `items`."""
        ...

    def describe(self, level: str, item: int) -> tuple[str, int | None]:
        """(document key, paragraph number or None) of entry `item`."""
        ...

    def describe_many(self, level: str, items: np.ndarray) -> list[tuple[str, int | None]]:
        """`describe` of each entry of `items`, in that order (read at once: one batch names
        thousands)."""
        ...

    def add(
        self,
        level: str,
        doc_ids: list[str],
        paras: np.ndarray,
        exact: np.ndarray,
        keys: np.ndarray,
        sigs: np.ndarray,
        set_values: np.ndarray,
        set_offsets: np.ndarray,
        targets: np.ndarray | None = None,
    ) -> None:
        """Queue entries for the next `commit` (`targets`: exact hash of each one's cluster
        root, 0 for a root)."""
        ...

    def commit(self) -> None:
        """Make the queued entries part of the index, atomically."""
        ...
