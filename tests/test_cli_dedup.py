"""The duplicate stages through the CLI: removal with audit, annotation, the persistent index.

The refusals (exit code, error line) go through a real `python -m cleanse`; the runs whose outputs
are checked call `main` in this process (the same command, without a new interpreter's imports)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from cleanse.cli import main

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "le gouvernement a présenté mardi un projet de loi sur la réforme des retraites qui prévoit "
    "un report progressif de l’âge légal et une hausse de la durée de cotisation pour tous les "
    "salariés du privé comme du public selon le ministre du travail interrogé hier soir"
).split()


def article(seed: int, n: int = 60) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleanse", *args], capture_output=True, text=True, check=False, cwd=ROOT)


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def audit_of(report: Path) -> list[dict]:
    return [json.loads(x) for x in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def test_dedup_removes_later_copies_and_says_of_what(tmp_path):
    a, b = article(1), article(2)
    near = a.replace(a.split()[10], "budget", 1)
    src = write(tmp_path / "in.jsonl", [
        {"id": "a", "text": a}, {"id": "b", "text": b}, {"id": "a-copy", "text": a}, {"id": "a-near", "text": near},
    ])  # fmt: skip
    out = tmp_path / "out.jsonl"
    assert main(["dedup", str(src), str(out), "-q"]) == 0
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["a", "b"]
    audit = {x["id"]: x for x in audit_of(tmp_path / ".cleanse" / "out.jsonl")}
    assert audit["a-copy"]["status"] == "removed" and audit["a-copy"]["duplicate_of"] == "a"
    assert audit["a-copy"]["reason"] == "dedup.document-exact" and audit["a-copy"]["similarity"] == 1.0
    assert audit["a-near"]["reason"] == "dedup.document-near" and 0.8 <= audit["a-near"]["similarity"] < 1.0


def test_annotate_keeps_every_record(tmp_path):
    a = article(3)
    src = write(tmp_path / "in.jsonl", [{"id": "x", "text": a}, {"id": "y", "text": a}])
    out = tmp_path / "out.jsonl"
    assert main(["run", str(src), str(out), "--annotate", "-q"]) == 0
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["x", "y"]
    assert records[0]["duplicate"] == {"status": "unique"}
    assert records[1]["duplicate"]["status"] == "duplicate" and records[1]["duplicate"]["duplicate_of"] == "x"


def test_annotate_never_overwrites_a_field_the_records_have(tmp_path):
    a = article(3)
    records = [{"id": "x", "text": a, "duplicate": "mine"}, {"id": "y", "text": a, "duplicate": ["kept"]}]
    src = write(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"
    refused = cli("dedup", str(src), str(out), "--annotate", "-q")
    assert refused.returncode == 1
    assert refused.stderr.startswith("cleanse: error: record x ")
    assert "`duplicate`" in refused.stderr and "--annotate-field" in refused.stderr
    assert not out.exists()
    assert main(["dedup", str(src), str(out), "--annotate", "--annotate-field", "dedup", "--overwrite", "-q"]) == 0
    got = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["duplicate"] for r in got] == ["mine", ["kept"]]
    assert got[0]["dedup"] == {"status": "unique"} and got[1]["dedup"]["duplicate_of"] == "x"


def test_index_carries_over_between_runs_and_refuses_other_settings(tmp_path):
    index = tmp_path / "index"
    day1 = write(tmp_path / "day1.jsonl", [{"id": "old", "text": article(4)}])
    day2 = write(tmp_path / "day2.jsonl", [{"id": "new", "text": article(5)}, {"id": "again", "text": article(4)}])
    assert main(["dedup", str(day1), str(tmp_path / "o1.jsonl"), "--index", str(index), "-q"]) == 0
    assert main(["dedup", str(day2), str(tmp_path / "o2.jsonl"), "--index", str(index), "-q"]) == 0
    assert [json.loads(x)["id"] for x in (tmp_path / "o2.jsonl").read_text().splitlines()] == ["new"]
    audit = {x["id"]: x for x in audit_of(tmp_path / ".cleanse" / "o2.jsonl")}
    assert audit["again"]["duplicate_of"] == "old" and audit["again"]["from_index"] is True
    refused = cli("dedup", str(day2), str(tmp_path / "o3.jsonl"), "--index", str(index), "--threshold", "0.7", "-q")
    assert refused.returncode == 1
    assert refused.stderr.startswith("cleanse: error: ") and "other duplicate settings" in refused.stderr
    assert not (tmp_path / "o3.jsonl").exists()


def test_no_dedup_and_level_flags(tmp_path):
    a = article(6)
    src = write(tmp_path / "in.jsonl", [{"id": "x", "text": a}, {"id": "y", "text": a}])
    assert main(["run", str(src), str(tmp_path / "o1.jsonl"), "--no-dedup", "-q"]) == 0
    assert len((tmp_path / "o1.jsonl").read_text().splitlines()) == 2
    assert main(["run", str(src), str(tmp_path / "o2.jsonl"), "--level", "paragraph", "-q"]) == 0
    records = [json.loads(x) for x in (tmp_path / "o2.jsonl").read_text().splitlines()]
    assert len(records) == 1  # y's only paragraph is a copy of x's, so y has nothing left
    summary = json.loads((tmp_path / ".cleanse" / "o2.jsonl" / "summary.json").read_text())
    assert summary["removed_by"] == {"dedup.all-paragraphs-duplicate": 1}


def test_dedup_output_does_not_depend_on_workers(tmp_path):
    docs = [{"id": i, "text": article(i % 40) + "\n\n" + article(1000 + i)} for i in range(600)]
    src = write(tmp_path / "in.jsonl", docs)
    got = []
    for workers in ("1", "2"):
        out = tmp_path / f"o{workers}.jsonl"
        assert main(["run", str(src), str(out), "--workers", workers, "-q"]) == 0
        got.append((out.read_bytes(), (tmp_path / ".cleanse" / out.name / "audit.jsonl").read_bytes()))
    assert got[0] == got[1]
