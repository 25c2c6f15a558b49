"""--engine spark refuses what it does not do, before any work and without starting Spark."""

from __future__ import annotations

import json

import pytest

from cleanse.cli import main


@pytest.mark.parametrize(
    ("extra", "says"),
    [
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


def _run_with_index(tmp_path, index, *extra) -> int:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n', encoding="utf-8")
    return main(["run", str(src), str(tmp_path / "out" / "x.jsonl"), "--engine", "spark", "--index", str(index), *extra])


def test_an_index_with_other_settings_is_refused_before_any_work(tmp_path, capsys) -> None:
    from cleanse.dedup import DedupConfig
    from cleanse.spark.index import FORMAT, MANIFEST, VERSION

    index = tmp_path / "idx"
    index.mkdir()
    manifest = {"format": FORMAT, "version": VERSION, "params": DedupConfig().index_params(), "runs": []}
    (index / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert _run_with_index(tmp_path, index, "--threshold", "0.6") == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cleanse: error: --index {index} was built with other duplicate settings")
    assert "bands: index has 21" in err and "Rerun with the index's settings" in err
    assert not (tmp_path / "out").exists()  # no output, no report: nothing was done
    assert sorted(p.name for p in index.iterdir()) == [MANIFEST]


def test_a_local_engine_index_is_refused_naming_the_conversion(tmp_path, capsys) -> None:
    from cleanse.dedup import DedupConfig
    from cleanse.dedup.index import DuplicateIndex

    index = tmp_path / "local-idx"
    DuplicateIndex.open(index, DedupConfig())
    assert _run_with_index(tmp_path, index) == 1
    err = capsys.readouterr().err
    assert "is a local engine's index" in err
    assert f"python -m cleanse.spark.convert to-parquet {index} NEW_DIR" in err
    assert not (tmp_path / "out").exists()


def test_the_local_engine_refuses_a_spark_index(tmp_path, capsys) -> None:
    from cleanse.dedup import DedupConfig
    from cleanse.spark.index import FORMAT, MANIFEST, VERSION

    index = tmp_path / "idx"
    (index / "runs").mkdir(parents=True)
    manifest = {"format": FORMAT, "version": VERSION, "params": DedupConfig().index_params(), "runs": []}
    (index / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n', encoding="utf-8")
    assert main(["run", str(src), str(tmp_path / "out" / "x.jsonl"), "--index", str(index)]) != 0
    err = capsys.readouterr().err
    assert err.startswith(f"cleanse: error: --index {index} is a Spark engine's index") and MANIFEST in err
    assert f"python -m cleanse.spark.convert to-local {index} NEW_DIR" in err  # what to do
    assert sorted(p.name for p in index.iterdir()) == ["runs", MANIFEST]  # nothing written


def test_the_hadoop_version_named_is_the_one_spark_runs(spark) -> None:
    from cleanse.spark.paths import hadoop_version

    assert hadoop_version() == spark.sparkContext._jvm.org.apache.hadoop.util.VersionInfo.getVersion()


def test_urls_in_spark_settings_reach_spark_as_they_are() -> None:
    from cleanse.spark.session import parse_conf

    conf = parse_conf(["spark.checkpoint.dir=gs://bucket/ckpt", "spark.x.dir=hdfs://nn:8020/a?b=c"])
    assert conf == {"spark.checkpoint.dir": "gs://bucket/ckpt", "spark.x.dir": "hdfs://nn:8020/a?b=c"}


def test_the_local_engine_names_the_spark_index_and_its_converter_as_they_are() -> None:
    from cleanse.dedup import index as local_index
    from cleanse.spark import index as spark_index

    assert local_index.SPARK_MANIFEST == spark_index.MANIFEST
    assert local_index.SPARK_CONVERT == spark_index.CONVERT
