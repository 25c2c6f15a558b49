"""The duplicate stages run through a `DedupBackend`, and the index is any `IndexStore`."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cleanse.dedup import DedupConfig, DuplicateIndex, find_duplicates
from cleanse.dedup.backend import LOCAL, DedupBackend, IndexStore
from cleanse.dedup.index_entries import resolve_targets

from .conftest import random_text


def _corpus() -> list[tuple[str, list[str]]]:
    """Documents with exact copies, near copies (a few words changed) and strangers."""
    rng = random.Random(5)
    docs: list[tuple[str, list[str]]] = []
    for k in range(12):
        base = random_text(rng, 120)
        docs.append((f"d{k}", [base]))
        if k % 3 == 0:
            docs.append((f"d{k}-exact", [base]))
        if k % 2 == 0:
            words = base.split()
            words[40] = f"changed{k}"
            docs.append((f"d{k}-near", [" ".join(words)]))
    rng.shuffle(docs)
    return docs


@dataclass
class Recording:
    """The local backend, with a log of the stages it was asked to run."""

    calls: list[str] = field(default_factory=list)

    def __getattr__(self, name: str):
        stage = getattr(LOCAL, name)

        def run(*args, **kwargs):
            self.calls.append(name)
            return stage(*args, **kwargs)

        return run


def _decisions(result) -> dict:
    return {k: (d.duplicate_of, d.similarity, d.kind) for k, d in result.documents.items()}


def test_every_stage_runs_through_the_backend_in_order() -> None:
    config = DedupConfig(level="document")
    backend = Recording()
    found = find_duplicates(_corpus(), config, backend=backend)
    assert backend.calls == ["sign", "candidates", "verify", "components", "keep"]
    assert _decisions(found) == _decisions(find_duplicates(_corpus(), config))
    kinds = {d.kind for d in found.documents.values()}
    assert kinds == {"exact", "near"}


@dataclass
class NoVerification(Recording):
    """A backend whose verify stage rejects every candidate: only exact copies remain."""

    def verify(self, pairs: np.ndarray, sets) -> np.ndarray:
        return np.zeros(len(pairs))


def test_a_backend_decides_what_its_stage_returns() -> None:
    config = DedupConfig(level="document")
    found = find_duplicates(_corpus(), config, backend=NoVerification())
    assert found.documents
    assert {d.kind for d in found.documents.values()} == {"exact"}


class MemoryIndex:
    """An `IndexStore` held in memory: what the engine needs of an index, and nothing else."""

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self.base = {"document": 0, "paragraph": 0}
        self.rows: dict[str, list[dict]] = {"document": [], "paragraph": []}
        self.pending: dict[str, list[dict]] = {"document": [], "paragraph": []}

    def entries(self, level: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = self.rows[level]
        exact = np.array([r["exact"] for r in rows], np.uint64)
        keys = np.array([r["keys"] for r in rows], np.uint64).reshape(len(rows), self.bands)
        stored = np.array([r["target"] for r in rows], np.uint64)
        return exact, (keys >> np.uint64(32)).astype(np.uint32), resolve_targets(exact, stored)

    def sets(self, level: str, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        parts = [self.rows[level][i]["set"] for i in items.tolist()]
        offsets = np.zeros(len(parts) + 1, np.int64)
        np.cumsum([len(p) for p in parts], out=offsets[1:])
        return (np.concatenate(parts) if parts else np.zeros(0, np.uint32)), offsets

    def describe(self, level: str, item: int) -> tuple[str, int | None]:
        row = self.rows[level][item]
        return row["id"], (None if row["para"] < 0 else row["para"])

    def describe_many(self, level: str, items: np.ndarray) -> list[tuple[str, int | None]]:
        return [self.describe(level, item) for item in items.tolist()]

    def add(self, level, doc_ids, paras, exact, keys, sigs, set_values, set_offsets, targets=None):
        for k, doc_id in enumerate(doc_ids):
            self.pending[level].append({
                "id": doc_id, "para": int(paras[k]), "exact": int(exact[k]), "keys": keys[k],
                "target": 0 if targets is None else int(targets[k]),
                "set": set_values[set_offsets[k] : set_offsets[k + 1]],
            })  # fmt: skip

    def commit(self) -> None:
        for level, rows in self.pending.items():
            self.rows[level].extend(rows)
            rows.clear()


def test_any_index_store_gives_the_decisions_of_the_shipped_index(tmp_path: Path) -> None:
    config = DedupConfig(level="both")
    docs = _corpus()
    on_disk = DuplicateIndex.open(tmp_path / "index", config)
    in_memory = MemoryIndex(config.banding[0])
    assert isinstance(on_disk, IndexStore)
    assert isinstance(in_memory, IndexStore)
    across = 0  # decisions naming a document of an earlier batch: read from the index
    for lo, hi in ((0, 7), (7, 14), (14, len(docs))):  # three batches: later ones read the index
        a = find_duplicates(docs[lo:hi], config, index=on_disk)
        b = find_duplicates(docs[lo:hi], config, index=in_memory)
        assert _decisions(a) == _decisions(b)
        assert a.paragraphs == b.paragraphs
        batch = {name for name, _ in docs[lo:hi]}
        across += sum(d.duplicate_of not in batch for d in b.documents.values())
    assert across >= 2
    assert len(in_memory.rows["document"]) == on_disk.count("document")
    assert len(in_memory.rows["paragraph"]) == on_disk.count("paragraph")


def test_the_local_backend_has_every_stage_of_the_protocol() -> None:
    stages = [n for n in DedupBackend.__dict__ if not n.startswith("_")]
    assert stages == ["sign", "band_keys", "candidates", "verify", "components", "keep"]
    assert all(callable(getattr(LOCAL, n)) for n in stages)
