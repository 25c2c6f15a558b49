"""Items 5, 11, 12: one run's state is never removed by another; a DEST and an index are locked
while a run owns them (refused naming the PID, or waited for with --wait); stale locks of dead
runs are recognised; what a checkpoint calls durable is."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from cleanse.cli import main

from .helpers import cli, finish, make_corpus, stopped_run, texts, tree, wait_stopped, write_jsonl

RUN = ["run", "-q", "--workers", "1", "--batch-mb", "0.01"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("concurrent")
    src = make_corpus(root)
    dest = root / "out"
    assert main([RUN[0], str(src), str(dest), *RUN[1:]]) == 0
    expected = tree(dest)
    shutil.rmtree(dest)
    return root, src, dest, expected



def test_a_later_single_file_run_keeps_an_interrupted_runs_state(crash_after, tmp_path, monkeypatch):
    """Item 5: run A into out/a.jsonl is interrupted; run B into out/b.jsonl must not delete
    A's progress; A's --resume then completes it exactly."""
    a = write_jsonl(tmp_path / "in" / "a.jsonl", texts(7, 200), "a-")
    b = write_jsonl(tmp_path / "in" / "b.jsonl", texts(8, 50), "b-")
    out = tmp_path / "out"
    out.mkdir()
    run_a = [RUN[0], str(a), str(out / "a.jsonl"), *RUN[1:]]
    assert main([*run_a[:2], str(tmp_path / "ref" / "a.jsonl"), *run_a[3:]]) == 0
    crash_after(3)
    assert main(run_a) == 130
    monkeypatch.undo()
    code = main([RUN[0], str(b), str(out / "b.jsonl"), *RUN[1:]])
    assert code in (0, 1)  # B goes on with its own report folder, or is refused: never A's state
    assert main([*run_a, "--resume"]) == 0
    assert (out / "a.jsonl").read_bytes() == (tmp_path / "ref" / "a.jsonl").read_bytes()
    assert not [p.name for p in out.rglob("*") if p.name.endswith(".cleanse-tmp")]


def _holder_pid(text: str) -> int:
    found = re.search(r"PID (\d+)", text)
    assert found, text
    return int(found.group(1))


def test_a_second_run_is_refused_naming_the_pid_or_waits(corpus, capsys):
    """Item 11: run 1 is paused after its first checkpoint, holding DEST."""
    _root, src, dest, expected = corpus
    argv = [RUN[0], str(src), str(dest), *RUN[1:]]
    first = stopped_run(argv, "cleanse.job:_save_checkpoint", nth=1, before=False, signame="SIGSTOP")
    waiting = plain = None
    try:
        wait_stopped(first)
        # Neither a resume nor an overwrite may touch it while it lives.
        for extra in (["--resume"], ["--overwrite"]):
            capsys.readouterr()
            assert main([*argv, *extra]) == 1
            err = capsys.readouterr().err
            assert f"PID {first.pid}" in err and "--wait" in err, err
        waiting = cli([*argv, "--overwrite", "--wait"])
        plain = cli([*argv, "--wait"])  # after the wait DEST is full: refused then
        for proc in (waiting, plain):
            line = proc.stderr.readline()  # blocks until the waiting run says it waits
            assert "waiting for" in line and f"PID {first.pid}" in line, line
        os.kill(first.pid, signal.SIGCONT)
        assert finish(first)[0] == 0
        code, err = finish(waiting)
        assert code == 0, err
        code, err = finish(plain)
        assert code == 1 and "is not empty" in err, err
        assert tree(dest) == expected
    finally:
        for proc in (first, waiting, plain):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(dest, ignore_errors=True)


def test_an_index_is_locked_by_the_run_using_it(corpus, tmp_path, capsys):
    """Item 11: a second run on the same --index (another DEST) is refused naming the PID."""
    _root, src, _, _ = corpus
    index = tmp_path / "idx"
    argv = [RUN[0], str(src), str(tmp_path / "one"), *RUN[1:], "--index", str(index)]
    first = stopped_run(argv, "cleanse.job:_save_checkpoint", nth=1, before=False, signame="SIGSTOP")
    try:
        wait_stopped(first)
        other = [RUN[0], str(src), str(tmp_path / "two"), *RUN[1:], "--index", str(index)]
        assert main(other) == 1
        err = capsys.readouterr().err
        assert f"--index {index} is in use by PID {first.pid}" in err, err
        os.kill(first.pid, signal.SIGCONT)
        assert finish(first)[0] == 0
        assert main(other) == 0  # once it is free
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()


def test_a_stale_lock_of_a_dead_run_is_recognised(corpus, capsys):
    """Item 11: killed with SIGKILL; the next runs say which PID died and resume it."""
    _root, src, dest, expected = corpus
    argv = [RUN[0], str(src), str(dest), *RUN[1:]]
    try:
        killed = stopped_run(argv, "cleanse.job:_save_checkpoint", nth=2, before=False)
        assert finish(killed)[0] == -9
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert f"PID {killed.pid}" in err and "--resume" in err, err
        resumed = cli([*argv, "--resume"])
        code, err = finish(resumed)
        assert code == 0, err
        assert f"PID {killed.pid} is no longer running" in err, err
        assert tree(dest) == expected
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def test_checkpoints_cover_what_they_call_durable(tmp_path, monkeypatch):
    """Item 12: every output file and summary.json is synced before the run reports success,
    and every file published before a checkpoint is synced before that checkpoint is saved."""
    from cleanse import checkpoint, durable

    src = tmp_path / "src"
    for i, text in enumerate(texts(5, 40)):
        (src / f"{i % 4}").mkdir(parents=True, exist_ok=True)
        (src / f"{i % 4}" / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    dest = tmp_path / "out"
    events: list[tuple[str, str]] = []
    real_fsync, real_replace, real_save = os.fsync, os.replace, checkpoint.Checkpoint.save

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))  # noqa: PTH115 - as text, like the paths of os.replace
        return real_fsync(fd)

    def replace(a, b):
        events.append(("publish", str(b)))
        return real_replace(a, b)

    def syncfs(fd):
        events.append(("syncfs", os.readlink(f"/proc/self/fd/{fd}")))  # noqa: PTH115 - as text, like the paths of os.replace
        return 0

    def save(self, report):
        events.append(("checkpoint", str(self.documents)))
        return real_save(self, report)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "sync", lambda: events.append(("sync", "")))
    monkeypatch.setattr(durable, "libc_function", {"syncfs": syncfs}.get)
    monkeypatch.setattr(checkpoint.Checkpoint, "save", save)
    assert main(["clean", "-q", "--workers", "1", "--batch-mb", "0.01", str(src), str(dest)]) == 0
    monkeypatch.undo()
    outputs = {str(p) for p in dest.rglob("*.txt")} | {str(dest / ".cleanse" / "summary.json")}
    assert len(outputs) == 45 and sum(e[0] == "checkpoint" for e in events) >= 3

    def whole_fs(path: str, start: int, end: int) -> bool:
        return any(
            kind == "sync" or (kind == "syncfs" and path.startswith(what))
            for kind, what in events[start:end]
        )

    for i, (kind, path) in enumerate(events):
        if kind == "publish" and path in outputs:
            # Published, then its contents and its name made durable before the next
            # checkpoint, or before the run ends.
            end = next((j for j in range(i, len(events)) if events[j][0] == "checkpoint"), len(events))
            tmp = str(durable.temporary_name(Path(path)))
            contents = any(e == ("fsync", tmp) for e in events[:i]) or any(
                e == ("fsync", path) for e in events[i:end]
            )
            name = ("fsync", str(Path(path).parent)) in events[i:end]
            assert (contents and name) or whole_fs(path, i, end), path
