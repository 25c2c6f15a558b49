"""The SparkSession a cleanse run uses: every listener on 127.0.0.1 unless told otherwise.

pyspark is an optional dependency (`pip install 'cleanse[spark]'`, plus a Java 17 runtime); this
module says what to install when either is missing instead of failing with an import error.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cleanse.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"
#: Settings every session gets unless --spark-conf overrides them. The driver binds and
#: advertises the loopback address, so in local mode nothing listens on another interface.
LOOPBACK_CONF = {
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.ui.enabled": "false",
    # Arrow batches of a few hundred documents keep an executor's Python memory small.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "512",
    # A task that fails is retried; results do not depend on which attempt succeeded.
    "spark.task.maxFailures": "4",
    "spark.ui.showConsoleProgress": "false",
}
LOCAL_SHUFFLE_PARTITIONS = (
    4  # per core in local mode (Spark's default of 200 tasks is for clusters)
)
#: In local mode one JVM plans and runs all of a run's jobs (over a hundred, most of them small),
#: and that JVM was most of a small run's CPU: the client compiler only and the serial collector
#: cut it (benchmarks/README.md, "Fewer Spark jobs"). On a cluster the executors keep Spark's
#: defaults.
LOCAL_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def missing_requirements() -> str | None:
    """What is missing to start Spark here (pyspark, pyarrow, a Java runtime), or None."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed: pip install 'cleanse[spark]'"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").exists()) and not shutil.which("java"):
        return "no Java runtime found: install Java 17 (Debian: apt-get install openjdk-17-jre-headless)"
    return None


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """`--spark-conf key=value` options as a dict; a pair without `=` is refused."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            msg = f"--spark-conf {pair!r}: expected key=value, e.g. spark.executor.memory=4g"
            raise ConfigError(msg)
        out[key.strip()] = value
    return out


def build_session(
    master: str = DEFAULT_MASTER, conf: Mapping[str, str] | None = None, app: str = "cleanse"
) -> SparkSession:
    """A SparkSession on `master` with the loopback settings, then `conf` on top."""
    problem = missing_requirements()
    if problem is not None:
        msg = f"--engine spark: {problem}"
        raise ConfigError(msg)
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        # Local executors run this interpreter, which has cleanse and its dependencies.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # Every listener (driver, block manager, shuffle) on the loopback interface.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(app)
    settings = dict(LOOPBACK_CONF)
    if master.startswith("local"):
        settings["spark.pyspark.python"] = os.environ["PYSPARK_PYTHON"]
        cores = (
            master[len("local[") :].split(",")[0].rstrip("]")
            if master.startswith("local[")
            else "1"
        )
        cores = str(os.cpu_count() or 1) if cores == "*" else cores
        settings["spark.sql.shuffle.partitions"] = str(LOCAL_SHUFFLE_PARTITIONS * int(cores or 1))
        settings["spark.driver.extraJavaOptions"] = LOCAL_JAVA_OPTIONS
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
