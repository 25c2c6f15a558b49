"""Decisions do not depend on how the input is cut into batches (or runs sharing an index).

The chain A ~ B ~ C, where A and C are not duplicates: in one batch B joins A's cluster and C
joins it through B. Cut anywhere, a later batch must still find C's cluster through the removed B.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleanse.dedup import DedupConfig, DuplicateIndex, find_duplicates
from cleanse.dedup import signatures as sig

from .conftest import random_text

ROOT = Path(__file__).resolve().parents[2]


def _changed(words: list[str], positions: list[int], tag: str) -> list[str]:
    out = list(words)
    for k, p in enumerate(positions):
        out[p] = f"{tag}{k}word"
    return out


def _jaccard(x: str, y: str, config: DedupConfig) -> float:
    values, offs = sig.shingle_sets([x, y], config)
    a, b = set(values[offs[0] : offs[1]].tolist()), set(values[offs[1] : offs[2]].tolist())
    return len(a & b) / len(a | b)


@pytest.fixture
def chain() -> list[tuple[str, str]]:
    """A, B (3 words of A changed), C (3 more of B changed): A~B, B~C, not A~C; plus a stranger."""
    rng = random.Random(11)
    a = random_text(rng, 200).split()
    b = _changed(a, [30, 90, 150], "bee")
    c = _changed(b, [60, 120, 180], "sea")
    texts = [("A", " ".join(a)), ("B", " ".join(b)), ("C", " ".join(c))]
    texts.append(("D", random_text(rng, 200)))
    config = DedupConfig()
    assert _jaccard(texts[0][1], texts[1][1], config) >= config.threshold
    assert _jaccard(texts[1][1], texts[2][1], config) >= config.threshold
    assert _jaccard(texts[0][1], texts[2][1], config) < config.threshold
    return texts


def _decisions(result_docs: dict) -> dict[str, tuple[str, float]]:
    return {k: (d.duplicate_of, d.similarity) for k, d in result_docs.items()}


@pytest.mark.parametrize("cuts", [[1], [2], [3], [1, 2], [1, 2, 3]])
def test_the_same_decisions_whatever_the_batches(
    tmp_path: Path, chain: list[tuple[str, str]], cuts: list[int]
) -> None:
    config = DedupConfig(level="document")
    docs = [(name, [text]) for name, text in chain]
    whole = find_duplicates(docs, config, index=DuplicateIndex.open(tmp_path / "one", config))
    assert _decisions(whole.documents) == {
        "B": ("A", whole.documents["B"].similarity),
        "C": ("B", whole.documents["C"].similarity),  # C is not a duplicate of A itself
    }
    index = DuplicateIndex.open(tmp_path / "cut", config)
    found: dict = {}
    for lo, hi in zip([0, *cuts], [*cuts, len(docs)], strict=True):
        found |= find_duplicates(docs[lo:hi], config, index=index).documents
    assert _decisions(found) == _decisions(whole.documents)


def test_a_later_run_finds_the_cluster_of_a_removed_document(
    tmp_path: Path, chain: list[tuple[str, str]]
) -> None:
    config = DedupConfig(level="document")
    docs = [(name, [text]) for name, text in chain]
    find_duplicates(docs[:2], config, index=DuplicateIndex.open(tmp_path / "idx", config))
    again = DuplicateIndex.open(tmp_path / "idx", config)
    _, _, targets = again.entries("document")
    assert targets.tolist() == [-1, 0]  # B is an entry, pointing at its kept A
    result = find_duplicates(docs[2:], config, index=again)
    assert result.documents["C"].duplicate_of == "B" and result.documents["C"].from_index
    assert "D" not in result.documents


def _cli_run(
    tmp_path: Path, chain: list[tuple[str, str]], name: str, *flags: str
) -> tuple[list, dict]:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in chain), encoding="utf-8"
    )
    out, report = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-report"
    cmd = [sys.executable, "-m", "cleanse", "dedup", str(src), str(out), "--report", str(report)]
    done = subprocess.run(
        [*cmd, "-q", *flags], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    kept = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    audit = [
        json.loads(x) for x in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    links = {r["id"]: r.get("duplicate_of") for r in audit if r.get("status") == "removed"}
    return kept, links


def test_cli_batch_size_and_workers_do_not_change_the_output(
    tmp_path: Path, chain: list[tuple[str, str]]
) -> None:
    size = len(chain[0][1])  # about 1,300 characters per document
    runs = {
        "one-batch": ("--batch-mb", "1", "-j", "1"),
        "batches-of-one": ("--batch-mb", f"{size / 2e6:.6f}", "-j", "1"),
        "batches-of-two": ("--batch-mb", f"{size * 1.5 / 1e6:.6f}", "-j", "2"),
    }
    results = {
        name: _cli_run(tmp_path, chain, name, "--level", "document", *flags)
        for name, flags in runs.items()
    }
    assert results["one-batch"] == (["A", "D"], {"B": "A", "C": "B"})
    assert results["batches-of-one"] == results["one-batch"]
    assert results["batches-of-two"] == results["one-batch"]


def test_take_sets_copies_runs_of_rows_as_the_gather_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """take_sets copies long runs of consecutive rows as slices: the same CSR as gathering."""
    from cleanse.dedup import workers

    rng = np.random.default_rng(7)
    lengths = rng.integers(0, 50, 300)
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = rng.integers(0, 2**32, offsets[-1], dtype=np.uint64).astype(np.uint32)
    cases = [np.arange(300), np.arange(40, 260), np.r_[0:100, 150:300], np.array([], np.int64)]
    cases += [np.sort(rng.choice(300, 200, replace=False)), rng.permutation(300)[:50]]
    for rows in cases:
        got = workers.take_sets((values, offsets), rows)
        monkeypatch.setattr(workers, "RUN_ROWS", 10**9)  # always gather
        want = workers.take_sets((values, offsets), rows)
        monkeypatch.undo()
        assert np.array_equal(got[0], want[0]) and got[0].dtype == want[0].dtype
        assert np.array_equal(got[1], want[1])
        assert got[1][-1] == lengths[rows].sum()
