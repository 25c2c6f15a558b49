"""The report's figures counted while the audit is written equal those read back from audit.jsonl.

A run counts each audit line as it writes it (`AuditSink.counted`) and hands the figures to the
report, which then does not read the audit again; `cleanse report` still reads it. Both must give
the same `RunFacts`: checked on runs with every kind of audit line (cleaned, changed, removed by a
rule, by the classifier, as a duplicate document or paragraph, rejected inputs, records with a
site and a URL, a resumed run that counts from the file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanse import job
from cleanse.cli import main
from cleanse.report import REPORT_NAME
from cleanse.report.load import RunFacts, load_run

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PARAGRAPH = (
    "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites qui prévoit "
    "un report progressif de l’âge légal et une hausse de la durée de cotisation."
)


def spy_on_reports(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, RunFacts | None]]:
    """The (report folder, counted figures) each run hands to write_report from now on."""
    calls: list[tuple[Path, RunFacts | None]] = []
    real = job.write_report

    def spy(folder: Path, out: Path | None = None, counted: RunFacts | None = None) -> Path:
        calls.append((folder, counted))
        return real(folder, out, counted)

    monkeypatch.setattr(job, "write_report", spy)
    return calls


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, RunFacts | None]]:
    return spy_on_reports(monkeypatch)


def mixed_source(root: Path) -> Path:
    """Files and records that give every kind of audit line."""
    src = root / "src"
    src.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (src / seed.name).write_bytes(seed.read_bytes())
    (src / "copy-a.txt").write_text(f"{PARAGRAPH}\n\nPartager\n", encoding="utf-8")
    (src / "copy-b.txt").write_text(f"{PARAGRAPH}\n", encoding="utf-8")
    (src / "blank.txt").write_text(" \n\n", encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (src / "mojibake.txt").write_text("l’Ã©tÃ© dernier, Tom &amp; Jerry\r\n", encoding="utf-8")
    records = [
        {"id": "r1", "url": "https://example.org/a", "text": f"{PARAGRAPH}\nShare\nRead more"},
        {"id": "r2", "url": "https://example.org/b", "text": "Copyright 2024 Example"},
        {"id": "r3", "text": 12},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + ["{not json"]
    (src / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


@pytest.mark.parametrize("level", ["paragraph", "document"])
def test_counted_figures_equal_the_audit_read_back(tmp_path, captured, level):
    src = mixed_source(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(src), str(out), "-q", "--workers", "1", "--level", level]) == 0
    ((folder, counted),) = captured
    assert counted is not None
    read_back = load_run(folder)
    assert load_run(folder, counted) == read_back
    assert read_back.audit_lines > 10 and read_back.rejected and read_back.removed_by
    assert read_back.rules and read_back.statuses["changed"]
    # The page the run wrote is the page `cleanse report` draws from the files.
    again = tmp_path / "again.html"
    assert main(["report", str(folder), "-o", str(again)]) == 0
    assert again.read_bytes() == (folder / REPORT_NAME).read_bytes()


def test_clean_command_counts_too(tmp_path, captured):
    src = mixed_source(tmp_path)
    assert main(["clean", str(src), str(tmp_path / "out"), "-q", "-j", "1"]) == 0
    ((folder, counted),) = captured
    assert counted is not None and load_run(folder, counted) == load_run(folder)


def test_a_resumed_run_reads_its_audit(tmp_path, crash_after, monkeypatch):
    src = mixed_source(tmp_path)
    args = ["run", str(src), str(tmp_path / "out"), "-q", "--workers", "1", "--batch-mb", "0.001"]
    crash_after(2)
    assert main(args) == 130
    monkeypatch.undo()
    captured = spy_on_reports(monkeypatch)
    assert main([*args, "--resume"]) == 0
    ((folder, counted),) = captured
    assert counted is None  # the lines written before the checkpoint were not counted here
    facts = load_run(folder)
    assert facts.audit_lines == len((folder / "audit.jsonl").read_bytes().splitlines())
    assert facts.audit_lines == len(list(src.iterdir())) + 3  # records.jsonl holds 4 inputs
