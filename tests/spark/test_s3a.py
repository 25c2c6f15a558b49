"""s3a:// for real: `cleanse run s3a://… --engine spark` against the local S3 server the remote
tests use (moto, on 127.0.0.1; one per session, tests/conftest.py), with Hadoop's S3 connector,
reads JSON lines, gzip and Parquet from the store and writes a Parquet DEST and the report there:
the local engine's audit byte for byte, and its records.

The connector comes from PyPI (.ci/s3a-jars: hadoop-aws 3.3.1 and its AWS SDK bundle, inside the
sagemaker-pyspark sdist), named by CLEANSE_S3A_JARS. Without it the test is skipped, saying how
to get it; in CI (CLEANSE_REQUIRE_S3A=1, set by .ci/run) it fails instead. A JVM takes its jars
when it starts: the JVM of the tests' shared session starts with them when they are there
(conftest.py), and the runs here, in this process, start their own session in that JVM, as the
CLI does without one, from --master and --spark-conf (the connector's settings among them), and
stop it.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.spark.conftest import S3A_JARS_ENV, SharedSession, build_corpus, s3a_jars_problem

REQUIRE_ENV = "CLEANSE_REQUIRE_S3A"
#: As the shared session of tests/spark (conftest.py): two shuffle partitions and interpreted
#: operators, which cut the JVM's work on small data; results do not depend on either.
LIGHT_CONF = {"spark.sql.shuffle.partitions": "2", "spark.sql.codegen.wholeStage": "false"}


def s3a_conf(endpoint: str, jars: str) -> dict[str, str]:
    """The settings a run on the local server needs: the connector's jars, the endpoint (plain
    HTTP, bucket in the path), the fake credentials; and numbers for the time settings that
    Hadoop 3.4+ gives with units ("60s"), which hadoop-aws 3.3 reads as plain numbers."""
    return {
        "spark.jars": jars,
        "spark.hadoop.fs.s3a.endpoint": endpoint,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
        "spark.hadoop.fs.s3a.access.key": "testing",
        "spark.hadoop.fs.s3a.secret.key": "testing",
        "spark.hadoop.fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.threads.keepalivetime": "60",
        "spark.hadoop.fs.s3a.connection.establish.timeout": "30000",
        "spark.hadoop.fs.s3a.connection.timeout": "200000",
        "spark.hadoop.fs.s3a.multipart.purge.age": "86400",
    }


@pytest.fixture
def s3a_jars(request: pytest.FixtureRequest) -> str:
    """The connector's jars; and no active Spark session (the shared one is stopped: the next
    test that asks for it gets it again), so that the CLI starts its own."""
    problem = s3a_jars_problem()
    if problem is not None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"the s3a:// test must run here ({REQUIRE_ENV} is set): {problem}")
        pytest.skip(f"the s3a:// test needs Spark and Hadoop's S3 connector: {problem}")
    shared: SharedSession = request.getfixturevalue("shared_session")
    shared.stop()
    return os.environ[S3A_JARS_ENV]


def _write_inputs(root: Path) -> None:
    """JSON lines (one malformed), gzip'd JSON lines and a Parquet table with a nested column and
    rows without an id: the three ways Spark reads a file itself (text lines, whole files,
    spark.read.parquet); planted exact and near copies across them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = build_corpus(160, seed=21)
    docs = [line for line in lines if line.startswith(('{"id": "doc', '{"url"'))]
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "a.jsonl").write_text("\n".join(lines[:70]) + "\n", encoding="utf-8")
    rest = [json.loads(line) for line in lines[70:] if line in docs]
    gz = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rest[:40])
    (root / "pages" / "b.jsonl.gz").write_bytes(gzip.compress(gz.encode("utf-8")))
    table = rest[40:]
    (root / "tables").mkdir()
    pq.write_table(
        pa.table(
            {
                "id": [r.get("id") if k % 5 else None for k, r in enumerate(table)],  # no id: file:row
                "url": [r["url"] for r in table],
                "tags": [["a", str(k)] for k in range(len(table))],
                "text": [r["text"] for r in table],
            }
        ),
        root / "tables" / "t.parquet",
        row_group_size=16,
    )


