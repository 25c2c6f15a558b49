"""Where a run writes, for every kind of SRC and DEST: nothing lost, nothing overwritten.

A single file SRC becomes one output file (inside DEST when DEST is a folder), in the format its
name says; JSONL records are never flattened into text. Each run's report goes beside its output,
in a folder of its own, never into the working folder. `--report` is checked like DEST.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

import cleanse.job
from cleanse.cli import main

TEXT = "Le conseil municipal a voté le budget de l'année prochaine après un long débat {}.\n"
TEXTS = [
    "Le conseil municipal a voté le budget de l'année prochaine après un long débat.\n",
    "La rivière est sortie de son lit dans la nuit et plusieurs routes restent fermées.\n",
    "Le musée rouvre ses portes samedi avec une exposition consacrée aux peintres du nord.\n",
]
WORDS = "ville pays accord visite semaine projet marché école rivière tribunal énergie prix banque route train musique nuit".split()


def _distinct(seed: int) -> str:
    rng = random.Random(seed)
    return "Le " + " ".join(rng.choice(WORDS) for _ in range(40)) + ".\n"


RECORDS = [{"id": f"r{i}", "url": f"https://ex.fr/{i}", "text": text} for i, text in enumerate(TEXTS)]


def _write_src(folder: Path, kind: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "txt":
        path = folder / "a.txt"
        path.write_text(TEXT.format(0), encoding="utf-8")
    elif kind == "jsonl":
        path = folder / "in.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    else:
        path = folder / "in.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write("".join(json.dumps(r) + "\n" for r in RECORDS))
    return path


def _records(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _run(*args: str) -> int:
    return main(["run", *args, "-q", "--workers", "1"])


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The working folder of the run: nothing may be written there."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def _report_of(output: Path) -> Path:
    return output.parent / ".cleanse" / output.name


def _check_output(kind: str, output: Path, form: str) -> None:
    if form == "txt":
        assert output.read_text(encoding="utf-8") == TEXT.format(0)
        return
    got = _records(output)
    if kind == "txt":
        assert got == [{"id": "a.txt", "text": TEXT.format(0)}]
    else:
        assert got == RECORDS  # every record, id and field kept


NEW_PATHS = [
    (kind, name, form)
    for kind in ("txt", "jsonl", "gz")
    for name, form in (
        ("out", "txt" if kind == "txt" else "jsonl"),
        ("out.jsonl", "jsonl"),
        ("out.jsonl.gz", "jsonl"),
        ("out.data", "txt" if kind == "txt" else "jsonl"),
        ("out.txt", "txt"),
    )
    if not (form == "txt" and kind != "txt")  # refused: test_jsonl_into_a_txt_file_is_refused...
]


@pytest.mark.parametrize(("kind", "name", "form"), NEW_PATHS)
def test_single_file_into_a_new_path(tmp_path, elsewhere, kind, name, form):
    src = _write_src(tmp_path / "in", kind)
    dest = tmp_path / "o" / name
    assert _run(str(src), str(dest)) == 0
    _check_output(kind, dest, form)
    if kind == "gz" and not name.endswith(".gz"):
        assert not dest.read_bytes().startswith(b"\x1f\x8b")  # the name says plain JSONL
    report = _report_of(dest)
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"]["written"] == (1 if kind == "txt" else len(RECORDS))
    assert len((report / "audit.jsonl").read_text(encoding="utf-8").splitlines()) == summary["documents"]["in"]
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", ["dedup", "clean"])
def test_every_job_command_keeps_the_records_of_a_dest_without_suffix(tmp_path, elsewhere, command):
    src = _write_src(tmp_path / "in", "jsonl")
    assert main([command, str(src), str(tmp_path / "out"), "-q"]) == 0
    assert _records(tmp_path / "out") == RECORDS
    assert (tmp_path / ".cleanse" / "out" / "summary.json").exists()


@pytest.mark.parametrize("kind", ["jsonl", "gz"])
@pytest.mark.parametrize("command", ["run", "dedup", "clean"])
def test_jsonl_into_a_txt_file_is_refused_with_the_fix(tmp_path, elsewhere, capsys, kind, command):
    src = _write_src(tmp_path / "in", kind)
    dest = tmp_path / "out.txt"
    assert main([command, str(src), str(dest), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cleanse: error: ") and "out.jsonl" in err and "JSONL records" in err
    assert not dest.exists() and not (tmp_path / ".cleanse").exists()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("kind", ["txt", "jsonl", "gz"])
@pytest.mark.parametrize("slash", ["", "/"])
def test_single_file_into_an_existing_folder_lands_inside(tmp_path, elsewhere, kind, slash):
    src = _write_src(tmp_path / "in", kind)
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "other.txt").write_text("not this run's\n", encoding="utf-8")
    assert _run(str(src), str(folder) + slash) == 0
    output = folder / src.name
    _check_output(kind, output, "txt" if kind == "txt" else "jsonl")
    assert (folder / "other.txt").read_text(encoding="utf-8") == "not this run's\n"
    assert (_report_of(output) / "summary.json").exists()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("kind", ["txt", "jsonl"])
def test_a_gz_name_that_is_not_jsonl_gz_is_refused(tmp_path, capsys, kind):
    src = _write_src(tmp_path / "in", kind)
    assert _run(str(src), str(tmp_path / "out.gz")) == 1
    assert ".jsonl.gz" in capsys.readouterr().err
    assert not (tmp_path / "out.gz").exists()


def test_stdin_into_a_folder_is_written_as_stdin_jsonl(tmp_path, elsewhere, monkeypatch):
    lines = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    assert _run("-", str(tmp_path / "d") + "/") == 0
    assert _records(tmp_path / "d" / "stdin.jsonl") == RECORDS
    assert (tmp_path / "d" / ".cleanse" / "stdin.jsonl" / "audit.jsonl").exists()


def test_single_file_into_a_new_folder_ending_with_a_slash(tmp_path, elsewhere):
    src = _write_src(tmp_path / "in", "jsonl")
    assert _run(str(src), str(tmp_path / "new") + "/") == 0
    assert _records(tmp_path / "new" / "in.jsonl") == RECORDS


@pytest.mark.parametrize("kind", ["txt", "jsonl", "gz"])
def test_single_file_into_an_existing_file_needs_overwrite(tmp_path, elsewhere, capsys, kind):
    src = _write_src(tmp_path / "in", kind)
    dest = tmp_path / ("out.txt" if kind == "txt" else "out.jsonl")
    dest.write_text("keep me\n", encoding="utf-8")
    assert _run(str(src), str(dest)) == 1
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert dest.read_text(encoding="utf-8") == "keep me\n"
    assert _run(str(src), str(dest), "--overwrite") == 0
    _check_output(kind, dest, "txt" if kind == "txt" else "jsonl")


def test_single_file_mirrored_onto_itself_is_refused_even_with_overwrite(tmp_path, capsys):
    src = _write_src(tmp_path / "d", "jsonl")
    before = src.read_bytes()
    assert _run(str(src), str(tmp_path / "d"), "--overwrite") == 1
    assert "overlaps SRC" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_folder_into_a_file_path_is_refused(tmp_path, elsewhere, capsys):
    src = tmp_path / "corpus"
    _write_src(src, "jsonl")
    existing = tmp_path / "file.jsonl"
    existing.write_text("keep me\n", encoding="utf-8")
    assert _run(str(src), str(existing)) == 1
    assert "is a file" in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    for name in ("new.jsonl", "new.jsonl.gz", "new.txt"):
        assert _run(str(src), str(tmp_path / name)) == 1
        assert "names a file; give a folder DEST" in capsys.readouterr().err
        assert not (tmp_path / name).exists()
    assert _run(str(src), str(tmp_path / "mirror")) == 0  # a new path without a suffix: a folder
    assert _records(tmp_path / "mirror" / "in.jsonl") == RECORDS
    assert (tmp_path / "mirror" / ".cleanse" / "summary.json").exists()


def test_runs_into_one_folder_each_keep_their_own_report(tmp_path, elsewhere):
    shards = []
    for k in range(4):
        shard = tmp_path / "in" / f"s{k}.jsonl"
        shard.parent.mkdir(exist_ok=True)
        shard.write_text(json.dumps({"id": f"s{k}", "text": TEXT.format(100 + k)}) + "\n", encoding="utf-8")
        shards.append(shard)
    out = tmp_path / "out"
    for shard in shards:
        assert _run(str(shard), str(out / shard.name)) == 0
    for k, shard in enumerate(shards):
        report = out / ".cleanse" / shard.name
        audit = [json.loads(x) for x in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [a["id"] for a in audit] == [f"s{k}"]
        assert json.loads((report / "summary.json").read_text(encoding="utf-8"))["settings"]["src"] == str(shard)
        assert [r["id"] for r in _records(out / shard.name)] == [f"s{k}"]


def test_concurrent_shard_runs_into_one_folder_share_no_file(tmp_path):
    """Four `cleanse run sK.jsonl out/sK.jsonl` at once: each run writes only its own files."""
    out = tmp_path / "out"
    procs = []
    for k in range(4):
        shard = tmp_path / f"s{k}.jsonl"
        shard.write_text("".join(
            json.dumps({"id": f"s{k}-{i}", "text": _distinct(100 * k + i)}) + "\n" for i in range(30)
        ), encoding="utf-8")  # fmt: skip
        command = [sys.executable, "-m", "cleanse", "run", str(shard), str(out / shard.name), "-q", "-j", "1"]
        procs.append(subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=tmp_path))
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    for k in range(4):
        assert [r["id"] for r in _records(out / f"s{k}.jsonl")] == [f"s{k}-{i}" for i in range(30)]
        audit = (out / ".cleanse" / f"s{k}.jsonl" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(a)["id"] for a in audit] == [f"s{k}-{i}" for i in range(30)]
    assert sorted(p.name for p in out.iterdir()) == [".cleanse", *(f"s{k}.jsonl" for k in range(4))]


def test_resume_finds_a_single_file_runs_report(tmp_path, elsewhere, monkeypatch, capsys):
    src = tmp_path / "in.jsonl"
    many = [{"id": f"r{i}", "text": _distinct(i)} for i in range(40)]
    src.write_text("".join(json.dumps(r) + "\n" for r in many), encoding="utf-8")
    expected, dest = tmp_path / "expected", tmp_path / "out"
    batch = ["--batch-mb", "0.0005"]
    assert _run(str(src), str(expected), *batch) == 0
    save = cleanse.job._save_checkpoint
    calls = []

    def interrupt_after_two(*args, **kwargs):
        save(*args, **kwargs)
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cleanse.job, "_save_checkpoint", interrupt_after_two)
    assert _run(str(src), str(dest), *batch) == 130
    monkeypatch.setattr(cleanse.job, "_save_checkpoint", save)
    assert (tmp_path / ".cleanse" / "out" / "progress.json").exists()
    assert not dest.exists()
    capsys.readouterr()
    assert _run(str(src), str(dest), *batch) == 1
    assert "--resume" in capsys.readouterr().err
    assert _run(str(src), str(dest), *batch, "--resume") == 0
    assert dest.read_bytes() == expected.read_bytes()
    assert _records(dest) == many
    audits = [(tmp_path / ".cleanse" / n / "audit.jsonl").read_bytes() for n in ("expected", "out")]
    assert audits[0] == audits[1]


# --report DIR


def test_report_folder_overlapping_src_is_refused(tmp_path, capsys):
    src = tmp_path / "corpus"
    _write_src(src, "jsonl")
    (src / "audit.jsonl").write_text(json.dumps({"id": "x", "text": TEXT.format(9)}) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    for report in (src, src / "reports", tmp_path):
        assert _run(str(src), str(tmp_path / "outc"), "--report", str(report), "--overwrite") == 1
        assert "overlaps SRC" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before
    single = src / "in.jsonl"
    assert _run(str(single), str(tmp_path / "o.jsonl"), "--report", str(src)) == 1
    assert "overlaps SRC" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before


def test_report_folder_holding_another_runs_report_needs_overwrite(tmp_path, capsys):
    src = _write_src(tmp_path / "in", "jsonl")
    reports = tmp_path / "reports"
    assert _run(str(src), str(tmp_path / "o1.jsonl"), "--report", str(reports)) == 0
    first = (reports / "audit.jsonl").read_bytes()
    assert _run(str(src), str(tmp_path / "o2.jsonl"), "--report", str(reports)) == 1
    err = capsys.readouterr().err
    assert "holds another run's report" in err and "--overwrite" in err
    assert (reports / "audit.jsonl").read_bytes() == first and not (tmp_path / "o2.jsonl").exists()
    assert _run(str(src), str(tmp_path / "o2.jsonl"), "--report", str(reports), "--overwrite") == 0
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["settings"]["dest"] == str(tmp_path / "o2.jsonl")


def test_default_report_left_by_a_deleted_output_needs_overwrite(tmp_path, capsys):
    src = _write_src(tmp_path / "in", "jsonl")
    dest = tmp_path / "out.jsonl"
    assert _run(str(src), str(dest)) == 0
    dest.unlink()
    assert _run(str(src), str(dest)) == 1
    assert "holds another run's report" in capsys.readouterr().err
    assert _run(str(src), str(dest), "--overwrite") == 0


def test_report_path_that_is_a_file_is_refused(tmp_path, capsys):
    src = _write_src(tmp_path / "in", "jsonl")
    (tmp_path / "r").write_text("x", encoding="utf-8")
    assert _run(str(src), str(tmp_path / "o.jsonl"), "--report", str(tmp_path / "r"), "--overwrite") == 1
    assert "is a file" in capsys.readouterr().err
