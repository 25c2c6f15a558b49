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

from cleanse.durable import atomic_file
from cleanse.errors import InputError
from cleanse.remote import is_remote

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
    identity: dict[str, Any] | None = None  # RunIdentity.parts: what a refusal compares

    def save(self, report: Path) -> None:
        """Replace the report folder's progress file atomically."""
        data = json.dumps(asdict(self), ensure_ascii=False).encode("utf-8")
        with atomic_file(report / PROGRESS_FILE, report / f".{PROGRESS_FILE}.tmp") as fh:
            fh.write(data)

    @classmethod
    def load(cls, report: Path, fingerprint: str | RunIdentity) -> Checkpoint:
        """The checkpoint of a killed run in `report`, refused if it belongs to other settings;
        given a RunIdentity, the refusal names each setting that differs."""
        identity = fingerprint if isinstance(fingerprint, RunIdentity) else None
        fingerprint = identity.digest if identity is not None else str(fingerprint)
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
            differ = "other settings, rules or inputs"
            if identity is not None and checkpoint.identity is not None:
                differ = "; ".join(differences(checkpoint.identity, identity.parts)) or differ
            elif checkpoint.version != VERSION:
                differ = f"another version of cleanse (checkpoint format {checkpoint.version})"
            msg = (
                f"cannot resume: the run in {report.parent} differs: {differ}; rerun it with "
                "the same command, or start again with --overwrite"
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
            digest.update(
                f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogatepass")
            )
        except OSError:
            digest.update(f"{path}\0?\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


# How a setting is given on the command line, for refusals that name it.
_SETTING_NAMES = {
    "src": "SRC",
    "dest": "DEST",
    "mirror": "DEST (a folder or a file)",
    "report": "--report",
    "lang": "--lang",
    "statuses": "--rule-status",
    "fix_encoding": "CleanConfig.fix_encoding",
    "rule_timeout": "CleanConfig.rule_timeout",
    "site_from": "--site-from",
    "annotate_field": "--annotate-field",
    "rule_files": "the rule files (--rules, --no-builtin-rules)",
    "rules_loaded": "the number of rules loaded (--rules)",
    "text_field": "--text-field",
    "id_field": "--id-field",
    "clean": "the command (run, clean or dedup)",
    "classify": "--classify",
    "dedup": "--no-dedup or the command",
    "dedup_params": "the duplicate settings (--threshold, --level, --keep)",
    "annotate": "--annotate",
    "index": "--index",
    "batch_chars": "--batch-mb",
    "batch_docs": "the records per batch",
    "learn": "--learn (--min-docs, --min-share)",
}


@dataclass(frozen=True, slots=True)
class RunIdentity:
    """What decides a run's output, as a digest (`fingerprint`) and as parts a refusal compares:
    the settings, each rule file's content digest, and the input listing's count and digest."""

    digest: str
    parts: dict[str, Any]


def normalize_path(path: str | None) -> str | None:
    """A path as the fingerprint sees it: absolute, without `./`, `..` or a trailing slash, so
    that `out`, `out/` and `./out` are one DEST.

    >>> normalize_path("a/./b/") == normalize_path("a/b")
    True
    """
    if path is None or path == "-":
        return None
    return path.rstrip("/") if is_remote(path) else os.path.abspath(path)


def identify(settings: dict[str, Any], rule_files: list[str], inputs: list[Path]) -> RunIdentity:
    """The RunIdentity of a run: `fingerprint` of the same arguments, and its parts."""
    rules = {}
    for name in rule_files:
        try:
            rules[name] = hashlib.sha256(Path(name).read_bytes()).hexdigest()[:16]
        except OSError:
            rules[name] = "?"
    listing = fingerprint({}, [], inputs)
    parts = {
        "settings": json.loads(json.dumps(settings, default=str)),
        "rules": rules,
        "inputs": {"count": len(inputs), "digest": listing[:16]},
    }
    return RunIdentity(fingerprint(settings, rule_files, inputs), parts)


def differences(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What differs between two RunIdentity parts, one phrase each, naming the option.

    >>> differences({"settings": {"lang": "fr"}}, {"settings": {"lang": "en"}})
    ["--lang was 'fr', now 'en'"]
    """
    found = []
    old, new = before.get("settings", {}), now.get("settings", {})
    for key in sorted(set(old) | set(new)):
        was, now_ = old.get(key), new.get(key)
        if was == now_:
            continue
        name = _SETTING_NAMES.get(key, key)
        if isinstance(was, dict) and isinstance(now_, dict):
            changed = [
                f"{sub} was {was.get(sub)!r}, now {now_.get(sub)!r}"
                for sub in sorted(set(was) | set(now_))
                if was.get(sub) != now_.get(sub)
            ]
            found.append(f"{name}: {', '.join(changed)}")
        else:
            found.append(f"{name} was {was!r}, now {now_!r}")
    old_rules, new_rules = before.get("rules", {}), now.get("rules", {})
    for name in sorted(set(old_rules) | set(new_rules)):
        if name not in new_rules:
            found.append(f"rule file {name} is no longer loaded")
        elif name not in old_rules:
            found.append(f"rule file {name} is new")
        elif old_rules[name] != new_rules[name]:
            found.append(f"rule file {name} was edited")
    old_inputs, new_inputs = before.get("inputs", {}), now.get("inputs", {})
    if old_inputs != new_inputs:
        count = f"{old_inputs.get('count')} input files then, {new_inputs.get('count')} now"
        found.append(f"the inputs changed ({count}; or one was added, removed or modified)")
    return found
