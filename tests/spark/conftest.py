"""Spark tests: one SparkSession for the tests/spark package (a session takes seconds to start,
its JVM many more), bound to 127.0.0.1, stopped after its last test (the JVM's memory is not held
while the rest of the suite runs); and a corpus of real-shaped documents with planted copies.

When Hadoop's S3 connector is there (CLEANSE_S3A_JARS, .ci/s3a-jars), the session's JVM starts
with its jars, so the s3a:// test (test_s3a.py) runs in this JVM rather than a second one: a JVM
takes its class path when it starts. The jars add classes, nothing else: what the other tests
check does not depend on them (test_remote_paths reads through the class loader of a JVM started
without them where it checks the error a missing connector gives).

Without pyspark or a Java runtime the Spark tests are skipped, saying which is missing; in CI
(CLEANSE_REQUIRE_SPARK=1, set by .ci/run) they fail instead.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleanse.spark.faults import FAULTS_ENV
from cleanse.spark.session import missing_requirements

ROOT = Path(__file__).resolve().parents[2]
#: local[2] with up to 2 attempts per task: Spark's local mode retries a task only when told so.
TEST_MASTER = "local[2,2]"


@pytest.fixture(scope="session")
def faults_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One folder for the whole session: Spark's JVM outlives a stopped session and keeps the
    # environment it started with, so a later module's session must find the same folder.
    return tmp_path_factory.mktemp("faults")


#: Hadoop's S3 connector for the s3a:// test: its jars, comma-separated (.ci/s3a-jars prints them).
S3A_JARS_ENV = "CLEANSE_S3A_JARS"


def s3a_jars_problem() -> str | None:
    """Why the s3a:// test cannot run here (no Spark, no connector), or None."""
    problem = missing_requirements()
    jars = os.environ.get(S3A_JARS_ENV, "")
    if problem is None and not jars:
        problem = f"{S3A_JARS_ENV} is not set: {S3A_JARS_ENV}=$(bash .ci/s3a-jars) downloads the connector from PyPI"
    elif problem is None:
        absent = [jar for jar in jars.split(",") if not Path(jar).is_file()]
        problem = f"{S3A_JARS_ENV} names files that are not there: {', '.join(absent)}" if absent else None
    return problem


def _require_spark() -> None:
    problem = missing_requirements()
    if problem is not None:
        if os.environ.get("CLEANSE_REQUIRE_SPARK"):
            pytest.fail(f"Spark tests must run here (CLEANSE_REQUIRE_SPARK is set): {problem}")
        pytest.skip(f"Spark tests need pyspark and Java: {problem}")


class SharedSession:
    """The tests' SparkSession: built when a test first asks for it, and built again (in the
    same JVM, a second or two) when a test stopped it to run the CLI without a session
    (test_s3a: `cleanse run --engine spark` then starts and stops its own)."""

    def __init__(self, faults_dir: Path) -> None:
        self.faults_dir = faults_dir
        self.session: Any = None

    def get(self) -> Any:
        from pyspark import SparkContext

        if self.session is None or SparkContext._active_spark_context is None:
            self.session = self._build()
        return self.session

    def stop(self) -> None:
        from pyspark import SparkContext

        if self.session is not None and SparkContext._active_spark_context is not None:
            self.session.stop()
        self.session = None

    def _build(self) -> Any:
        from cleanse.spark.session import build_session

        faults_dir = self.faults_dir
        os.environ[FAULTS_ENV] = str(faults_dir)  # inherited by the executors' Python workers
        # Two shuffle partitions, one per core: still more than one, so every shuffle splits its keys.
        conf = {"spark.sql.shuffle.partitions": "2", f"spark.executorEnv.{FAULTS_ENV}": str(faults_dir)}
        # The tests' data is tiny and a run is some hundred small jobs, so the JVM's own work (JIT,
        # code generation) is most of their CPU: the client compiler only, a serial collector and
        # Spark's interpreted operators halve it. Results do not depend on either (adaptive
        # execution stays on, as users run it).
        conf |= {
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
            "spark.sql.codegen.wholeStage": "false",
        }
        if s3a_jars_problem() is None:  # the JVM starts with the connector (test_s3a)
            conf["spark.jars"] = os.environ[S3A_JARS_ENV]
        session = build_session(TEST_MASTER, conf)
        session.sparkContext.setCheckpointDir(str(faults_dir / "checkpoints"))
        return session


