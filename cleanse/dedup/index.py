"""DuplicateIndex: a persistent, embedded index of what earlier runs kept, for incremental runs.

A directory of immutable segments (numpy files) plus `manifest.json`, which names the valid
segments and records the parameters. An entry is a kept item, or a near duplicate removed by an
earlier batch or run, which names its cluster's root (the kept item) by the root's exact hash, so
that a later copy of a removed item still finds its cluster whatever the batches were, and in
whatever order runs' segments join the index. A run writes a new segment under a temporary name,
renames it, then atomically replaces the manifest: a run killed at any point leaves the previous state.

A job (`cleanse run --index`) commits in two steps: its segments are listed under `pending`, by
run id, until the run completes, and only then join `segments`. Other runs see only `segments`,
so an interrupted run's entries are never taken for an earlier run's, and resuming it touches
nothing but its own pending segments. A damaged index is refused, never repaired by deletion.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from pathlib import Path
from typing import Any, cast

import numpy as np

from cleanse.dedup.cluster import short_keys
from cleanse.dedup.config import DedupConfig
from cleanse.dedup.index_check import FIELDS as _FIELDS
from cleanse.dedup.index_check import (
    LEVELS,
    check_manifest,
    check_segment,
    damaged,
    refuse_foreign,
)
from cleanse.dedup.index_entries import KEPT, append_rows, extend_targets, merge_parts
from cleanse.dedup.index_files import (
    FORMAT,
    SPARK_CONVERT,
    SPARK_MANIFEST,
    VERSION,
    SegmentFiles,
    check_version,
    collect_garbage,
    live_segments,
    lock_manifest,
    read_manifest,
    refuse_other_settings,
    refuse_spark_index,
    save_array,
)
from cleanse.durable import publish
from cleanse.errors import ConfigError

__all__ = [
    "FORMAT",
    "KEPT",
    "SPARK_CONVERT",
    "SPARK_MANIFEST",
    "VERSION",
    "DuplicateIndex",
    "refuse_other_settings",
]


def _publish(src: Path, dst: Path) -> None:
    """Durable atomic rename of a file or folder, see cleanse.durable (a seam for the crash tests)."""
    publish(src, dst)


class DuplicateIndex:
    """Documents and paragraphs seen by earlier runs: band keys, exact hashes, shingle sets, ids.

    An entry is a cluster's root (kept; its stored target is 0), or a near duplicate whose stored
    target is the exact hash of its root. Exact copies are not entries: their text is their root's.

    Open it with `DuplicateIndex.open(path, config)`; a directory built with other settings is
    refused with `ConfigError`.
    """

    def __init__(self, path: Path, params: dict[str, Any], segments: list[str]) -> None:
        self.path = path
        self.params = params
        self._segments = segments
        self._pending: dict[str, list[dict[str, np.ndarray]]] = {level: [] for level in LEVELS}
        self._cache: dict[tuple[str, str, str], np.ndarray] = {}
        self._files = SegmentFiles(path)  # read by ranges: sets(), describe_many()
        # see entries(): exact, keys, stored, targets, segments read (grown in place)
        self._entries: dict[str, list[Any]] = {}
        # see _ends(): per level, the segments they were counted for and where each one ends
        self._segment_ends: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
        self.run: str | None = None  # the job whose pending segments commit() adds to
        # Entries below these numbers were there when the index was opened: earlier runs.
        self.base = {level: self.count(level) for level in LEVELS}

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], config: DedupConfig | None = None
    ) -> DuplicateIndex:
        """Open (or create) the index at `path` for runs with `config`."""
        config = config or DedupConfig()
        root = Path(path)
        if root.exists() and not root.is_dir():
            msg = f"--index {root}: exists and is not a directory"
            raise ConfigError(msg)
        refuse_spark_index(root)  # before the lock: nothing is written into it
        root.mkdir(parents=True, exist_ok=True)
        wanted = config.index_params()
        with lock_manifest(root):
            manifest = read_manifest(root)
            if manifest is None:
                refuse_foreign(root)
                manifest = {"format": FORMAT, "version": VERSION, "params": wanted, "segments": []}
                cls._write_manifest(root, manifest)
            check_version(root, manifest)  # first: an older index is refused, never misread
            check_manifest(root, manifest)
            collect_garbage(root, live_segments(manifest))
        for segment in manifest["segments"]:
            check_segment(root, segment)
        recorded = manifest["params"]
        refuse_other_settings(root, recorded, wanted)
        return cls(root, recorded, list(manifest["segments"]))

    # -- reading ---------------------------------------------------------------------------
    def _array(self, segment: str, level: str, name: str) -> np.ndarray:
        key = (segment, level, name)
        if key not in self._cache:
            self._cache[key] = self._load(segment, level, name, mmap=True)
        return self._cache[key]

    def _load(self, segment: str, level: str, name: str, *, mmap: bool = False) -> np.ndarray:
        path = self.path / segment / f"{level}.{name}.npy"
        try:
            # np.load returns Any; without pickles, a .npy file is one array
            return cast(
                np.ndarray, np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
            )
        except (OSError, ValueError, EOFError) as err:
            raise damaged(self.path, f"{path} is unreadable ({err})") from None

    def _counts(self, level: str) -> np.ndarray:
        return np.array(
            [len(self._array(s, level, "exact")) for s in self._segments], dtype=np.int64
        )

    def __len__(self) -> int:
        return int(sum(self._counts(level).sum() for level in LEVELS))

    def count(self, level: str) -> int:
        """Number of entries of one level ("document" or "paragraph")."""
        return int(self._counts(level).sum())

    def entries(self, level: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(exact hashes, 32-bit band keys, targets) of every entry of `level`, in memory.

        In insertion order. A target is KEPT for a cluster's root, else the entry number of the
        root. Kept between calls and extended with the segments published since, so a run that
        settles batch after batch reads each segment once: 108 bytes per entry in memory (exact
        hash, 21 keys that are the high halves of the stored 64-bit ones (see
        cluster.BandKeys), the stored target and the resolved one).
        """
        bands = int(self.params["bands"])
        state = self._entries.get(level)
        if state is None:  # exact hashes, keys, stored targets, resolved targets, segments read
            state = [np.zeros(0, np.uint64), np.zeros((0, bands), np.uint32)]
            state += [np.zeros(0, np.uint64), np.zeros(0, np.int64), np.int64(0)]
            self._entries[level] = state
        if state[4] < len(self._segments):
            new, resolved = self._segments[int(state[4]) :], state[3]
            append_rows(state, 0, [self._load(s, level, "exact") for s in new])
            append_rows(
                state, 1, [short_keys(self._load(s, level, "keys").reshape(-1, bands)) for s in new]
            )
            append_rows(state, 2, [self._load(s, level, "target") for s in new])
            state[3] = extend_targets(state[0], state[2], resolved)
            state[4] = np.int64(len(self._segments))
        return state[0], state[1], state[3]

    def _ends(self, level: str) -> np.ndarray:
        """The entry number after each segment's last (cumulative counts), counted once for the
        segments as they are: verification and the audit locate entries one by one, tens of
        thousands per batch."""
        segments = tuple(self._segments)
        known = self._segment_ends.get(level)
        if known is None or known[0] != segments:
            known = (segments, np.cumsum(self._counts(level)))
            self._segment_ends[level] = known
        return known[1]

    def _locate(self, level: str, item: int) -> tuple[str, int]:
        ends = self._ends(level)
        seg = int(np.searchsorted(ends, item, side="right"))
        return self._segments[seg], item - (int(ends[seg - 1]) if seg else 0)

    def describe(self, level: str, item: int) -> tuple[str, int | None]:
        """(doc_id, paragraph index or None) of entry number `item`."""
        return self.describe_many(level, np.array([item], np.int64))[0]

    def describe_many(self, level: str, items: np.ndarray) -> list[tuple[str, int | None]]:
        """(doc_id, paragraph index or None) of each entry of `items`, in that order."""
        names: list[tuple[str, int | None]] = []
        for segment, local in self._by_segment(level, items):
            idoff, _ = self._files.ranges(segment, level, "idoff", local, local + 2)
            ids, cuts = self._files.ranges(segment, level, "ids", idoff[0::2], idoff[1::2])
            paras, _ = self._files.ranges(segment, level, "para", local, local + 1)
            text, ends = ids.tobytes(), cuts.tolist()
            names += [
                (text[a:b].decode("utf-8", "surrogatepass"), None if p < 0 else p)
                for a, b, p in zip(ends[:-1], ends[1:], paras.tolist(), strict=True)
            ]
        return names

    def signature(self, level: str, item: int) -> np.ndarray:
        """The MinHash signature of entry `item` (see signatures.to_datasketch)."""
        segment, local = self._locate(level, item)
        return np.array(self._array(segment, level, "sigs")[local])

    def sets(self, level: str, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets (CSR) of entries `items`, for exact Jaccard (in that order)."""
        parts = []
        for segment, local in self._by_segment(level, items):
            setoff, _ = self._files.ranges(segment, level, "setoff", local, local + 2)
            parts.append(self._files.ranges(segment, level, "sets", setoff[0::2], setoff[1::2]))
        if len(parts) == 1:
            return parts[0]
        values = np.concatenate([v for v, _ in parts]) if parts else np.zeros(0, np.uint32)
        offsets = np.zeros(sum(len(o) - 1 for _, o in parts) + 1, np.int64)
        at = 0
        for _, o in parts:  # each part's offsets, shifted by the values before it
            offsets[at + 1 : at + len(o)] = o[1:] + offsets[at]
            at += len(o) - 1
        return values, offsets

    def _by_segment(self, level: str, items: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """Consecutive runs of `items` in one segment: (segment, entry numbers in it), in order."""
        items = np.asarray(items, np.int64)
        ends = self._ends(level)
        found = np.searchsorted(ends, items, side="right")  # each item's segment, all at once
        local = items - np.concatenate([np.zeros(1, np.int64), ends])[found]
        cuts = np.flatnonzero(found[1:] != found[:-1]) + 1
        bounds = [0, *cuts.tolist(), len(items)]
        return [
            (self._segments[int(found[a])], local[a:b])
            for a, b in itertools.pairwise(bounds)
            if b > a
        ]

    # -- writing ---------------------------------------------------------------------------
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
        """Queue entries of `level` for the next `commit`.

        `targets`: the exact hash of each entry's cluster root, 0 for a root (the default).
        """
        if targets is None:
            targets = np.zeros(len(doc_ids), dtype=np.uint64)
        encoded = [d.encode("utf-8", "surrogatepass") for d in doc_ids]
        idoff = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=idoff[1:])
        self._pending[level].append(
            {
                "exact": np.asarray(exact, np.uint64),
                "keys": np.asarray(keys, np.uint64),
                "sigs": np.asarray(sigs, np.uint32),
                "para": np.asarray(paras, np.int32),
                "target": np.asarray(targets, np.uint64),
                "ids": np.frombuffer(b"".join(encoded), dtype=np.uint8),
                "idoff": idoff,
                "sets": np.asarray(set_values, np.uint32),
                "setoff": np.asarray(set_offsets, np.int64),
            }
        )

    def commit(self) -> None:
        """Write queued entries as one new segment, then publish it in the manifest atomically.

        Nothing is written when no entry is queued. Inside a run (`start_run`) the segment is
        listed as that run's pending segment; otherwise it joins the index at once.
        """
        queued = sum(len(part["exact"]) for parts in self._pending.values() for part in parts)
        if not queued:
            self._pending = {level: [] for level in LEVELS}
            return
        tmp = self.path / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        for level in LEVELS:
            merged = merge_parts(
                self._pending[level], int(self.params["bands"]), int(self.params["num_perm"])
            )
            for name in _FIELDS:
                save_array(tmp / f"{level}.{name}.npy", merged[name])
        with lock_manifest(self.path):
            manifest = self._manifest()
            number = len(manifest["segments"]) + sum(map(len, manifest["pending"].values())) + 1
            name = f"seg-{number:06d}-{uuid.uuid4().hex[:8]}"
            _publish(tmp, self.path / name)
            if self.run is None:
                manifest["segments"] = [*manifest["segments"], name]
                self._segments = list(manifest["segments"])
            else:
                manifest["pending"][self.run] = [*manifest["pending"].get(self.run, []), name]
                self._segments = [*self._segments, name]
            self._write_manifest(self.path, manifest)
        self._pending = {level: [] for level in LEVELS}

    @property
    def segments(self) -> list[str]:
        """The segments this index reads, oldest first (what a checkpoint records)."""
        return list(self._segments)

    def release(self) -> None:
        """Drop what the index holds in memory (its entries' arrays, 108 bytes each, mapped and
        open files): a run calls it once its batches are done, before its report. Whatever is
        asked for later is read again."""
        self._cache.clear()
        self._files.close()
        self._entries.clear()

    # -- runs: entries become part of the index only when the run that made them completes ---
    def start_run(self, run: str) -> None:
        """Commit from now on as run `run`'s pending segments (see `finish_run`)."""
        self.run = run

    def resume_run(self, run: str, segments: list[str], base: dict[str, int] | None) -> None:
        """Continue run `run` from a checkpoint that recorded `segments` (what it read then).

        The run's pending segments published after the checkpoint are removed; segments other
        runs committed since are left alone (this run does not read them, as it did not before).
        """
        with lock_manifest(self.path):
            manifest = self._manifest()
            mine = manifest["pending"].get(run, [])
            known = set(manifest["segments"]) | set(mine)
            lost = [seg for seg in segments if seg not in known]
            if lost:
                what = (
                    f"segment {lost[0]}, recorded by the checkpoint, is no longer in manifest.json"
                )
                raise damaged(self.path, what)
            if [seg for seg in mine if seg in segments] != mine:
                manifest["pending"][run] = [seg for seg in mine if seg in segments]
                self._write_manifest(self.path, manifest)
                collect_garbage(self.path, live_segments(manifest))
        for segment in segments:
            check_segment(self.path, segment)
        self._segments = list(segments)
        self.release()
        if base is not None:
            self.base = dict(base)
        self.run = run

    def finish_run(self) -> None:
        """Make the run's pending segments part of the index (the run is complete)."""
        if self.run is None:
            return
        with lock_manifest(self.path):
            manifest = self._manifest()
            mine = manifest["pending"].pop(self.run, [])
            manifest["segments"] = [*manifest["segments"], *mine]
            if mine:
                self._write_manifest(self.path, manifest)
        self.run = None

    @classmethod
    def discard_run(cls, path: str | os.PathLike[str], run: str) -> None:
        """Remove what run `run` left pending in the index at `path` (it starts over)."""
        root = Path(path)
        if not (root / "manifest.json").is_file():
            return
        with lock_manifest(root):
            manifest = read_manifest(root)
            if manifest is None or not isinstance(manifest.get("pending"), dict):
                return
            if manifest["pending"].pop(run, None) is not None:
                check_manifest(root, manifest)
                cls._write_manifest(root, manifest)
                collect_garbage(root, live_segments(manifest))

    def _manifest(self) -> dict[str, Any]:
        manifest = read_manifest(self.path)
        if manifest is None:
            raise damaged(self.path, f"{self.path / 'manifest.json'} has disappeared")
        check_manifest(self.path, manifest)
        return manifest

    # -- files -----------------------------------------------------------------------------
    @staticmethod
    def _write_manifest(root: Path, manifest: dict[str, Any]) -> None:
        tmp = root / f".manifest-{uuid.uuid4().hex}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, sort_keys=True)
        _publish(tmp, root / "manifest.json")
