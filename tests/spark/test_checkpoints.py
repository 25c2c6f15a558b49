"""A run's checkpoints: a temporary folder is removed at the end of the run, whether it succeeded
or failed. That a folder the user gave stays is checked on test_parity's run (the shared session
has one, as a user sets it), which makes one Spark run fewer."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.spark.conftest import build_corpus


@pytest.fixture
def no_checkpoint_dir(spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shared session without a checkpoint folder (as a user's new session starts), and
    temporary folders made under a folder of this test's; the session's folder is put back."""
    context = spark.sparkContext._jsc.sc()
    saved = context.checkpointDir()
    # SparkContext has no public way to unset it: the Scala field's setter, with None.
    getattr(context, "checkpointDir_$eq")(spark._jvm.scala.Option.apply(None))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    try:
        yield temporary
    finally:
        getattr(context, "checkpointDir_$eq")(saved)


def _corpus(tmp_path: Path) -> Path:
    src = tmp_path / "crawl.jsonl"
    src.write_text("\n".join(build_corpus(60, seed=5)) + "\n", encoding="utf-8")
    return src


def test_a_temporary_checkpoint_folder_is_removed_after_the_run_whether_it_failed_or_not(
    spark, tmp_path, no_checkpoint_dir, monkeypatch
) -> None:
    import cleanse.spark.job

    src = _corpus(tmp_path)
    assert main(["dedup", str(src), str(tmp_path / "out.jsonl"), "-q", "--engine", "spark"]) == 0
    used = spark.sparkContext.getCheckpointDir()
    assert used is not None  # the run made one, in the temporary folder, and removed it
    assert used.removeprefix("file:").startswith(str(no_checkpoint_dir / "cleanse-spark-checkpoints-"))
    assert list(no_checkpoint_dir.iterdir()) == []

    # The next run on the same session makes a folder again, and removes it again when it fails
    # after its checkpoints were written (the outputs come last). A run that only cleans: its
    # folder is made and removed as a deduplicating run's is, in far fewer Spark jobs.
    written: list[str] = []

    def fail(*args: object) -> None:
        folder = Path(spark.sparkContext.getCheckpointDir().removeprefix("file:"))
        written.extend(p.name for p in folder.rglob("*") if p.is_file())
        msg = "the disk is full"
        raise RuntimeError(msg)

    monkeypatch.setattr(cleanse.spark.job, "_write_outputs", fail)
    with pytest.raises(RuntimeError, match="disk is full"):
        main(["run", str(src), str(tmp_path / "again.jsonl"), "-q", "--engine", "spark", "--no-dedup"])
    assert written, "no checkpoint was written before the failure: the test would test nothing"
    assert spark.sparkContext.getCheckpointDir() not in (None, used)
    assert list(no_checkpoint_dir.iterdir()) == []

