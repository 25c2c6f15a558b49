"""SRC, DEST and the report on Hadoop URIs: Spark reads a URI itself (spark.read.parquet, text
lines parsed by cleanse's own line code, binaryFile for the rest) and writes a Parquet DEST and
the report through Hadoop; on file:// URIs, where this machine has a file system Hadoop knows,
the outputs must be the local engine's, byte for byte. s3a:// and gs:// need connectors that
only Maven Central ships: without them, the error says what to install."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.spark.conftest import build_corpus

ROOT = Path(__file__).resolve().parents[2]
N_PAGES = 150
MAX_PAGE_BYTES = 8000


def _wcxb() -> Path | None:
    """The wcxb-dev pages: shared/ beside the checkout (CI) or beside the work trees."""
    for base in (ROOT.parent, ROOT.parents[1]):
        folder = base / "shared" / "eval" / "wcxb-dev"
        if (folder / "index.jsonl").is_file():
            return folder
    return None


def _pages(rng: random.Random) -> list[dict]:
    """Real scraped pages (wcxb-dev raw texts) with planted exact and near copies; without
    wcxb-dev, the real-shaped corpus of the other Spark tests."""
    folder = _wcxb()
    if folder is None:
        return [json.loads(line) for line in build_corpus(N_PAGES) if line.startswith('{"id": "doc')]
    index = [json.loads(line) for line in (folder / "index.jsonl").read_text().splitlines()]
    # The shorter pages (a Spark run's time grows with the text it cleans and compares): those
    # below MAX_PAGE_BYTES are 0.7 MB of the first 150 pages' 2.5 MB.
    index = [e for e in index if (folder / "docs" / f"{e['id']}.raw.txt").stat().st_size < MAX_PAGE_BYTES]
    pages = []
    for entry in index[:N_PAGES]:
        text = (folder / "docs" / f"{entry['id']}.raw.txt").read_text(encoding="utf-8")
        pages.append({"id": entry["id"], "url": entry["url"], "lang": entry["lang"], "text": text})
    for k in range(0, N_PAGES, 10):  # a copy, exact or with one word in 50 changed
        copy = dict(pages[k], id=f"copy-{k}")
        if k % 20:
            words = copy["text"].split(" ")
            for w in range(rng.randrange(50), len(words), 50):
                words[w] = rng.choice(["river", "window", "paper", "garden"])
            copy["text"] = " ".join(words)
        pages.insert(rng.randrange(len(pages)), copy)
    return pages


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inputs(tmp_path_factory.mktemp("remote") / "crawl")


def write_inputs(root: Path) -> Path:
    """A folder of every kind of input, and of every kind of bad one."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(15)
    pages = _pages(rng)
    lines = [json.dumps(p, ensure_ascii=False).encode() for p in pages[: len(pages) // 2]]
    for k in range(0, len(lines), 37):
        record = json.loads(lines[k])
        del record["id"]  # named file:line
        lines[k] = json.dumps(record).encode()
    lines[5] += b"\r"  # a CRLF line
    lines.insert(9, b"")  # blank lines are skipped, but counted
    lines.insert(10, b"   ")
    lines.insert(20, b'{"id": "broken", "text": "no end')
    lines.insert(30, '{"id": "cp1252", "text": "Un café à Paris, écrit en cp1252 par un vieil outil."}'.encode("cp1252"))
    lines.insert(40, b'{"id": "no-text", "text": null}')
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "a.jsonl").write_bytes(b"\n".join(lines))  # no newline at the end
    (root / "pages" / "b.jsonl.gz").write_bytes(
        gzip.compress(b"".join(json.dumps(p).encode() + b"\n" for p in pages[len(pages) // 2 : -60]))
    )
    rest = pages[-60:]
    table = pa.table(
        {
            "id": [p["id"] if k % 7 else None for k, p in enumerate(rest)],  # no id: file:row
            "url": [p["url"] for p in rest],
            "rank": pa.array(range(len(rest)), pa.int64()),
            "score": [k / 7 for k in range(len(rest))],
            "ok": [k % 2 == 0 for k in range(len(rest))],
            "tags": [["a", str(k)] for k in range(len(rest))],
            "meta": [{"lang": p.get("lang", "und"), "n": k} for k, p in enumerate(rest)],
            "text": [p["text"] if k != 3 else None for k, p in enumerate(rest)],
        }
    )
    (root / "tables").mkdir()
    pq.write_table(table.slice(0, 30), root / "tables" / "t-0.parquet", row_group_size=8)
    pq.write_table(table.slice(30), root / "tables" / "t-1.parquet")
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text(pages[0]["text"], encoding="utf-8")
    (root / "odd").mkdir()
    (root / "odd" / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # no reader takes it
    u16 = "".join(json.dumps({"id": f"u16-{k}", "text": pages[k]["text"]}) + "\n" for k in (1, 2))
    (root / "odd" / "wide.jsonl").write_bytes(u16.encode("utf-16"))  # read whole, as locally
    (root / "odd" / "image.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.jsonl").write_text('{"text": "never read"}\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def local_out(src: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    assert main(["run", str(src), str(out), "-q", "--workers", "2"]) == 0
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in ("summary.json", "report.html")
    }


def _summary(report: Path) -> dict:
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    del summary["seconds"], summary["settings"]
    return summary


def test_spark_reads_a_file_uri_itself_and_writes_the_local_engines_bytes(
    spark, src, local_out, tmp_path
) -> None:
    # The report on a URI (--report file://...) is written through Hadoop; DEST, a local folder,
    # by the local writers.
    out, report = tmp_path / "out", tmp_path / "report"
    assert main(["run", f"file://{src}", str(out), "-q", "--engine", "spark", "--report", f"file://{report}"]) == 0
    local = _files(local_out)
    corpus = {name: data for name, data in local.items() if not name.startswith(".cleanse/")}
    assert _files(out) == corpus
    assert (report / "audit.jsonl").read_bytes() == local[".cleanse/audit.jsonl"]
    assert _summary(report) == _summary(local_out / ".cleanse")
    assert (report / "report.html").stat().st_size > 0
    assert not list(report.glob(".*"))  # no temporary name left behind
    # Not two empty runs: every kind of input and of rejection is there, and copies were found.
    audit = [json.loads(line) for line in local[".cleanse/audit.jsonl"].splitlines()]
    reasons = {a.get("reason") for a in audit}
    assert {"input.malformed-json", "input.missing-text", "input.binary", "input.unsupported-format"} <= reasons
    assert {"dedup.document-exact", "dedup.document-near"} <= reasons
    ids = {a["id"] for a in audit}
    assert {"u16-1", "pages/a.jsonl:1", "tables/t-0.parquet:1", "notes/readme.txt", "cp1252"} <= ids
    assert not any("hidden" in i for i in ids)


def test_a_parquet_dest_on_a_uri_and_its_report_are_written_through_hadoop(
    spark, src, local_out, tmp_path
) -> None:
    import pyarrow.parquet as pq

    # Without --report, the report goes into DEST, through Hadoop as the Parquet files do.
    dest = tmp_path / "out.parquet"
    args = ["run", f"file://{src}", f"file://{dest}", "-q", "--engine", "spark"]
    assert main(args) == 0
    local_audit = (local_out / ".cleanse" / "audit.jsonl").read_bytes()
    assert (dest / ".cleanse" / "audit.jsonl").read_bytes() == local_audit
    assert _summary(dest / ".cleanse") == _summary(local_out / ".cleanse")
    assert (dest / ".cleanse" / "report.html").stat().st_size > 0
    kept = [json.loads(a) for a in local_audit.splitlines()]
    kept_ids = [a["id"] for a in kept if a["status"] not in ("removed", "rejected")]
    rows = pq.read_table(dest).to_pylist()
    assert sorted(r["id"] for r in rows) == sorted(kept_ids)
    # An occupied DEST is refused before any work.
    assert main(args) == 1


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        ("dest", "gs://bucket/out/", "DEST gs://bucket/out/: on gs:// the Spark engine writes Parquet only"),
        ("index", "hdfs://nn/idx", "--index hdfs://nn/idx: the Spark engine keeps its index on a local"),
    ],
)
def test_what_spark_cannot_write_on_a_uri_is_refused_before_any_work(
    tmp_path, capsys, where, value, says
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a"}\n', encoding="utf-8")
    dest = value if where == "dest" else str(tmp_path / "out" / "x.jsonl")
    extra = ["--index", value] if where == "index" else []
    assert main(["run", str(src), dest, "--engine", "spark", *extra]) == 1
    assert capsys.readouterr().err.startswith(f"cleanse: error: {says}")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def without_added_jars(spark):
    """The shared session as one started without spark.jars: Hadoop looks its file systems' classes
    up through the class loader of its settings, given here the JVM's own (pyspark's jars, Hadoop's
    client among them), without the jars Spark added to it (the s3a connector, conftest.py)."""
    settings = spark.sparkContext._jsc.hadoopConfiguration()
    added = settings.getClassLoader()
    settings.setClassLoader(spark._jvm.java.lang.ClassLoader.getSystemClassLoader())
    try:
        yield spark
    finally:
        settings.setClassLoader(added)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("s3a://bucket/crawl/", "the class org.apache.hadoop.fs.s3a.S3AFileSystem (ClassNotFoundException)"),
        ("gs://bucket/crawl/", "gs"),  # the GCS connector's class, or no FileSystem for gs
    ],
)
def test_a_missing_connector_is_named_with_what_to_install(
    without_added_jars, tmp_path, capsys, url, says
) -> None:
    # pyspark bundles Hadoop's client without the S3 and GCS connectors, and only Maven Central
    # has them: the JVM's ClassNotFoundException becomes what to install, in the right version.
    from cleanse.spark.paths import hadoop_version

    out = tmp_path / "out"
    assert main(["run", url, str(out), "-q", "--engine", "spark"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cleanse: error: {url}: Spark's JVM cannot find ") and says in err
    if url.startswith("s3a"):
        version = hadoop_version()
        assert version and version[0].isdigit()
        assert f"--packages org.apache.hadoop:hadoop-aws:{version}" in err
        assert "neither PyPI nor Debian packages it" in err
    else:
        assert "GoogleHadoopFileSystem" in err or 'FileSystem for scheme "gs"' in err
        assert "gcs-connector-hadoop3" in err
    assert not out.exists()


def test_who_reads_src_and_how_paths_are_taken(monkeypatch) -> None:
    from cleanse.job import JobConfig
    from cleanse.spark.hadoop import file_key
    from cleanse.spark.native_read import spark_path
    from cleanse.spark.paths import READ_ENV, reads_natively, with_spark_paths

    # Spark names a row's file URL-encoded (file:/a%20b), the listing decoded: one file.
    assert file_key("file:/d/a%20b/c%5B1%5D.jsonl") == file_key("file:///d/a b/c[1].jsonl")
    assert file_key("s3a://bkt/a%20b.jsonl") != file_key("s3a://other/a%20b.jsonl")
    # spark.read takes paths as glob patterns: a listed file's name is escaped.
    assert spark_path("s3a://b/p[1]{x}*?.parquet") == r"s3a://b/p\[1\]\{x\}\*\?.parquet"
    monkeypatch.delenv(READ_ENV, raising=False)
    assert [reads_natively(s) for s in ("s3a://b/x", "hdfs://nn/x", "file:///x", "/x")] == [True, True, True, False]
    monkeypatch.setenv(READ_ENV, "native")
    assert reads_natively("/x")
    monkeypatch.setenv(READ_ENV, "executors")
    assert not reads_natively("file:///x") and reads_natively("s3a://b/x")
    config = with_spark_paths(JobConfig(src="file:///in", dest="file:///out/", report="file:///r", index="file:///i"))
    assert (config.src, config.dest, config.report, config.index) == ("/in", "/out/", "file:///r", "/i")
    monkeypatch.delenv(READ_ENV)
    config = with_spark_paths(JobConfig(src="file:///in", dest="file:///out.parquet"))
    assert (config.src, config.dest) == ("file:///in", "file:///out.parquet")  # both Spark's
