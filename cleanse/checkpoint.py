"""How far a run got: written after each batch, so `--resume` continues a killed run exactly.

A checkpoint is taken only when everything before it is durable: the documents written (fsync of
the JSONL file, one syncfs for .txt files, fsync of the folders that got new names), the audit
lines, the duplicate index segments; progress.json itself is fsynced, then its folder. It records the counts so far and where the open output file
and the audit stood, so a resumed run drops what came after and redoes it: the result equals
an uninterrupted run's, byte for byte. `fingerprint` refuses to resume with other settings or
other inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cleanse.errors import InputError
from cleanse.writers import fsync_dir

PROGRESS_FILE = "progress.json"
VERSION = 2


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The state of a run after its first `documents` input documents were fully handled."""

    fingerprint: str
    documents: int
    stats: dict[str, Any]
    audit_bytes: int
    writer: dict[str, Any]
    index_segments: list[str] | None
    index_base: dict[str, int] | None  # entries the index held when the run began
    run: str = ""  # the run's id: its pending segments in a duplicate index carry it
    version: int = VERSION

    def save(self, report: Path) -> None:
        """Replace the report folder's progress file atomically."""
        tmp = report / f".{PROGRESS_FILE}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, report / PROGRESS_FILE)
        fsync_dir(report)

    @classmethod
    def load(cls, report: Path, fingerprint: str) -> Checkpoint:
        """The checkpoint of a killed run in `report`, refused if it belongs to other settings."""
        path = report / PROGRESS_FILE
        if not path.exists():
            done = (report / "summary.json").exists()
            why = "that run finished" if done else "no run was started there"
            msg = f"nothing to resume: {path} does not exist ({why})"
            raise InputError(msg)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            checkpoint = cls(**data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError) as err:
            msg = f"{path} is unreadable ({err}); start the run again with --overwrite"
            raise InputError(msg) from err
        if checkpoint.version != VERSION or checkpoint.fingerprint != fingerprint:
            msg = (
                f"cannot resume: the run in {report.parent} used other settings, rules or inputs; "
                "rerun it with the same command, or start again with --overwrite"
            )
            raise InputError(msg)
        return checkpoint

    @staticmethod
    def clear(report: Path) -> None:
        """Remove the progress file once the run is complete."""
        (report / PROGRESS_FILE).unlink(missing_ok=True)


def fingerprint(settings: dict[str, Any], rule_files: list[str], inputs: list[Path]) -> str:
    """A digest of what decides a run's output: settings, rule file contents, input files.

    Inputs count by path, size and modification time, so an edited input is noticed without
    reading it.
    """
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for name in rule_files:
        digest.update(name.encode("utf-8", "surrogatepass"))
        try:
            digest.update(Path(name).read_bytes())
        except OSError:
            digest.update(b"?")
    for path in inputs:
        try:
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        except OSError:
            digest.update(f"{path}\0?\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
