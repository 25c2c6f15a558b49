"""Every file a run publishes under its final name was fsynced first, and its folder after.

The test watches the system calls themselves (os.replace, os.fsync), so it holds whichever module
writes the file: corpus files (JSONL, .txt, Parquet), audit.jsonl, summary.json, report.html,
progress.json, and the duplicate index's segments and manifest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cleanse import writers
from cleanse.cli import main
from cleanse.durable import atomic_file

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd")

TEXT = "Le conseil municipal a voté le budget de la ville pour l'année prochaine, après un long débat."


@pytest.fixture
def syscalls(monkeypatch):
    """A list of ("fsync", path), ("syncfs",) and ("replace", src, dst), in the order they happen.

    syncfs: the corpus writer's one sync of the whole file system for many small .txt files, at
    its checkpoint (instead of an fsync per file and folder)."""
    events: list[tuple[str, ...]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.path.realpath(os.readlink(f"/proc/self/fd/{fd}"))))  # noqa: PTH115 - as text, like the paths of os.replace
        return real_fsync(fd)

    def replace(src, dst, **kwargs):
        events.append(("replace", os.path.realpath(src), os.path.realpath(dst)))
        return real_replace(src, dst, **kwargs)

    def syncfs(path, real=writers.sync_filesystem):
        events.append(("syncfs",))
        return real(path)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(writers, "sync_filesystem", syncfs)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "replace", lambda self, target: replace(self, target) or Path(target))
    return events


def assert_durable(events: list[tuple[str, ...]]) -> int:
    """Each rename's source was fsynced before it, and the target's folder after it (or the whole
    file system synced after it, before the checkpoint that counts the file)."""
    renames = 0
    for i, event in enumerate(events):
        if event[0] != "replace":
            continue
        _, src, dst = event
        renames += 1
        if ("syncfs",) in events[i + 1 :]:
            continue
        assert ("fsync", src) in events[:i], f"{dst} renamed into place before its contents were synced"
        assert ("fsync", os.path.dirname(dst)) in events[i + 1 :], f"{dst}: its folder never synced"  # noqa: PTH120 - the text of the path given to os.replace, unnormalised
    return renames


def write_src(folder: Path, kind: str) -> Path:
    folder.mkdir()
    for n in range(12):
        text = f"{TEXT} Séance numéro {n}.\n{TEXT}\n"
        if kind == "txt":
            (folder / f"d{n:02}.txt").write_text(text, encoding="utf-8")
        else:
            with (folder / "a.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(json.dumps({"id": str(n), "text": text}) + "\n")
    return folder


@pytest.mark.parametrize("kind", ["txt", "jsonl"])
def test_a_run_with_checkpoints_and_an_index_publishes_every_file_durably(tmp_path, syscalls, kind):
    src = write_src(tmp_path / "src", kind)
    argv = ["run", str(src), str(tmp_path / "out"), "-q", "-j", "1", "--lang", "fr",
            "--batch-mb", "0.0005", "--index", str(tmp_path / "index")]  # fmt: skip
    assert main(argv) == 0
    names = {Path(e[2]).name for e in syscalls if e[0] == "replace"}
    assert {"audit.jsonl", "summary.json", "report.html", "progress.json", "manifest.json"} <= names
    assert assert_durable(syscalls) > 5


def test_a_parquet_output_is_published_durably(tmp_path, syscalls):
    pq = pytest.importorskip("pyarrow.parquet", reason="the parquet extra is not installed")
    import pyarrow as pa

    src = tmp_path / "src"
    src.mkdir()
    rows = [{"id": str(n), "text": f"{TEXT} Séance numéro {n}."} for n in range(40)]
    pq.write_table(pa.Table.from_pylist(rows), src / "p.parquet", row_group_size=8)
    argv = ["run", str(src), str(tmp_path / "out"), "-q", "-j", "1", "--lang", "fr", "--batch-mb", "0.001"]
    assert main(argv) == 0
    names = [Path(e[2]).name for e in syscalls if e[0] == "replace"]
    assert "p.parquet" in names and any(n.startswith("part-") for n in names)
    assert_durable(syscalls)


def test_rules_learn_writes_its_rule_file_durably(tmp_path, syscalls):
    src = tmp_path / "src"
    src.mkdir()
    lines = [json.dumps({"url": f"https://ex.com/{n}", "text": f"Sign up now\n{TEXT} {n}.\n"}) for n in range(8)]
    (src / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "cand.toml"
    assert main(["rules", "learn", str(src), "-o", str(out)]) == 0
    assert ("replace", str(out.parent.resolve() / f".{out.name}.tmp"), str(out.resolve())) in syscalls
    assert_durable(syscalls)


def test_atomic_file_leaves_nothing_when_writing_fails(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"), atomic_file(target) as fh:
        fh.write(b"half")
        raise OSError(28, "disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
