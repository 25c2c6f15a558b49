"""Batches are bounded by records as well as by bytes, so memory follows the batch, not the
number of records (issue 10, item 18; memory measured by benchmarks/memory_records.py)."""

from __future__ import annotations

import json
from collections import deque

from cleanse import job
from cleanse.document import Document
from cleanse.job import BATCH_DOCS, JobConfig, run_job
from cleanse.rules import RuleSet
from cleanse.runner import batches as _batches


def test_tiny_documents_are_cut_by_count():
    docs = [Document.from_text(f"d{i}", "x") for i in range(25)]
    sizes = deque(len(d.text) for d in docs)
    batches = [len(b) for b in _batches(iter(docs), sizes, limit=10**9, max_docs=10)]
    assert batches == [10, 10, 5]


def test_big_documents_are_still_cut_by_size():
    docs = [Document.from_text(f"d{i}", "x" * 100) for i in range(25)]
    sizes = deque(len(d.text) for d in docs)
    assert [len(b) for b in _batches(iter(docs), sizes, limit=250, max_docs=10)] == [3] * 8 + [1]


def test_the_default_bound_holds_in_a_run(tmp_path, monkeypatch):
    assert 1_000 <= BATCH_DOCS <= 50_000
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": f"Texte numéro {i}."}) + "\n" for i in range(130)))
    saved = []
    real = job._save_checkpoint
    monkeypatch.setattr(job, "_save_checkpoint", lambda *a, **k: (saved.append(a[2]), real(*a, **k)))
    config = JobConfig(src=str(src), dest=str(tmp_path / "out") + "/", batch_docs=50)
    stats, _ = run_job(config, RuleSet(()))
    assert saved == [50, 100, 130] and stats.documents["in"] == 130
    summary = json.loads((tmp_path / "out" / ".cleanse" / "in.jsonl" / "summary.json").read_text())
    assert summary["settings"]["batch_docs"] == 50
