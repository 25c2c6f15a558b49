"""Files behind Hadoop URIs (s3a://, gs://, hdfs://, abfs://, file://), seen by the driver
through the JVM's Hadoop FileSystem API: the one Spark itself reads and writes them with.

The driver lists SRC here (as cleanse.walk lists a folder: sorted by relative path, hidden names
skipped, --include / --exclude applied), checks DEST and the report folder before any work, and
uploads the report (audit.jsonl, summary.json, report.html, written locally first) once the run
is done. Going through the JVM rather than fsspec means one configuration for everything: the
store's connector, endpoint and credentials Spark is given (`--spark-conf spark.hadoop.fs.*`)
serve the listing, the executors' reads, the Parquet writer and the report alike, and hdfs://
needs nothing more than what pyspark bundles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from cleanse.errors import ConfigError, InputError
from cleanse.formats.arrow import layout_files
from cleanse.formats.registry import accepted_suffixes, detect
from cleanse.walk import chosen

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Stores where a file is one object that appears, whole, when its upload completes: written in
#: place (their rename is a copy and a delete, so a temporary name would only add a copy).
OBJECT_STORES = frozenset({"s3a", "s3", "s3n", "gs"})
TMP_SUFFIX = ".cleanse-tmp"
_MISSING_CLASS = re.compile(r"Class (\S+) not found|No FileSystem for scheme \"?(\w+)")


@dataclass(frozen=True, slots=True)
class HadoopFile:
    """A file listed under a Hadoop URI: its URI as Hadoop's Path prints it (decoded: what
    spark.read takes), its POSIX path relative to SRC (its name when SRC is the file), its size,
    whether it is SRC itself, and its URI encoded (what file_key reads)."""

    uri: str
    rel: str
    size: int
    given: bool = False
    encoded: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return file_key(self.encoded or self.uri)


def scheme(uri: str) -> str:
    return uri.split("://", 1)[0].lower()


def file_key(uri: str) -> tuple[str, str]:
    """(host, decoded path) of a URI: the same for a file however it is written (`file:/a%20b`,
    as Spark names the file a row came from, and `file:///a b`, as the listing does)."""
    parts = urlsplit(uri)
    return parts.netloc, unquote(parts.path)


def _jvm_fs(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    """The Hadoop FileSystem holding `uri`, and the URI as a Hadoop Path."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(uri)
    try:
        return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path
    except Exception as exc:  # py4j's Py4JJavaError: the JVM's exception, in its message
        raise connector_error(uri, exc) from None


def connector_error(uri: str, exc: BaseException) -> ConfigError:
    """What to install when the JVM has no file system for `uri`'s scheme (ClassNotFoundException
    for S3AFileSystem, `No FileSystem for scheme "gs"`); other errors as they are."""
    from cleanse.spark.paths import connector_advice

    found = _MISSING_CLASS.search(str(exc))
    if found is None:
        return ConfigError(f"{uri}: {_first_line(exc)}")
    if found.group(1):
        what = f"the class {found.group(1)} (ClassNotFoundException)"
    else:
        what = f'a FileSystem for scheme "{found.group(2)}"'
    msg = f"{uri}: Spark's JVM cannot find {what}{connector_advice(scheme(uri))}"
    return ConfigError(msg)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    for line in text.splitlines():
        if "Exception" in line or "Error" in line:
            return line.strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _call(uri: str, action: Any) -> Any:
    """Run a JVM call on `uri`; a missing connector or an I/O failure as a cleanse error."""
    try:
        return action()
    except Exception as exc:
        if "FileNotFoundException" in str(exc):
            msg = f"{uri}: no such file or folder"
            raise InputError(msg) from None
        if "ClassNotFound" in str(exc) or "No FileSystem" in str(exc):
            raise connector_error(uri, exc) from None
        raise


def list_files(
    spark: SparkSession, uri: str, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[HadoopFile]:
    """The input files under `uri` (a folder), or the file itself, as cleanse.walk lists them."""
    fs, root = _jvm_fs(spark, uri)
    status = _call(uri, lambda: fs.getFileStatus(root))
    if not status.isDirectory():
        name = uri.rstrip("/").rsplit("/", 1)[-1]
        if detect(name) is None:
            msg = f"{uri}: cannot read this kind of file; give a file or folder of {accepted_suffixes()}"
            raise InputError(msg)
        encoded = status.getPath().toUri().toString()
        return [HadoopFile(status.getPath().toString(), name, int(status.getLen()), True, encoded)]
    base = status.getPath().toUri().getPath().rstrip("/")
    listed = _call(uri, lambda: fs.listFiles(root, True))
    found, by_folder = [], defaultdict(list)
    while listed.hasNext():
        entry = listed.next()
        rel = entry.getPath().toUri().getPath()[len(base) :].lstrip("/")
        if not rel or any(part.startswith(".") for part in rel.split("/")):
            continue
        path = entry.getPath()
        file = HadoopFile(path.toString(), rel, int(entry.getLen()), False, path.toUri().toString())
        found.append(file)
        by_folder[rel.rpartition("/")[0]].append(rel.rpartition("/")[2])
    described = {
        f"{folder}/{name}" if folder else name
        for folder, names in by_folder.items()
        for name in layout_files(names)
    }
    kept = [f for f in found if f.rel not in described and chosen(f.rel, include, exclude)]
    return sorted(kept, key=lambda f: f.rel.split("/"))


def is_folder(spark: SparkSession, uri: str) -> bool:
    """Whether `uri` is a folder (else a file); InputError when it names nothing."""
    fs, path = _jvm_fs(spark, uri)
    return bool(_call(uri, lambda: fs.getFileStatus(path)).isDirectory())


def holds_anything(spark: SparkSession, uri: str, names: Sequence[str] = ()) -> bool:
    """Whether `uri` exists and is not an empty folder (with `names`: holds one of them)."""
    fs, path = _jvm_fs(spark, uri)
    if not _call(uri, lambda: fs.exists(path)):
        return False
    if names:
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        return any(fs.exists(jvm.org.apache.hadoop.fs.Path(path, name)) for name in names)
    return not fs.getFileStatus(path).isDirectory() or len(fs.listStatus(path)) > 0


def upload(spark: SparkSession, local: Path, uri: str) -> None:
    """Copy the local file `local` to `uri`, replacing what is there. On a file system (hdfs://,
    file://, abfs://) it is written under a temporary name and renamed, so a reader never sees
    part of it; on an object store (s3a://, gs://) the object appears whole when its upload
    completes, so it is written in place."""
    fs, dest = _jvm_fs(spark, uri)
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    source = jvm.org.apache.hadoop.fs.Path(local.resolve().as_uri())
    if scheme(uri) in OBJECT_STORES:
        _call(uri, lambda: fs.copyFromLocalFile(False, True, source, dest))
        return
    name = dest.getName()
    tmp = jvm.org.apache.hadoop.fs.Path(dest.getParent(), f".{name}{TMP_SUFFIX}")
    _call(uri, lambda: fs.copyFromLocalFile(False, True, source, tmp))
    if fs.exists(dest):
        fs.delete(dest, False)
    if not fs.rename(tmp, dest):
        msg = f"{uri}: the file was written as {tmp.toString()} but could not be renamed"
        raise OSError(msg)
