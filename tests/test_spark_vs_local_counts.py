"""benchmarks/spark_vs_local.py counts how a Spark run's output differs from the local run's
(corpus files, records, decisions, audit entries) before it removes either output."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from cleanse.cli import main

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ZERO = {
    "corpus_files_differing": 0,
    "records_only_in_first": 0,
    "records_only_in_second": 0,
    "decisions_differing": 0,
    "audit_entries_differing": 0,
    "audit_files_differing": 0,
}


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))  # benchmarks/ is not a package: its modules import each other
    try:
        import spark_vs_local

        yield spark_vs_local
    finally:
        sys.path.remove(str(BENCH))


def write_corpus(src: Path) -> int:
    """The seed articles as JSON lines, the first one twice (an exact copy a run removes)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    lines = [json.dumps({"id": f"d{k}", "text": t}, ensure_ascii=False) for k, t in enumerate([*texts, texts[0]])]
    src.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode()
    (src / "crawl.jsonl").write_bytes(data)
    return len(data)


def test_the_counts_are_zero_for_the_same_bytes_and_count_each_kind_of_difference(bench, tmp_path) -> None:
    write_corpus(tmp_path / "src")
    deduplicated, kept_all = tmp_path / "dedup", tmp_path / "kept"
    level = ["--level", "document"]  # the seeds share paragraphs: only the copy is removed
    assert main(["run", str(tmp_path / "src"), str(deduplicated), "-q", "--workers", "1", *level]) == 0
    assert main(["run", str(tmp_path / "src"), str(kept_all), "-q", "--workers", "1", "--no-dedup"]) == 0
    shutil.copytree(deduplicated, tmp_path / "copy")
    assert bench.count_differences(deduplicated, tmp_path / "copy") == ZERO
    # The copy of d0 is removed in one run and written in the other: one record, one decision.
    assert bench.count_differences(deduplicated, kept_all) == ZERO | {
        "corpus_files_differing": 1,
        "records_only_in_second": 1,
        "decisions_differing": 1,
        "audit_entries_differing": 1,
        "audit_files_differing": 1,
    }
    # One record edited and one audit entry's changes dropped: no decision differs.
    out = tmp_path / "copy" / "crawl.jsonl"
    records = out.read_text(encoding="utf-8").splitlines()
    records[1] = records[1].replace("a", "b", 1)
    out.write_text("\n".join(records) + "\n", encoding="utf-8")
    audit = tmp_path / "copy" / ".cleanse" / "audit.jsonl"
    entries = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert entries[0]["changes"]
    entries[0]["changes"] = []
    audit.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    assert bench.count_differences(deduplicated, tmp_path / "copy") == ZERO | {
        "corpus_files_differing": 1,
        "records_only_in_first": 1,
        "records_only_in_second": 1,
        "audit_entries_differing": 1,
        "audit_files_differing": 1,
    }


def test_each_spark_run_is_counted_against_the_local_run_before_the_outputs_go(
    bench, tmp_path, monkeypatch, capsys
) -> None:
    # The script's own order of runs, counts and removals, with the engines stood in for by
    # in-process local runs: a "Spark" run without duplicate removal, so the counts are not zero.
    ran: list[Path] = []

    def run_measured(src: Path, dest: Path, extra: list[str], command: str) -> dict:
        options = ["--no-dedup"] if "--engine" in extra else ["--level", "document"]
        assert main([command, str(src), str(dest), "-q", "--workers", "1", *options]) == 0
        ran.append(dest)
        return {"wall_s": 1.0, "cpu_s": 1.0, "peak_mb": 1, "load_1min": [0.0, 0.0]}

    monkeypatch.setattr(bench, "write_corpus", lambda src, gigabytes: write_corpus(src))
    monkeypatch.setattr(bench, "run_measured", run_measured)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    results = tmp_path / "results.jsonl"
    monkeypatch.setattr(sys, "argv", ["spark_vs_local.py", "--mb", "1", "--partitions", "3", "--out", str(results)])
    bench.main()
    counted = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines() if "differences" in line]
    assert [c["run"] for c in counted] == ["spark local[2]", "spark local[2], 3 partitions"]
    for record in counted:
        assert record["differences"]["records_only_in_second"] == 1
        assert record["differences"]["decisions_differing"] == 1
    printed = capsys.readouterr().out
    assert "spark output identical to local: False" in printed
    assert json.loads(printed.splitlines()[-1])["parity"] is False
    assert len(ran) == 3 and not any(dest.exists() for dest in ran)  # and removed afterwards
