"""Resume compares paths as the file system sees them, and every refusal names what differs
(issue 10, item 17)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cleanse import job
from cleanse.cli import main

ARGS = ["--batch-mb", "0.02", "--workers", "1", "-q"]


def make_src(root: Path) -> Path:
    rng = random.Random(3)
    words = [f"mot{i}" for i in range(3000)]
    root.mkdir()
    for part in range(2):
        lines = [
            json.dumps({"id": f"p{part}-{i}", "text": " ".join(rng.choice(words) for _ in range(80))})
            for i in range(150)
        ]
        (root / f"part{part}.jsonl").write_text("\n".join(lines) + "\n")
    return root


def interrupt(monkeypatch, src: Path, dest: str, *extra: str) -> None:
    """Run until the second checkpoint, then die as a killed run does."""
    real = job._save_checkpoint
    seen = {"n": 0}

    def save_then_die(*args, **kwargs):
        real(*args, **kwargs)
        seen["n"] += 1
        if seen["n"] == 2:
            raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(job, "_save_checkpoint", save_then_die)
        assert main(["run", str(src), dest, *ARGS, *extra]) == 130


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = make_src(tmp_path / "src")
    reference = tmp_path / "reference"
    assert main(["run", str(src), str(reference), *ARGS]) == 0
    return src, reference


@pytest.mark.parametrize(
    ("first", "again"),
    [("out", "out/"), ("out/", "out"), ("out", "./out"), ("out", "{abs}/out")],
    ids=["slash-added", "slash-removed", "dot-slash", "absolute"],
)
def test_resume_accepts_the_same_dest_written_another_way(workspace, monkeypatch, tmp_path, first, again):
    src, reference = workspace
    interrupt(monkeypatch, src, first)
    again = again.format(abs=Path.cwd())
    assert main(["run", "src/", again, *ARGS, "--resume"]) == 0
    out = tmp_path / "out"
    for name in ("part0.jsonl", "part1.jsonl", ".cleanse/audit.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--lang", "fr"], "--lang was None, now 'fr'"),
        (["--text-field", "body"], "--text-field was 'text', now 'body'"),
        (["--threshold", "0.7"], "threshold was 0.8, now 0.7"),
        (["--no-dedup"], "--no-dedup or the command was True, now False"),
        (["--batch-mb", "0.03"], "--batch-mb was 20000, now 30000"),
        (["--site-from", "id"], "--site-from was 'auto', now 'id'"),
    ],
    ids=["lang", "text-field", "threshold", "no-dedup", "batch-mb", "site-from"],
)
def test_a_refused_resume_names_the_setting_that_differs(workspace, monkeypatch, capsys, extra, says):
    src, _ = workspace
    interrupt(monkeypatch, src, "out")
    capsys.readouterr()
    assert main(["run", str(src), "out", *ARGS, *extra, "--resume"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("cleanse: error: cannot resume: the run in ") and says in line, line


def test_a_refused_resume_names_changed_inputs(workspace, monkeypatch, capsys):
    src, _ = workspace
    interrupt(monkeypatch, src, "out")
    (src / "part2.jsonl").write_text('{"text": "un de plus"}\n')
    capsys.readouterr()
    assert main(["run", str(src), "out", *ARGS, "--resume"]) == 1
    err = capsys.readouterr().err
    assert "the inputs changed (2 input files then, 3 now" in err


def test_the_summary_records_every_setting_of_the_stage_configs(workspace):
    """summary.json holds each field of ReadConfig and CleanConfig (derived, not copied by hand),
    so the run can be repeated from it; how the run was conducted (wait, resume) is not there."""
    import dataclasses

    from cleanse.clean import CleanConfig
    from cleanse.readers import ReadConfig

    _, reference = workspace
    settings = json.loads((reference / ".cleanse" / "summary.json").read_text(encoding="utf-8"))["settings"]
    for config in (ReadConfig(), CleanConfig()):
        for item in dataclasses.fields(config):
            assert item.name in settings, item.name
    assert settings["site_from"] == "auto" and settings["rule_timeout"] == 1.0
    assert settings["workers"] == 1
    assert not {"wait", "resume", "overwrite", "progress"} & set(settings)