def _upload(fs, local: Path, prefix: str) -> None:
    for path in sorted(local.rglob("*")):
        if path.is_file():
            fs.pipe(f"{prefix}/{path.relative_to(local).as_posix()}", path.read_bytes())
    fs.invalidate_cache()


def _summary(path: Path) -> dict:
    summary = json.loads(path.read_text(encoding="utf-8"))
    del summary["seconds"], summary["settings"]
    return summary


def test_a_run_reads_and_writes_s3a_uris_as_the_local_engine_does(
    s3a_jars, s3, s3_endpoint, tmp_path, capsys
) -> None:
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    fs, bucket = s3
    src = tmp_path / "crawl"
    _write_inputs(src)
    _upload(fs, src, f"{bucket}/crawl")
    local = tmp_path / "local"
    assert main(["run", str(src), str(local), "-q", "--workers", "1"]) == 0

    conf = s3a_conf(s3_endpoint, s3a_jars) | LIGHT_CONF
    spark_args = ["-q", "--engine", "spark", "--master", "local[2]"]
    spark_args += [arg for key, value in conf.items() for arg in ("--spark-conf", f"{key}={value}")]
    uri, dest = f"s3a://{bucket}/crawl/", f"s3a://{bucket}/out.parquet"
    # SRC, DEST and the report (DEST/.cleanse/) on the store; then DEST is there: refused. Each
    # run starts its session and stops it.
    capsys.readouterr()
    assert main(["run", uri, dest, *spark_args]) == 0, capsys.readouterr().err[-6000:]
    assert SparkSession.getActiveSession() is None
    assert main(["run", uri, dest, *spark_args]) == 1
    assert f"cleanse: error: DEST {dest} is not empty; pass --overwrite" in capsys.readouterr().err
    assert SparkSession.getActiveSession() is None

    fs.invalidate_cache()
    out = tmp_path / "from-store"
    fs.get(f"{bucket}/out.parquet", str(out), recursive=True)
    report = out / ".cleanse"
    # Every decision the local engine made, byte for byte (and decisions there were).
    local_audit = (local / ".cleanse" / "audit.jsonl").read_bytes()
    assert (report / "audit.jsonl").read_bytes() == local_audit
    assert _summary(report / "summary.json") == _summary(local / ".cleanse" / "summary.json")
    assert (report / "report.html").stat().st_size > 0
    assert sorted(p.name for p in report.iterdir()) == ["audit.jsonl", "report.html", "summary.json"]
    audit = [json.loads(line) for line in local_audit.splitlines()]
    assert {"dedup.document-exact", "dedup.document-near", "input.malformed-json"} <= {a.get("reason") for a in audit}
    ids = {a["id"] for a in audit}
    assert any(i.startswith("tables/t.parquet:") for i in ids) and any(i.startswith("pages/a.jsonl:") for i in ids)
    # The corpus: Spark's Parquet parts hold the kept documents, each record the line the local
    # engine wrote for it (JSON lines inputs, byte for byte) or its row (the Parquet input).
    rows = pq.read_table(out).to_pylist()
    kept = [a["id"] for a in audit if a["status"] not in ("removed", "rejected")]
    assert sorted(r["id"] for r in rows) == sorted(kept)
    lines = [line for name in ("pages/a.jsonl", "pages/b.jsonl.gz") for line in _lines(local / name)]
    table = pq.read_table(local / "tables" / "t.parquet").to_pylist()
    records = [r["record"] for r in rows]
    assert len(records) == len(lines) + len(table) and set(lines) <= set(records)
    from_table = sorted(json.dumps(json.loads(r), sort_keys=True) for r in records if r not in set(lines))
    assert from_table == sorted(json.dumps(r, sort_keys=True) for r in table)
    assert all(json.loads(r["record"])["text"] == r["text"] for r in rows)


def _lines(path: Path) -> list[str]:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8").splitlines()