@pytest.fixture(scope="package")
def shared_session(faults_dir: Path) -> Iterator[SharedSession]:
    _require_spark()
    shared = SharedSession(faults_dir)
    yield shared
    shared.stop()


@pytest.fixture
def spark(shared_session: SharedSession) -> object:
    """The shared SparkSession (started by the first test that asks)."""
    return shared_session.get()


def _words(lang: str) -> list[str]:
    path = ROOT / "cleanse" / "data" / "lexicon" / f"{lang}.txt"
    return [w for w in path.read_text(encoding="utf-8").split("\n")[1:6001] if w.isalpha()]


def _sentences() -> list[str]:
    """Sentences of the sample articles in seeds/ (real scraped text, with its furniture)."""
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            out += [s.strip() for s in re.split(r"(?<=[.?!»])\s+", line) if len(s.split()) >= 6]
    return out


BOILERPLATE = ["Share this article", "Read more: Kim Jong Un arrives in Russia by armoured train", "5 min read", "Tweet"]


def build_corpus(n_docs: int, seed: int = 7) -> list[str]:
    """JSONL lines: `n_docs` documents of word-frequency text and seed sentences, with planted
    exact copies, near copies (one word in 60 changed, a paragraph dropped, re-wrapped at 72
    columns), look-alikes below the threshold (one word in 12 changed), paragraphs copied into
    other documents, boilerplate lines, and a few bad records; shuffled, so a copy may come first.
    """
    rng = random.Random(seed)
    vocab = {"en": _words("en"), "fr": _words("fr")}
    weights = [1.0 / (rank + 20) for rank in range(6000)]
    sentences = _sentences()

    def paragraph(lang: str) -> str:
        if rng.random() < 0.15:
            return " ".join(rng.sample(sentences, rng.randint(1, 3)))
        words = rng.choices(vocab[lang], weights=weights[: len(vocab[lang])], k=rng.randint(6, 70))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def perturb(text: str, every: int) -> str:
        words = text.split(" ")
        for k in range(rng.randrange(every), len(words), every):
            words[k] = rng.choice(vocab["en"])
        return " ".join(words)

    def rewrap(text: str) -> str:
        out = []
        for para in text.split("\n\n"):
            line, lines = "", []
            for word in para.split():
                if line and len(line) + 1 + len(word) > 72:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            lines.append(line)
            out.append("\n".join(lines))
        return "\n\n".join(out)

    texts: list[str] = []
    for _ in range(n_docs):
        r = rng.random()
        if texts and r < 0.05:
            text = rng.choice(texts)
        elif texts and r < 0.13:
            base = rng.choice(texts)
            how = rng.randrange(3)
            if how == 0:
                text = perturb(base, 60)
            elif how == 1 and base.count("\n\n") >= 6:
                text = base.rsplit("\n\n", 1)[0]
            else:
                text = rewrap(base)
        elif texts and r < 0.16:
            text = perturb(rng.choice(texts), 12)
        else:
            lang = "fr" if rng.random() < 0.4 else "en"
            paras = [paragraph(lang) for _ in range(rng.randint(1, 9))]
            if texts and rng.random() < 0.12:
                donor = rng.choice(texts).split("\n\n")
                paras.insert(rng.randrange(len(paras) + 1), rng.choice(donor))
            if rng.random() < 0.2:
                paras.insert(rng.randrange(len(paras) + 1), rng.choice(BOILERPLATE))
            text = "\n\n".join(paras)
        texts.append(text)
    records: list[str] = []
    for k, text in enumerate(texts):
        record = {"id": f"doc-{k:05d}", "url": f"https://site{k % 9}.example/a/{k}", "text": text}
        if k % 97 == 0:
            del record["id"]  # named file:line
        records.append(json.dumps(record, ensure_ascii=False))
    rng.shuffle(records)
    records.insert(len(records) // 3, '{"id": "broken", "text": "no end')
    records.insert(len(records) // 2, json.dumps({"id": "no-text", "text": None}))
    records.insert(len(records) // 4, json.dumps({"id": "doc-00010", "text": "The same id as another record, and words enough to count."}))
    return records
