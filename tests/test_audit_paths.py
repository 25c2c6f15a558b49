"""The audit names where each document was read, and where the copy it duplicates was read.

Sharded JSONL often repeats ids ("seed-1" in every shard): the audit must still tell the records
apart, whether the copy is in the same batch, an earlier batch, or an earlier run's index.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cleanse.cli import main

WORDS = "ville pays accord visite semaine projet marché école rivière tribunal énergie prix banque route train".split()


def _text(seed: int) -> str:
    rng = random.Random(seed)
    return "Le " + " ".join(rng.choice(WORDS) for _ in range(50)) + ".\n"


def _shards(root: Path) -> Path:
    src = root / "shards"
    src.mkdir()
    rows = {
        "s1.jsonl": [("seed-0", 0), ("seed-1", 1)],
        "s2.jsonl": [("seed-1", 2), ("seed-1", 1)],  # the second is a copy of s1.jsonl's line 2
    }
    for name, records in rows.items():
        lines = [json.dumps({"id": doc_id, "text": _text(seed)}) for doc_id, seed in records]
        (src / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (src / "notes.txt").write_text(_text(0), encoding="utf-8")  # a copy of s1.jsonl's line 1
    return src


def _audit(report: Path) -> list[dict]:
    return [json.loads(x) for x in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("batch_mb", ["32", "0.0002"])  # one batch, or one batch per document
def test_audit_names_paths_and_lines_of_repeated_ids(tmp_path, batch_mb):
    src = _shards(tmp_path)
    dest = tmp_path / "out"
    assert main(["run", str(src), str(dest), "-q", "--workers", "1", "--batch-mb", batch_mb]) == 0
    audit = _audit(dest / ".cleanse")
    where = [(a["id"], a["path"], a.get("line")) for a in audit]
    assert where == [
        ("notes.txt", "notes.txt", None),
        ("seed-0", "s1.jsonl", 1),
        ("seed-1", "s1.jsonl", 2),
        ("seed-1", "s2.jsonl", 1),
        ("seed-1", "s2.jsonl", 2),
    ]
    copy = audit[4]
    assert copy["status"] == "removed" and copy["duplicate_of"] == "seed-1"
    assert (copy["duplicate_of_path"], copy["duplicate_of_input_line"]) == ("s1.jsonl", 2)
    text_copy = audit[1]  # notes.txt is read first: the JSONL record is its copy
    assert text_copy["status"] == "removed" and text_copy["duplicate_of"] == "notes.txt"
    assert text_copy["duplicate_of_path"] == "notes.txt" and "duplicate_of_input_line" not in text_copy


def test_a_copy_found_in_an_earlier_runs_index_names_its_path(tmp_path):
    src = _shards(tmp_path)
    index = tmp_path / "index"
    first = ["dedup", str(src / "s1.jsonl"), str(tmp_path / "o1.jsonl"), "--index", str(index), "-q"]
    assert main(first) == 0
    second = ["dedup", str(src / "s2.jsonl"), str(tmp_path / "o2.jsonl"), "--index", str(index), "-q"]
    assert main(second) == 0
    audit = _audit(tmp_path / ".cleanse" / "o2.jsonl")
    assert [(a["path"], a["line"], a["status"]) for a in audit] == [
        ("s2.jsonl", 1, "kept"),
        ("s2.jsonl", 2, "removed"),
    ]
    copy = audit[1]
    assert copy["from_index"] is True and copy["duplicate_of"] == "seed-1"
    assert (copy["duplicate_of_path"], copy["duplicate_of_input_line"]) == ("s1.jsonl", 2)


def test_rejected_lines_keep_their_path_and_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n{broken\n', encoding="utf-8")
    assert main(["clean", str(src), str(tmp_path / "o.jsonl"), "-q"]) == 0
    audit = _audit(tmp_path / ".cleanse" / "o.jsonl")
    assert [(a["path"], a["line"]) for a in audit] == [("in.jsonl", 1), ("in.jsonl", 2)]
    assert audit[1]["status"] == "rejected"
