"""DuplicateIndex: a persistent, embedded index of what earlier runs kept, for incremental runs.

A directory of immutable segments (numpy files) plus `manifest.json`, which names the valid
segments and records the parameters. A run writes a new segment under a temporary name, renames
it, then atomically replaces the manifest: a run killed at any point leaves the previous state.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from cleanse.dedup.cluster import short_keys
from cleanse.dedup.config import DedupConfig
from cleanse.errors import ConfigError

FORMAT = "cleanse-dedup-index"
#: 2: a document's signature and set come from its whole token stream (1: union of its lines').
VERSION = 2
LEVELS = ("document", "paragraph")
_FIELDS = ("exact", "keys", "sigs", "para", "ids", "idoff", "sets", "setoff")


def _publish(src: Path, dst: Path) -> None:
    """Atomic rename (a seam for the crash tests)."""
    src.replace(dst)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as fh:
        np.save(fh, array, allow_pickle=False)
        fh.flush()
        os.fsync(fh.fileno())


class DuplicateIndex:
    """Documents and paragraphs kept by earlier runs: band keys, exact hashes, shingle sets, ids.

    Open it with `DuplicateIndex.open(path, config)`; a directory built with other settings is
    refused with `ConfigError`.
    """

    def __init__(self, path: Path, params: dict[str, Any], segments: list[str]) -> None:
        self.path = path
        self.params = params
        self._segments = segments
        self._pending: dict[str, list[dict[str, np.ndarray]]] = {level: [] for level in LEVELS}
        self._cache: dict[tuple[str, str, str], np.ndarray] = {}
        self._entries: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}  # see entries()
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
        root.mkdir(parents=True, exist_ok=True)
        wanted = config.index_params()
        with cls._locked(root):
            manifest = cls._read_manifest(root)
            if manifest is None:
                manifest = {"format": FORMAT, "version": VERSION, "params": wanted, "segments": []}
                cls._write_manifest(root, manifest)
            cls._collect_garbage(root, manifest["segments"])
        _check_version(root, manifest)
        recorded = manifest["params"]
        diffs = [
            f"{k}: index has {recorded.get(k)!r}, this run has {wanted[k]!r}"
            for k in sorted(set(wanted) | set(recorded))
            if recorded.get(k) != wanted.get(k)
        ]
        if diffs:
            msg = (
                f"--index {root} was built with other duplicate settings, and signatures would not "
                f"match: {'; '.join(diffs)}. Rerun with the index's settings or use a new --index "
                "directory."
            )
            raise ConfigError(msg)
        return cls(root, recorded, list(manifest["segments"]))

    # -- reading ---------------------------------------------------------------------------
    def _array(self, segment: str, level: str, name: str) -> np.ndarray:
        key = (segment, level, name)
        if key not in self._cache:
            self._cache[key] = np.load(self.path / segment / f"{level}.{name}.npy", mmap_mode="r")
        return self._cache[key]

    def _counts(self, level: str) -> np.ndarray:
        return np.array(
            [len(self._array(s, level, "exact")) for s in self._segments], dtype=np.int64
        )

    def __len__(self) -> int:
        return int(sum(self._counts(level).sum() for level in LEVELS))

    def count(self, level: str) -> int:
        """Number of entries of one level ("document" or "paragraph")."""
        return int(self._counts(level).sum())

    def entries(self, level: str) -> tuple[np.ndarray, np.ndarray]:
        """(exact hashes, 32-bit band keys) of every entry of `level`, in insertion order, in memory.

        Kept between calls and extended with the segments published since, so a run that
        settles batch after batch reads each segment once: 92 bytes per entry in memory (the
        keys are the high halves of the stored 64-bit ones; see cluster.BandKeys).
        """
        bands = int(self.params["bands"])
        exact, keys, seen = self._entries.get(
            level, (np.zeros(0, np.uint64), np.zeros((0, bands), np.uint32), 0)
        )
        if seen < len(self._segments):
            new = self._segments[seen:]
            folder = self.path
            exact = np.concatenate([exact, *(np.load(folder / s / f"{level}.exact.npy") for s in new)])
            more = [
                short_keys(np.load(folder / s / f"{level}.keys.npy").reshape(-1, bands)) for s in new
            ]
            keys = np.concatenate([keys, *more])
            self._entries[level] = (exact, keys, len(self._segments))
        return exact, keys

    def _locate(self, level: str, item: int) -> tuple[str, int]:
        counts = np.cumsum(self._counts(level))
        seg = int(np.searchsorted(counts, item, side="right"))
        return self._segments[seg], item - (int(counts[seg - 1]) if seg else 0)

    def describe(self, level: str, item: int) -> tuple[str, int | None]:
        """(doc_id, paragraph index or None) of entry number `item`."""
        segment, local = self._locate(level, item)
        off = self._array(segment, level, "idoff")
        blob = self._array(segment, level, "ids")
        doc_id = bytes(blob[off[local] : off[local + 1]]).decode("utf-8", "surrogatepass")
        para = int(self._array(segment, level, "para")[local])
        return doc_id, (None if para < 0 else para)

    def signature(self, level: str, item: int) -> np.ndarray:
        """The MinHash signature of entry `item` (see signatures.to_datasketch)."""
        segment, local = self._locate(level, item)
        return np.array(self._array(segment, level, "sigs")[local])

    def sets(self, level: str, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets (CSR) of entries `items`, for exact Jaccard."""
        parts = []
        for item in items.tolist():
            segment, local = self._locate(level, item)
            off = self._array(segment, level, "setoff")
            parts.append(
                np.asarray(self._array(segment, level, "sets")[off[local] : off[local + 1]])
            )
        offs = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in parts], out=offs[1:])
        return (np.concatenate(parts) if parts else np.zeros(0, np.uint32)), offs

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
    ) -> None:
        """Queue entries of `level` for the next `commit`."""
        encoded = [d.encode("utf-8", "surrogatepass") for d in doc_ids]
        idoff = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=idoff[1:])
        self._pending[level].append(
            {
                "exact": np.asarray(exact, np.uint64),
                "keys": np.asarray(keys, np.uint64),
                "sigs": np.asarray(sigs, np.uint32),
                "para": np.asarray(paras, np.int32),
                "ids": np.frombuffer(b"".join(encoded), dtype=np.uint8),
                "idoff": idoff,
                "sets": np.asarray(set_values, np.uint32),
                "setoff": np.asarray(set_offsets, np.int64),
            }
        )

    def commit(self) -> None:
        """Write queued entries as one new segment, then publish it in the manifest atomically."""
        if not any(self._pending.values()):
            return
        tmp = self.path / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        for level in LEVELS:
            merged = _merge(
                self._pending[level], int(self.params["bands"]), int(self.params["num_perm"])
            )
            for name in _FIELDS:
                _save(tmp / f"{level}.{name}.npy", merged[name])
        _fsync_dir(tmp)
        with self._locked(self.path):
            manifest = self._read_manifest(self.path) or {}
            name = f"seg-{len(manifest['segments']) + 1:06d}-{uuid.uuid4().hex[:8]}"
            _publish(tmp, self.path / name)
            _fsync_dir(self.path)
            manifest["segments"] = [*manifest["segments"], name]
            self._write_manifest(self.path, manifest)
            self._segments = list(manifest["segments"])
        self._pending = {level: [] for level in LEVELS}

    @property
    def segments(self) -> list[str]:
        """The published segments, oldest first (what a checkpoint records)."""
        return list(self._segments)

    def roll_back(self, segments: list[str]) -> None:
        """Forget segments published after `segments` (a checkpoint's list) by a killed run."""
        if self._segments[: len(segments)] != segments:
            msg = f"--index {self.path}: changed since the checkpoint; it cannot be rolled back"
            raise ConfigError(msg)
        if self._segments == segments:
            return
        with self._locked(self.path):
            manifest = self._read_manifest(self.path) or {}
            manifest["segments"] = list(segments)
            self._write_manifest(self.path, manifest)
            self._collect_garbage(self.path, segments)
        self._segments = list(segments)
        self._cache.clear()
        self._entries.clear()

    # -- files -----------------------------------------------------------------------------
    @staticmethod
    @contextlib.contextmanager
    def _locked(root: Path) -> Iterator[None]:
        with (root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @staticmethod
    def _read_manifest(root: Path) -> dict[str, Any] | None:
        path = root / "manifest.json"
        if not path.exists():
            return None
        try:
            manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            msg = (
                f"--index {root}: manifest.json is unreadable ({err}); this is not a cleanse index"
            )
            raise ConfigError(msg) from err
        return manifest

    @staticmethod
    def _write_manifest(root: Path, manifest: dict[str, Any]) -> None:
        tmp = root / f".manifest-{uuid.uuid4().hex}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, root / "manifest.json")
        _fsync_dir(root)

    @staticmethod
    def _collect_garbage(root: Path, live: list[str]) -> None:
        """Remove what a killed run left behind: temporary files and unpublished segments."""
        for child in root.iterdir():
            stale = child.name.startswith((".tmp-", ".manifest-"))
            orphan = child.name.startswith("seg-") and child.name not in live
            if stale or orphan:
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)


