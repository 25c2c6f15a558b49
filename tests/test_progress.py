"""Progress: totals from the listing, one phase each, log lines every N seconds, silence with --quiet."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from cleanse.cli.progress_display import LogLines, reporter
from cleanse.dedup import DedupConfig
from cleanse.document import Document
from cleanse.job import JobConfig, run_job
from cleanse.progress import RunProgress
from cleanse.rules import RuleSet
from cleanse.walk import list_inputs

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites.\n"


class Recorder:
    def __init__(self):
        self.started: dict[str, tuple] = {}
        self.done: dict[str, int] = {}
        self.closed = False

    def start(self, phase, total, unit):
        self.started[phase] = (total, unit)
        self.done[phase] = 0

    def advance(self, phase, amount):
        self.done[phase] += amount
        assert self.done[phase] <= (self.started[phase][0] or self.done[phase])  # never past the total

    def close(self):
        self.closed = True


def make_src(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(5):
        (src / f"{i}.txt").write_text(TEXT * (i + 1), encoding="utf-8")
    (src / "records.jsonl").write_text("".join(f'{{"text": "Texte {i} assez long ici."}}\n' for i in range(3)), encoding="utf-8")
    return src


def test_each_phase_reaches_the_total_known_from_the_listing(tmp_path, capsys):
    src = make_src(tmp_path)
    seen = Recorder()
    config = JobConfig(src=str(src), dest=str(tmp_path / "out"), progress=seen, batch_chars=200, dedup=DedupConfig())
    run_job(config, RuleSet(()))
    total = sum(p.stat().st_size for p in src.iterdir())
    assert seen.started == dict.fromkeys(("clean", "dedup", "write"), (total, "B"))
    assert seen.done == {"clean": total, "dedup": total, "write": total} and seen.closed
    assert capsys.readouterr().err == ""  # the library itself prints nothing


def test_stdin_counts_documents():
    seen = Recorder()
    progress = RunProgress(seen, None, dedup=False)
    list(progress.cleaned([Document.from_text("a", "x"), Document.from_text("b", "y")]))
    progress.written([Document.from_text("a", "x")])
    progress.close()
    assert seen.started == {"clean": (None, "docs"), "write": (None, "docs")}
    assert seen.done == {"clean": 2, "write": 1}


def test_a_gzip_file_never_runs_past_its_size(tmp_path):
    (tmp_path / "big.jsonl.gz").write_bytes(b"x" * 10)  # smaller than the text it holds
    seen = Recorder()
    progress = RunProgress(seen, list_inputs(tmp_path / "big.jsonl.gz"))
    list(progress.cleaned([Document.from_text("a", "y" * 50, source="big.jsonl.gz")]))
    assert seen.done["clean"] < 10
    progress.close()
    assert seen.done["clean"] == 10


def test_log_lines_every_n_seconds_with_rate_and_time_left():
    now = [0.0]
    out = io.StringIO()
    log = LogLines(out, every=10, clock=lambda: now[0])
    log.start("clean", 1000, "B")
    log.start("write", 1000, "B")
    now[0] = 5
    log.advance("clean", 100)
    assert out.getvalue() == ""  # not yet 10 s
    now[0] = 10
    log.advance("clean", 100)
    assert out.getvalue() == "cleanse: progress 10s: clean 20% (200 B of 1000 B, 20 B/s, 40s left); write 0% (0 B of 1000 B, 0 B/s, time left unknown)\n"
    now[0] = 12
    log.advance("write", 1000)
    log.close()
    assert out.getvalue().splitlines()[-1].endswith("write 100% (1000 B of 1000 B, 83 B/s, 0s left)")


def test_quiet_and_not_a_terminal():
    assert reporter(True, 30) is None
    assert isinstance(reporter(False, 30, io.StringIO()), LogLines)


def test_cli_logs_progress_when_stderr_is_not_a_terminal(tmp_path):
    src = make_src(tmp_path)
    run = [sys.executable, "-m", "cleanse", "run", str(src), "--workers", "1"]
    logged = subprocess.run([*run, str(tmp_path / "a"), "--progress-every", "0"], capture_output=True, text=True, cwd=ROOT)
    assert logged.returncode == 0
    lines = [x for x in logged.stderr.splitlines() if x.startswith("cleanse: progress")]
    assert lines and "clean 100%" in lines[-1] and "dedup 100%" in lines[-1] and "write 100%" in lines[-1]
    quiet = subprocess.run([*run, str(tmp_path / "b"), "-q"], capture_output=True, text=True, cwd=ROOT)
    assert quiet.returncode == 0 and quiet.stderr == ""
