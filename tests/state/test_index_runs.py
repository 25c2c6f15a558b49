"""Items 8, 9, 10: no committed index entry is ever lost, a damaged index is refused (never
deleted), and a batch that keeps nothing writes no segment."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from cleanse.cli import main
from cleanse.dedup import DedupConfig, DuplicateIndex, find_duplicates

from .helpers import make_corpus, manifest, texts, tree, write_jsonl

RUN = ["run", "-q", "--workers", "1", "--batch-mb", "0.01"]



def test_resume_keeps_what_another_run_committed_meanwhile(crash_after, tmp_path, monkeypatch):
    """Item 8: A is killed, B completes on the same index, A resumes: B's entries stay."""
    index = tmp_path / "idx"
    src_a = make_corpus(tmp_path, seed=7)
    src_b = write_jsonl(tmp_path / "b" / "b.jsonl", texts(11, 60), "b-")
    run_a = [RUN[0], str(src_a), str(tmp_path / "out-a"), *RUN[1:], "--index", str(index)]
    assert main([*run_a[:2], str(tmp_path / "ref-a"), *run_a[3:-1], str(tmp_path / "ref-idx")]) == 0
    crash_after(3)
    assert main(run_a) == 130
    monkeypatch.undo()
    run_b = ["run", "-q", str(src_b), str(tmp_path / "out-b.jsonl"), "--index", str(index)]
    assert main([*run_b, "--report", str(tmp_path / "report-b")]) == 0
    b_kept = DuplicateIndex.open(index).count("document")
    assert b_kept > 0
    assert main([*run_a, "--resume"]) == 0
    ref_kept = DuplicateIndex.open(tmp_path / "ref-idx").count("document")
    assert DuplicateIndex.open(index).count("document") == b_kept + ref_kept
    # A's output is what it would have been alone (it reads the index as it was when it began).
    ref = tree(tmp_path / "ref-a")
    out = tree(tmp_path / "out-a")
    # (summary.json and the HTML report name the --index folder, which differs from the reference's.)
    assert {k: v for k, v in out.items() if "summary" not in k and "report.html" not in k} == {
        k: v for k, v in ref.items() if "summary" not in k and "report.html" not in k
    }
    # Exact copies of B's documents are all found in the index.
    report = tmp_path / "report-c"
    argv = ["run", "-q", str(src_b), str(tmp_path / "out-c.jsonl"), "--index", str(index)]
    assert main([*argv, "--report", str(report)]) == 0
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"]["removed"] == summary["documents"]["in"] == 66


def _damage_cases():
    def no_manifest(idx: Path) -> Path:
        (idx / "manifest.json").unlink()
        return idx / "manifest.json"

    def no_segment(idx: Path) -> Path:
        seg = idx / manifest(idx)["segments"][1]
        shutil.rmtree(seg)
        return seg

    def truncated_npy(idx: Path) -> Path:
        npy = idx / manifest(idx)["segments"][0] / "document.sigs.npy"
        data = npy.read_bytes()
        npy.write_bytes(data[: len(data) // 2])
        return npy

    def no_segments_key(idx: Path) -> Path:
        data = manifest(idx)
        del data["segments"]
        (idx / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
        return idx / "manifest.json"

    def lock_is_a_folder(idx: Path) -> Path:
        (idx / ".lock").unlink()
        (idx / ".lock").mkdir()
        return idx / ".lock"

    def manifest_not_json(idx: Path) -> Path:
        (idx / "manifest.json").write_text("[1, 2", encoding="utf-8")
        return idx / "manifest.json"

    return {f.__name__: f for f in (no_manifest, no_segment, truncated_npy, no_segments_key,
                                      lock_is_a_folder, manifest_not_json)}  # fmt: skip


@pytest.mark.parametrize("case", list(_damage_cases()))
def test_a_damaged_index_is_refused_and_left_as_it_is(tmp_path, capsys, case):
    """Item 9: one `cleanse: error:` line naming the damaged file and how to rebuild; no deletion."""
    src = make_corpus(tmp_path, docs=60)
    index = tmp_path / "idx"
    assert main([*RUN[:1], str(src), str(tmp_path / "out1"), *RUN[1:], "--index", str(index)]) == 0
    assert len(manifest(index)["segments"]) >= 2
    damaged = _damage_cases()[case](index)
    before = sorted(p.relative_to(index).as_posix() for p in index.rglob("*"))
    capsys.readouterr()
    code = main([*RUN[:1], str(src), str(tmp_path / "out2"), *RUN[1:], "--index", str(index)])
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleanse: error: "), err
    assert str(damaged) in lines[0]
    assert case == "lock_is_a_folder" or "Rebuild it" in lines[0]
    after = sorted(p.relative_to(index).as_posix() for p in index.rglob("*"))
    assert after == before  # nothing deleted, nothing added
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())


def test_a_batch_that_keeps_nothing_writes_no_segment(tmp_path):
    """Item 10: a batch of duplicates only adds no segment to the index."""
    rng = random.Random(3)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()
    docs = [(f"d{i}", [" ".join(rng.choice(words) for _ in range(40))]) for i in range(5)]
    index = DuplicateIndex.open(tmp_path / "idx", DedupConfig())
    find_duplicates(docs, DedupConfig(), index=index)
    assert len(index.segments) == 1
    again = DuplicateIndex.open(tmp_path / "idx", DedupConfig())
    result = find_duplicates([(f"copy{i}", p) for i, (_, p) in enumerate(docs)], DedupConfig(), index=again)
    assert len(result.documents) == 5
    assert len(manifest(tmp_path / "idx")["segments"]) == 1
    assert sorted(p.name for p in (tmp_path / "idx").iterdir() if p.name.startswith("seg-")) == [
        manifest(tmp_path / "idx")["segments"][0]
    ]
    np.testing.assert_array_equal(index.entries("document")[0], again.entries("document")[0])


def test_a_rerun_of_the_same_corpus_adds_no_segment(tmp_path):
    """Item 10 through the CLI: every batch of a second identical crawl is all duplicates."""
    src = make_corpus(tmp_path, docs=60)
    index = tmp_path / "idx"
    assert main([*RUN[:1], str(src), str(tmp_path / "out1"), *RUN[1:], "--index", str(index)]) == 0
    segments = manifest(index)["segments"]
    assert main([*RUN[:1], str(src), str(tmp_path / "out2"), *RUN[1:], "--index", str(index)]) == 0
    assert manifest(index)["segments"] == segments
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("seg-")) == sorted(segments)
