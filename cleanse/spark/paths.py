"""Which paths the Spark engine takes: local ones (plain or file://), seen alike by the driver and
every executor (on a cluster: a shared file system such as NFS). Remote storage (s3a://, gs://,
hdfs://, …) is refused before any work, saying what to do instead.

Executors read the input with cleanse's own readers, which open local paths, and the driver
writes the corpus and report with the local writers; only a Parquet DEST, the index's Parquet
files and checkpoints are written by Spark itself. Reading and writing remote storage needs the
readers to open remote paths and, on the JVM side, Hadoop's connector for the store
(hadoop-aws for s3a://, the GCS connector for gs://): see the README's Spark section.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from cleanse.errors import ConfigError
from cleanse.job import JobConfig

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def local_path(value: str, what: str) -> str:
    """`value` as a local path: file:///x -> /x; a remote URL is refused.

    >>> local_path("file:///data/crawl", "SRC")
    '/data/crawl'
    >>> local_path("out/", "DEST")
    'out/'
    """
    found = _SCHEME.match(value)
    if found is None:
        return value
    scheme = found.group(1).lower()
    if scheme == "file":
        rest = value[len(found.group(0)) :]
        if rest.startswith("/") or not rest:
            return rest or "/"
        host, _, path = rest.partition("/")
        if host in ("", "localhost"):
            return "/" + path
        msg = f"{what} {value}: a file:// URL names a local path (file:///path); this one names host {host!r}"
        raise ConfigError(msg)
    msg = (
        f"{what} {value}: the Spark engine does not read or write {scheme}:// paths yet; it takes "
        "local paths (or file:///…) that the driver and every executor see, such as a shared "
        "NFS mount or a bucket mounted with a FUSE driver (mountpoint-s3, gcsfuse). Copy the "
        "data there and give its path, or read it with Spark yourself and pass the DataFrame to "
        f"cleanse.spark.clean_frame_records (Spark gets the URL as it is){_connector(scheme)}"
    )
    raise ConfigError(msg)


def hadoop_version() -> str | None:
    """The version of the Hadoop client bundled with the installed pyspark (from its jars)."""
    try:
        import pyspark
    except ImportError:
        return None
    jars = sorted(Path(pyspark.__file__).parent.glob("jars/hadoop-client-api-*.jar"))
    return jars[-1].name[len("hadoop-client-api-") : -len(".jar")] if jars else None


def _connector(scheme: str) -> str:
    """What Spark needs on every node to read `scheme`:// itself."""
    if scheme not in ("s3a", "s3", "s3n", "gs"):
        return ""
    version = hadoop_version() or "VERSION"
    if scheme == "gs":
        return (
            ". Spark reads gs:// only with Google's GCS connector jar (gcs-connector-hadoop3) on "
            "every node, e.g. --spark-conf spark.jars=/path/gcs-connector-hadoop3-shaded.jar"
        )
    return (
        f". Spark reads s3a:// only with Hadoop's S3 connector, hadoop-aws, on every node, in the "
        f"version of the Hadoop that Spark bundles ({version} here): spark-submit --packages "
        f"org.apache.hadoop:hadoop-aws:{version} (or --spark-conf "
        f"spark.jars.packages=org.apache.hadoop:hadoop-aws:{version}), plus spark.hadoop.fs.s3a.* "
        "credentials. Spark fetches it from Maven Central; neither PyPI nor Debian packages it, "
        "so pip install 'cleanse[spark]' does not bring it"
    )


def with_local_paths(config: JobConfig) -> JobConfig:
    """`config` with SRC, DEST, --report and --index as local paths (see local_path)."""
    return dataclasses.replace(
        config,
        src=local_path(config.src, "SRC") if config.src != "-" else config.src,
        dest=local_path(config.dest, "DEST") if config.dest != "-" else config.dest,
        report=local_path(config.report, "--report") if config.report else config.report,
        index=local_path(config.index, "--index") if config.index else config.index,
    )
