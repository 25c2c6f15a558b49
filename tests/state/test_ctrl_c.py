"""Item 6: Ctrl-C (SIGINT to the whole process group, workers included) ends a run within
moments, wherever it is, with exit 130 and no traceback, and `--resume` then completes it into
the same bytes as an uninterrupted run. Every interrupted run is a child process with a safety
kill, so a hang fails the test instead of hanging it; the reference run and the resumes, plain
runs, go in this process."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from cleanse.cli import main

from .helpers import finish, make_corpus, outputs_removed, stopped_run, tree

RUN = ["run", "-q", "--workers", "2", "--batch-mb", "0.01"]
HANG_SECONDS = 60  # an interrupted run ends in about a second; a minute means it hung


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("ctrl-c")
    src = make_corpus(root)
    dest, index = root / "out", root / "idx"
    argv = [RUN[0], str(src), str(dest), *RUN[1:], "--index", str(index)]
    assert main(argv) == 0  # in this process: only the interrupted runs need a child of their own
    expected = tree(dest)
    shutil.rmtree(dest)
    shutil.rmtree(index)
    return argv, dest, index, expected


@pytest.fixture(autouse=True)
def _clean_slate(reference):
    with outputs_removed(reference[1], reference[2]):
        yield


def resumed(argv: list[str]) -> dict[str, bytes]:
    """What `--resume` (in this process) completes the interrupted run into."""
    assert main([*argv, "--resume"]) == 0
    return tree(Path(argv[2]))


# (function wrapped, its call number, signal sent before (True) or after it, text in arguments);
# _call and _sign_sent run in the worker processes (the cleaning workers' _call takes a group
# of documents): the Ctrl-C comes while they work.
MOMENTS = {
    "before-first-batch": ("cleanse.runstate:Claim.begin", 1, False, ""),
    "cleaning-workers-busy": ("cleanse.parallel:_call", 2, True, ""),
    "dedup-workers-busy": ("cleanse.dedup.signing_pool:_sign_sent", 2, True, ""),
    "settling-a-batch": ("cleanse.dedup_stage:DedupStage.settle", 3, True, ""),
    "writing": ("cleanse.writers:CorpusWriter.write", 70, True, ""),
    "index-commit": ("cleanse.dedup.index:_publish", 2, False, "seg-"),
    "checkpoint": ("cleanse.job:_save_checkpoint", 4, True, ""),
    "completing-outputs": ("cleanse.writers:CorpusWriter.close", 1, False, ""),
    "completing-index": ("cleanse.dedup.index:DuplicateIndex.finish_run", 1, False, ""),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_ctrl_c_ends_the_run_and_resume_completes_it(reference, moment):
    argv, _, _, expected = reference
    target, nth, before, match = MOMENTS[moment]
    proc = stopped_run(argv, target, nth=nth, before=before, match=match, signame="SIGINT")
    code, err = finish(proc, HANG_SECONDS)
    assert code == 130, err
    assert "Traceback" not in err and err.strip().endswith("cleanse: interrupted"), err
    assert not left_running(proc.pid)  # no worker outlives the run (the run had a group of its own)
    assert resumed(argv) == expected


def left_running(group: int, seconds: float = 5.0) -> bool:
    """Whether a process of `group` is still there after `seconds` (killed if so)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        if time.monotonic() > deadline:
            os.killpg(group, signal.SIGKILL)
            return True
        time.sleep(0.02)


def test_ctrl_c_inside_compiled_code_exits_130(reference, monkeypatch):
    """numba turns a KeyboardInterrupt raised in jitted code into a SystemError."""
    from cleanse.dedup import (
        documents,  # cleanse.dedup_stage imports `settle` from it when it runs
    )

    argv, _, _, expected = reference
    real = documents.settle
    calls = {"n": 0}

    def interrupted_in_numba(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as err:
                msg = "CPUDispatcher(<function settle>) returned a result with an exception set"
                raise SystemError(msg) from err
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "settle", interrupted_in_numba)
    one_worker = [a if a != "2" else "1" for a in argv]
    assert main(one_worker) == 130
    monkeypatch.undo()
    assert resumed(argv) == expected
