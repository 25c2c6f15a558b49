"""--engine spark refuses what it does not do, before any work and without starting Spark."""

from __future__ import annotations

import pytest

from cleanse.cli import main


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--index", "IDX"], "--index"),
        (["--resume"], "--resume"),
        (["--learn"], "--learn"),
    ],
)
def test_unsupported_options_are_refused_before_any_work(tmp_path, capsys, extra, says) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n', encoding="utf-8")
    code = main(["run", str(src), str(tmp_path / "out" / "x.jsonl"), "--engine", "spark", *extra])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("cleanse: error: --engine spark does not support") and says in err
    assert not (tmp_path / "out").exists()


def test_a_spark_conf_without_equals_is_refused(tmp_path, capsys) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n', encoding="utf-8")
    assert main(["run", str(src), str(tmp_path / "o.jsonl"), "--engine", "spark", "--spark-conf", "spark.executor.memory"]) == 1
    assert "expected key=value" in capsys.readouterr().err


def test_missing_java_is_named(monkeypatch) -> None:
    from cleanse.spark import session

    monkeypatch.setattr(session.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    problem = session.missing_requirements()
    if problem is not None and "is not installed" in problem:
        pytest.skip(problem)
    assert problem is not None and "openjdk-17-jre-headless" in problem
