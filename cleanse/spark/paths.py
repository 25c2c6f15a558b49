"""Which paths the Spark engine takes, and who reads and writes each.

- SRC: a local path (or any path the driver and every executor see alike, such as an NFS
  mount) is read by the executors with cleanse's own readers; a Hadoop URI (s3a://, gs://,
  hdfs://, abfs://, file://…) is read by Spark itself (cleanse.spark.native_read), through the
  connector the JVM has for its scheme. CLEANSE_SPARK_READ=native reads a local path that way
  too (file:///abs/path), CLEANSE_SPARK_READ=executors a file:// URL the first way.
- DEST: a local path gets the local engine's writers; a URI must name Parquet (`….parquet`),
  written by Spark's DataFrame writer (a file:// DEST of another format is its local path).
- --report: a local path, or a URI the report is uploaded to (cleanse.spark.hadoop).
- --index: local only (the Parquet index takes a lock file and renames its manifest); a
  file:// URL is its local path.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from cleanse.errors import ConfigError
from cleanse.job import JobConfig

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
READ_ENV = "CLEANSE_SPARK_READ"  # native | executors: who reads SRC, whatever its form


def uri_scheme(value: str) -> str | None:
    """The scheme of a URL, lower-cased, or None for a path.

    >>> uri_scheme("S3A://bucket/x"), uri_scheme("data/x.jsonl")
    ('s3a', None)
    """
    found = _SCHEME.match(value)
    return found.group(1).lower() if found else None


def is_uri(value: str | None) -> bool:
    """Whether `value` is a URI (file:// included), not a plain path."""
    return value is not None and uri_scheme(value) is not None


def local_path(value: str, what: str) -> str:
    """`value` as a local path: file:///x -> /x; a path as it is.

    >>> local_path("file:///data/crawl", "SRC")
    '/data/crawl'
    >>> local_path("out/", "DEST")
    'out/'
    """
    found = _SCHEME.match(value)
    if found is None or found.group(1).lower() != "file":
        return value
    rest = value[len(found.group(0)) :]
    if rest.startswith("/") or not rest:
        return rest or "/"
    host, _, path = rest.partition("/")
    if host in ("", "localhost"):
        return "/" + path
    msg = f"{what} {value}: a file:// URL names a local path (file:///path); this one names host {host!r}"
    raise ConfigError(msg)


def reads_natively(src: str) -> bool:
    """Whether Spark itself reads SRC (a URI, or any SRC with CLEANSE_SPARK_READ=native)."""
    how = os.environ.get(READ_ENV, "").strip().lower()
    if how not in ("", "native", "executors"):
        msg = f"{READ_ENV}={how!r}: give native (Spark reads SRC) or executors (cleanse's readers)"
        raise ConfigError(msg)
    if uri_scheme(src) == "file":
        return how != "executors"
    return is_uri(src) or how == "native"


def native_src(src: str) -> str:
    """SRC as the URI Spark reads: a URL as it is, a local path as file:///absolute/path (not
    percent-encoded: Hadoop's Path encodes what it must itself)."""
    if uri_scheme(src) is not None:
        return src
    return f"file://{Path(src).resolve().as_posix()}"


def schema_source(src: str) -> str | None:
    """Where the local writers read a Parquet input's schema (its copy keeps it): a local SRC;
    None for SRC on a store, whose Parquet copies get the schema of their records."""
    return local_path(src, "SRC") if uri_scheme(src) in (None, "file") else None


def hadoop_version() -> str | None:
    """The version of the Hadoop client bundled with the installed pyspark (from its jars)."""
    try:
        import pyspark
    except ImportError:
        return None
    jars = sorted(Path(pyspark.__file__).parent.glob("jars/hadoop-client-api-*.jar"))
    return jars[-1].name[len("hadoop-client-api-") : -len(".jar")] if jars else None


def connector_advice(scheme: str) -> str:
    """What Spark needs on every node to read and write `scheme`:// itself."""
    version = hadoop_version() or "VERSION"
    if scheme == "gs":
        return (
            ". Spark reads gs:// only with Google's GCS connector jar (gcs-connector-hadoop3) on "
            "every node, e.g. --spark-conf spark.jars=/path/gcs-connector-hadoop3-shaded.jar"
        )
    if scheme in ("s3a", "s3", "s3n"):
        return (
            f". Spark reads s3a:// only with Hadoop's S3 connector, hadoop-aws, on every node, in "
            f"the version of the Hadoop that Spark bundles ({version} here): spark-submit "
            f"--packages org.apache.hadoop:hadoop-aws:{version} (or --spark-conf "
            f"spark.jars.packages=org.apache.hadoop:hadoop-aws:{version}), plus "
            "spark.hadoop.fs.s3a.* credentials. Spark fetches it from Maven Central; neither "
            "PyPI nor Debian packages it, so pip install 'cleanse[spark]' does not bring it "
            "(README.md, Spark: an older hadoop-aws from PyPI, for tests against a local store)"
        )
    if scheme in ("abfs", "abfss", "wasb", "wasbs"):
        return (
            f". Spark reads {scheme}:// only with Hadoop's Azure connector, hadoop-azure, on every "
            f"node: spark-submit --packages org.apache.hadoop:hadoop-azure:{version}"
        )
    return f". Give Spark the Hadoop connector for {scheme}:// on every node (spark.jars)"


def with_spark_paths(config: JobConfig) -> JobConfig:
    """`config` with DEST, --report and --index as local paths unless they are URIs Spark
    writes; what the Spark engine cannot do with a URI refused before any work."""
    dest = config.dest
    parquet = dest.rstrip("/").lower().endswith(".parquet")
    if uri_scheme(dest) == "file" and not parquet:
        dest = local_path(dest, "DEST")  # the local writers write it
    if is_uri(dest) and not parquet:
        msg = (
            f"DEST {dest}: on {uri_scheme(dest)}:// the Spark engine writes Parquet only (a DEST "
            "ending in .parquet, written by Spark's DataFrame writer); give such a DEST, or a "
            "local DEST for JSON lines and the other formats"
        )
        raise ConfigError(msg)
    index = local_path(config.index, "--index") if config.index else config.index
    if is_uri(index):
        msg = (
            f"--index {index}: the Spark engine keeps its index on a local or shared file system "
            "(it takes a lock file and replaces its manifest by a rename); give a path every "
            "node sees"
        )
        raise ConfigError(msg)
    src = config.src
    if src != "-" and not reads_natively(src):
        src = local_path(src, "SRC")
    return dataclasses.replace(config, src=src, dest=dest, index=index)
