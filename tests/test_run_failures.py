"""Run-level failures get one clear line: nothing written because every input was rejected, no
report for stdin to stdout, a full disk or a read-only DEST (issue 10, items 14-16).

The full-disk tests inject ENOSPC into the writer's write path (always run), and, where the
tests run as root and may mount, fill a real 2-5 MB tmpfs and resume after enlarging it.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import cleanse.writers
from cleanse.cli import main

FR = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine."


def corpus(path: Path, count: int, words: int = 60) -> Path:
    vocabulary = FR.split() + [f"mot{i}" for i in range(5000)]
    rng = random.Random(7)
    lines = []
    for i in range(count):
        text = " ".join(rng.choice(vocabulary) for _ in range(words))
        lines.append(json.dumps({"id": f"d{i}", "text": f"Document {i}. {text}"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def temporary_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name.endswith(".cleanse-tmp") or p.name.startswith(".tmp-"))


# Item 14: every input rejected


def test_a_run_that_rejects_every_input_exits_1_and_says_why(tmp_path, capsys):
    src = corpus(tmp_path / "in.jsonl", 5)
    dest = tmp_path / "out"
    assert main(["run", str(src), f"{dest}/", "--text-field", "txet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("cleanse: error: every input was rejected (5), nothing was written")
    assert "input.missing-text (5)" in err[-1] and "'txet'" in err[-1] and "--text-field" in err[-1]
    summary = json.loads((dest / ".cleanse" / "in.jsonl" / "summary.json").read_text())
    assert summary["documents"]["rejected"] == 5  # the report is still written


def test_a_run_that_rejects_only_some_inputs_still_exits_0(tmp_path):
    src = corpus(tmp_path / "in.jsonl", 5)
    with src.open("a") as fh:
        fh.write('{"id": "bad", "body": "x"}\n')
    assert main(["run", str(src), f"{tmp_path / 'out'}/", "-q"]) == 0


# Item 15: stdin to stdout


def cli(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleanse", *args], input=stdin, capture_output=True, timeout=300)


def test_stdin_to_stdout_without_report_says_there_is_none(tmp_path):
    data = b'{"text": "' + FR.encode() + b'"}\n{"id": 1\n'
    result = cli("run", "-", "-", stdin=data)
    err = result.stderr.decode()
    assert result.returncode == 0
    assert "in the audit" not in err and "no report written: --report DIR" in err


def test_stdin_to_stdout_writes_the_report_where_report_says(tmp_path):
    data = b'{"text": "' + FR.encode() + b'"}\n{"id": 1\n'
    report = tmp_path / "report"
    result = cli("run", "-", "-", "--report", str(report), stdin=data)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1
    audit = [json.loads(x) for x in (report / "audit.jsonl").read_text().splitlines()]
    assert [e["status"] for e in audit] == ["kept", "rejected"]
    assert json.loads((report / "summary.json").read_text())["documents"]["in"] == 2
    assert f"{report}/report.html" in result.stderr.decode()  # the summary line names the report


# Item 16: a full disk, a read-only DEST


def fail_writes_after(monkeypatch, count: int) -> None:
    """Make the writer's record writes fail with ENOSPC after `count` of them, as a full disk does:
    a record copied from its input line and one encoded again alike."""
    calls = {"n": 0}

    def failing(real):
        def write(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > count:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return write

    monkeypatch.setattr(cleanse.writers, "copied_line", failing(cleanse.writers.copied_line))
    monkeypatch.setattr(cleanse.writers, "record_line", failing(cleanse.writers.record_line))


def test_enospc_gives_one_error_line_removes_temporaries_and_resume_gives_the_same_bytes(
    tmp_path, monkeypatch, capsys
):
    src = corpus(tmp_path / "in.jsonl", 600)
    args = ["--batch-mb", "0.05", "--workers", "1", "-q"]
    reference = tmp_path / "reference"
    assert main(["run", str(src), f"{reference}/", *args]) == 0
    dest = tmp_path / "out"
    with monkeypatch.context() as patch:
        fail_writes_after(patch, 350)
        assert main(["run", str(src), f"{dest}/", *args]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"cleanse: error: {dest}/in.jsonl: No space left on device [ENOSPC]; ")
    assert "free some space, then run the same command with --resume" in line
    # Only what the checkpoint recorded is left: the temporary output and audit end where it says.
    progress = json.loads((dest / ".cleanse" / "in.jsonl" / "progress.json").read_text())
    assert 0 < progress["documents"] < 600
    assert (dest / ".in.jsonl.cleanse-tmp").stat().st_size == progress["writer"]["bytes"]
    assert (dest / ".cleanse" / "in.jsonl" / ".audit.jsonl.cleanse-tmp").stat().st_size == progress["audit_bytes"]
    assert not [p for p in temporary_files(dest) if p.name.startswith(".tmp-")]
    assert main(["run", str(src), f"{dest}/", *args, "--resume"]) == 0
    assert (dest / "in.jsonl").read_bytes() == (reference / "in.jsonl").read_bytes()
    assert (dest / ".cleanse" / "in.jsonl" / "audit.jsonl").read_bytes() == (reference / ".cleanse" / "in.jsonl" / "audit.jsonl").read_bytes()


def test_enospc_before_any_checkpoint_removes_every_temporary_file(tmp_path, monkeypatch, capsys):
    src = corpus(tmp_path / "in.jsonl", 50)
    dest = tmp_path / "out"
    fail_writes_after(monkeypatch, 10)
    assert main(["run", str(src), f"{dest}/", "-q", "--workers", "1"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "[ENOSPC]" in line and "no checkpoint was reached" in line
    assert temporary_files(dest) == [] and not (dest / ".cleanse" / "in.jsonl" / "run-index").exists()


def test_a_read_only_dest_gives_one_error_line(tmp_path, monkeypatch, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(FR)
    dest = tmp_path / "out"
    real_mkdir = pathlib.Path.mkdir

    def mkdir(self, *args, **kwargs):
        if str(self).startswith(str(dest)):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    assert main(["run", str(src), str(dest), "-q"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"cleanse: error: {dest}") and "Read-only file system [EROFS]" in line
    assert "you can write to" in line


def mount_tmpfs(path: Path, options: str) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    mount = Path("/tmp") / f"cleanse-small-{uuid.uuid4().hex[:8]}"
    if not mount_tmpfs(mount, "size=1m"):
        pytest.skip("cannot mount a tmpfs here (needs root); the ENOSPC injection tests cover it")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)
    mount.rmdir()


def test_a_real_full_disk_then_resume_after_freeing_space(tmp_path, small_disk, capsys):
    src = corpus(tmp_path / "in.jsonl", 1600, words=200)  # about 2.2 MB, more than the 1 MB disk
    args = ["--batch-mb", "0.2", "--workers", "1", "-q"]
    dest = small_disk / "out"
    assert main(["run", str(src), f"{dest}/", *args]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"cleanse: error: {dest}") and "[ENOSPC]" in line, line
    assert shutil.disk_usage(small_disk).free > 0  # what was written after the checkpoint is gone
    assert not [p for p in temporary_files(dest) if p.name.startswith(".tmp-")]
    subprocess.run(["mount", "-o", "remount,size=80m", str(small_disk)], check=True)
    progress = (dest / ".cleanse" / "in.jsonl" / "progress.json").exists()
    assert main(["run", str(src), f"{dest}/", *args, "--resume" if progress else "--overwrite"]) == 0
    reference = tmp_path / "reference"
    assert main(["run", str(src), f"{reference}/", *args]) == 0
    assert (dest / "in.jsonl").read_bytes() == (reference / "in.jsonl").read_bytes()
    assert (dest / ".cleanse" / "in.jsonl" / "audit.jsonl").read_bytes() == (reference / ".cleanse" / "in.jsonl" / "audit.jsonl").read_bytes()
