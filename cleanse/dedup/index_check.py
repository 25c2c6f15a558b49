"""Checks that a duplicate index is whole before it is used: a damaged one is refused, never repaired.

Each refusal names the damaged file and says how to rebuild the index; nothing is deleted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from cleanse.errors import ConfigError

LEVELS = ("document", "paragraph")
FIELDS = ("exact", "keys", "sigs", "para", "target", "ids", "idoff", "sets", "setoff")
LOCKS = (".lock", "run.lock")  # the manifest's lock, and the lock a job holds (cleanse.runlock)


def _rebuild_hint(root: Path) -> str:
    return (
        f"the index cannot be used as it is, and cleanse deletes nothing it cannot read. Rebuild "
        f"it: move {root} aside and rerun cleanse with --index {root} over the corpora it indexed"
    )


def damaged(root: Path, what: str) -> ConfigError:
    return ConfigError(f"--index {root}: {what}; {_rebuild_hint(root)}")


def _check_npy(root: Path, path: Path) -> None:
    """Refuse a missing or truncated .npy file (its header says how many bytes follow)."""
    try:
        with path.open("rb") as fh:
            major, _ = np.lib.format.read_magic(fh)
            read = (
                np.lib.format.read_array_header_1_0
                if major == 1
                else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read(fh)
            need = int(np.prod(shape)) * dtype.itemsize
            have = os.fstat(fh.fileno()).st_size - fh.tell()
    except FileNotFoundError:
        raise damaged(root, f"{path} is missing") from None
    except (OSError, ValueError, EOFError) as err:
        raise damaged(root, f"{path} is unreadable ({err})") from None
    if have < need:
        raise damaged(root, f"{path} is truncated ({have} of {need} data bytes)")


def refuse_foreign(root: Path) -> None:
    """A folder without a manifest becomes an index only if it holds nothing else."""
    others = sorted(p.name for p in root.iterdir() if p.name not in LOCKS)
    if any(name.startswith("seg-") for name in others):
        raise damaged(
            root, f"{root / 'manifest.json'} is missing, but the folder holds index segments"
        )
    if others:
        msg = (
            f"--index {root}: the folder is not empty ({', '.join(others[:3])}) and holds no "
            "manifest.json, so it is not a cleanse index; give an empty or new folder"
        )
        raise ConfigError(msg)


def check_manifest(root: Path, manifest: dict[str, Any]) -> None:
    path = root / "manifest.json"
    segments = manifest.get("segments")
    if not isinstance(segments, list) or not all(isinstance(x, str) for x in segments):
        raise damaged(root, f"{path} has no valid `segments` list")
    if not isinstance(manifest.get("params"), dict):
        raise damaged(root, f"{path} has no valid `params`")
    pending = manifest.setdefault("pending", {})
    if not isinstance(pending, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in pending.values()
    ):
        raise damaged(root, f"{path} has an invalid `pending` table")


def check_segment(root: Path, segment: str) -> None:
    folder = root / segment
    if "/" in segment or segment.startswith(".") or not folder.is_dir():
        raise damaged(root, f"segment {folder}, listed in manifest.json, is missing")
    for level in LEVELS:
        for name in FIELDS:
            _check_npy(root, folder / f"{level}.{name}.npy")