def _check_version(root: Path, manifest: dict[str, Any]) -> None:
    """Refuse an index of another format version: its entries would be silently misread."""
    if manifest.get("format") != FORMAT:
        msg = f"--index {root}: not a cleanse duplicate index (manifest.json has no format {FORMAT!r})"
        raise ConfigError(msg)
    version = manifest.get("version")
    if version == VERSION:
        return
    if isinstance(version, int) and version > VERSION:
        msg = (
            f"--index {root} was written by a newer cleanse (index format {version}; this cleanse "
            f"reads format {VERSION}): upgrade cleanse, or use another --index directory"
        )
        raise ConfigError(msg)
    msg = (
        f"--index {root} was written by an older cleanse (index format {version}; this cleanse "
        f"reads format {VERSION}, whose signatures differ) and cannot be used. Rebuild it from "
        f"what your earlier runs kept: cleanse dedup EARLIER_OUTPUT SCRATCH_DEST --index NEW_DIR "
        f"(one run per earlier output, oldest first), then use --index NEW_DIR"
    )
    raise ConfigError(msg)


def _merge(parts: list[dict[str, np.ndarray]], bands: int, num_perm: int) -> dict[str, np.ndarray]:
    if not parts:
        empty = {name: np.zeros(0, np.uint64) for name in ("exact",)}
        return {
            **empty,
            "keys": np.zeros((0, bands), np.uint64),
            "sigs": np.zeros((0, num_perm), np.uint32),
            "para": np.zeros(0, np.int32),
            "ids": np.zeros(0, np.uint8),
            "idoff": np.zeros(1, np.int64),
            "sets": np.zeros(0, np.uint32),
            "setoff": np.zeros(1, np.int64),
        }
    out = {
        name: np.concatenate([p[name] for p in parts])
        for name in ("exact", "keys", "sigs", "para", "ids", "sets")
    }
    for name in ("idoff", "setoff"):
        shifted, base = [np.zeros(1, np.int64)], 0
        for p in parts:
            shifted.append(p[name][1:] + base)
            base += int(p[name][-1])
        out[name] = np.concatenate(shifted)
    return out
