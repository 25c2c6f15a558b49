"""A killed run leaves no half-written output under a final name; `--resume` finishes it exactly.

The corpus is generated here (words drawn with a fixed seed, with copied documents and repeated
paragraphs so the duplicate stages work across batches) and written as .jsonl.gz, .jsonl and .txt,
so every kind of output file is interrupted at some point.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanse.cli import main

from .helpers import paragraph, tree


def _document(rng: random.Random, shared: list[str]) -> str:
    paragraphs = [paragraph(rng) for _ in range(rng.randint(3, 8))]
    if rng.random() < 0.3:
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(shared))
    return "\n".join(["Partager cet article", *paragraphs]) + "\n"


def make_corpus(root: Path, docs: int = 600) -> Path:
    """A folder with a .jsonl.gz, a .jsonl and .txt files; about a tenth are exact copies."""
    rng = random.Random(7)
    shared = [paragraph(rng) for _ in range(20)]
    texts = [_document(rng, shared) for _ in range(docs)]
    texts += [texts[rng.randrange(len(texts))] for _ in range(docs // 10)]
    third = len(texts) // 3
    src = root / "src"
    (src / "txt").mkdir(parents=True)
    with gzip.open(src / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i, text in enumerate(texts[:third]):
            fh.write(json.dumps({"id": f"a{i}", "url": "https://a.example/x", "text": text}) + "\n")
    with (src / "b.jsonl").open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts[third : 2 * third]):
            fh.write(json.dumps({"id": f"b{i}", "text": text}) + "\n")
    for i, text in enumerate(texts[2 * third :]):
        (src / "txt" / f"{i:04d}.txt").write_text(text, encoding="utf-8")
    return src


RUN = ["run", "-q", "--workers", "1", "--batch-mb", "0.02"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A corpus and the output of an uninterrupted run of it, made at the path later runs use."""
    root = tmp_path_factory.mktemp("resume")
    src = make_corpus(root)
    dest = root / "out"
    assert main([*RUN[:1], str(src), str(dest), *RUN[1:]]) == 0
    expected = tree(dest)
    shutil.rmtree(dest)
    return src, dest, expected


def test_reference_run_goes_in_several_batches_and_finds_duplicates(reference):
    _, _, expected = reference
    summary = json.loads(expected[".cleanse/summary.json"])
    assert summary["documents"]["in"] == 660
    assert summary["removed_by"].get("dedup.document-exact", 0) >= 50
    assert not any(name.endswith((".cleanse-tmp", "progress.json")) for name in expected)
    assert "run-index" not in " ".join(expected)


@pytest.mark.parametrize("batches", [1, 7, 19])
def test_resume_after_an_interruption_equals_an_uninterrupted_run(crash_after, reference, monkeypatch, batches):
    src, dest, expected = reference
    crash_after(batches)
    assert main([*RUN[:1], str(src), str(dest), *RUN[1:]]) == 130
    monkeypatch.undo()
    try:
        assert not (dest / ".cleanse" / "summary.json").exists()
        assert main([*RUN[:1], str(src), str(dest), *RUN[1:], "--resume"]) == 0
        assert tree(dest) == expected
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def test_sigkill_midway_leaves_no_partial_file_and_resume_completes_it(reference):
    src, dest, expected = reference
    command = [sys.executable, "-m", "cleanse", *RUN[:1], str(src), str(dest), *RUN[1:]]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    progress = dest / ".cleanse" / "progress.json"
    deadline = time.monotonic() + 120
    try:
        # Kill it once a few checkpoints are behind it: mid-corpus, mid-file.
        while time.monotonic() < deadline and proc.poll() is None:
            if progress.exists() and json.loads(progress.read_text() or "{}").get("documents", 0) >= 150:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the run finished before it could be killed; make the corpus bigger"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = tree(dest)
        assert ".cleanse/summary.json" not in left and ".cleanse/audit.jsonl" not in left
        for name, data in left.items():
            if not name.startswith(".") and "/." not in name:
                # Anything under a final name is complete: identical to the uninterrupted run's.
                assert data == expected[name], name
        resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert tree(dest) == expected
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(dest, ignore_errors=True)


def test_resume_refuses_other_settings_and_a_finished_run(crash_after, reference, monkeypatch, capsys):
    src, dest, _ = reference
    crash_after(2)
    assert main([*RUN[:1], str(src), str(dest), *RUN[1:]]) == 130
    monkeypatch.undo()
    try:
        assert main([*RUN[:1], str(src), str(dest), *RUN[1:], "--resume", "--threshold", "0.7"]) == 1
        assert "threshold was 0.8, now 0.7" in capsys.readouterr().err
        assert main([*RUN[:1], str(src), str(dest), *RUN[1:]]) == 1
        assert "--resume to continue" in capsys.readouterr().err
        assert main([*RUN[:1], str(src), str(dest), *RUN[1:], "--resume", "--workers", "2"]) == 0
        assert main([*RUN[:1], str(src), str(dest), *RUN[1:], "--resume"]) == 1
        assert "that run finished" in capsys.readouterr().err
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def test_a_non_empty_dest_is_refused_unless_overwrite(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Un texte propre et assez long pour rester tel quel.\n", encoding="utf-8")
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "notes.md").write_text("mine", encoding="utf-8")
    assert main(["clean", str(src), str(dest), "-q"]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["clean", str(src), str(dest), "-q", "--overwrite"]) == 0
    assert (dest / "notes.md").read_text(encoding="utf-8") == "mine"
    assert (dest / "a.txt").exists()
