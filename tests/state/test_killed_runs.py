"""Items 4 and 7: a run killed at any moment, even before its first checkpoint or while it
updates its --index, is resumed (or started over) into the same bytes as an uninterrupted run,
and its --index holds only what completed runs and resumed checkpoints committed."""

from __future__ import annotations

import json
import shutil

import pytest

from cleanse.cli import main
from cleanse.dedup import DuplicateIndex

from .helpers import finish, make_corpus, manifest, outputs_removed, stopped_run, tree

RUN = ["run", "-q", "--workers", "1", "--batch-mb", "0.01"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A corpus, and what an uninterrupted --index run of it writes (at the paths reused later)."""
    root = tmp_path_factory.mktemp("killed")
    src = make_corpus(root)
    dest, index = root / "out", root / "idx"
    argv = [RUN[0], str(src), str(dest), *RUN[1:], "--index", str(index)]
    assert main(argv) == 0
    expected = tree(dest)
    kept = DuplicateIndex.open(index).count("document")
    shutil.rmtree(dest)
    shutil.rmtree(index)
    return argv, dest, index, expected, kept


@pytest.fixture(autouse=True)
def _clean_slate(reference):
    with outputs_removed(reference[1], reference[2]):
        yield


def test_reference_takes_several_batches(reference):
    _, _, _, expected, kept = reference
    summary = json.loads(expected[".cleanse/summary.json"])
    assert summary["documents"]["in"] == 220 and kept < 220
    assert summary["removed_by"]["dedup.document-exact"] >= 15
    assert not any(name.endswith(("run.lock", "progress.json")) for name in expected)


# (function wrapped, its call number, killed before (True) or after it, text in its arguments)
MOMENTS = {
    "before-first-batch": ("cleanse.runstate:Claim.begin", 1, False, ""),
    "before-first-checkpoint": ("cleanse.job:_save_checkpoint", 1, True, ""),
    "index-segment-published": ("cleanse.dedup.index:_publish", 1, False, "seg-"),
    "index-manifest-replaced": ("cleanse.dedup.index:_publish", 3, True, "manifest.json"),
    "after-fourth-checkpoint": ("cleanse.job:_save_checkpoint", 4, False, ""),
    "completing-index": ("cleanse.dedup.index:DuplicateIndex.finish_run", 1, True, ""),
    "completing-progress": ("cleanse.checkpoint:Checkpoint.clear", 1, True, ""),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_then_resume_equals_an_uninterrupted_run(reference, moment):
    argv, dest, index, expected, kept = reference
    target, nth, before, match = MOMENTS[moment]
    code, err = finish(stopped_run(argv, target, nth=nth, before=before, match=match))
    assert code == -9, err
    assert ".cleanse/summary.json" not in tree(dest) or moment.startswith("completing")
    assert main([*argv, "--resume"]) == 0
    assert tree(dest) == expected
    # The index holds this run's entries once, all committed, nothing pending.
    assert DuplicateIndex.open(index).count("document") == kept
    assert manifest(index).get("pending", {}) == {}
    assert not (index / "run.lock").exists()



def test_killed_index_run_started_over_does_not_find_itself(crash_after, reference, monkeypatch):
    """Item 7: rerun with --overwrite after a kill; its own earlier entries are not duplicates."""
    argv, dest, index, expected, kept = reference
    crash_after(3)
    assert main(argv) == 130
    monkeypatch.undo()
    assert main([*argv, "--overwrite"]) == 0
    assert tree(dest) == expected
    audit = (dest / ".cleanse" / "audit.jsonl").read_text(encoding="utf-8")
    assert "from_index" not in audit
    assert DuplicateIndex.open(index).count("document") == kept


def test_resume_after_a_kill_before_the_first_checkpoint(crash_after, reference, monkeypatch, capsys, caplog):
    """Item 4: stopped in the first batch; --resume starts it over instead of refusing."""
    argv, dest, _, expected, _ = reference
    crash_after(1)
    from cleanse import job

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(job, "_save_checkpoint", stop)
    assert main(argv) == 130
    monkeypatch.undo()
    assert main(argv) == 1  # a plain rerun is refused, and says how to go on
    assert "--resume" in capsys.readouterr().err
    assert main([*argv, "--resume"]) == 0
    assert "stopped before its first checkpoint: starting it over" in caplog.text
    assert tree(dest) == expected
