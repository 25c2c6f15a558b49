"""The contract: on the same input and settings, --engine spark writes what the local engine
writes (corpus and audit byte for byte, the same summary but for settings and time), with tasks
that fail once and are retried; and its checkpoints stay in the folder the session was given."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.spark.conftest import build_corpus

N_DOCS = 1000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("src") / "crawl.jsonl"
    path.write_text("\n".join(build_corpus(N_DOCS)) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    assert main(["run", str(corpus), str(out), "-q", "--workers", "2"]) == 0
    return out.parent


def _report(folder: Path) -> Path:
    return folder / ".cleanse" / "out.jsonl"  # a single-file run's report, beside its output


def _summary(folder: Path) -> dict:
    summary = json.loads((_report(folder) / "summary.json").read_text(encoding="utf-8"))
    summary.pop("seconds")
    summary.pop("settings")
    return summary


def _assert_same(local: Path, spark: Path) -> None:
    assert (spark / "out.jsonl").read_bytes() == (local / "out.jsonl").read_bytes()
    assert (_report(spark) / "audit.jsonl").read_bytes() == (_report(local) / "audit.jsonl").read_bytes()
    assert _summary(spark) == _summary(local)


def test_spark_writes_the_local_corpus_audit_and_summary_with_tasks_failing_once(
    spark, corpus, local_run, faults_dir, tmp_path
) -> None:
    # One Spark run checks both: its outputs equal the local ones, and one task of each of the
    # clean, sign, verify and resolve stages fails once and is retried on the way (a retried task
    # changes nothing; without retries the same code runs, minus the failed attempts).
    stages = ("clean", "sign", "verify", "resolve")
    for stage in stages:
        (faults_dir / f"{stage}.armed").touch()
    # The session has a checkpoint folder, as a user sets one (the spark fixture): the run's
    # checkpoints stay in it (a temporary folder is removed: test_checkpoints).
    given = spark.sparkContext.getCheckpointDir()
    assert given is not None
    folder = Path(given.removeprefix("file:"))
    before = set(folder.iterdir())
    try:
        dest = tmp_path / "out.jsonl"
        assert main(["run", str(corpus), str(dest), "-q", "--engine", "spark"]) == 0
        assert set(folder.iterdir()) > before  # this run's checkpoints, kept
        failed = [s for s in stages if (faults_dir / f"{s}.failed").exists()]
        assert failed == list(stages), "a stage had no failing task: the test would test nothing"
    finally:
        for stage in stages:
            (faults_dir / f"{stage}.armed").unlink()
            (faults_dir / f"{stage}.failed").unlink(missing_ok=True)
    _assert_same(local_run, tmp_path)
    settings = json.loads((_report(tmp_path) / "summary.json").read_text())["settings"]
    assert settings["engine"] == "spark"
    # The planted copies were found (so equality above is not two empty decisions).
    reasons = Counter()
    for line in (_report(tmp_path) / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        reasons[entry.get("reason")] += 1
        for change in entry["changes"]:
            reasons[change["rule"]] += 1
    assert reasons["dedup.document-exact"] >= 25
    assert reasons["dedup.document-near"] >= 25
    assert reasons["dedup.paragraph-exact"] + reasons["dedup.paragraph-near"] >= 25
    assert reasons["input.malformed-json"] == 1
    assert reasons["input.missing-text"] == 1
