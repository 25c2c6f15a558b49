"""Spark engine parts on small inputs: components against the local union-find, the DataFrame
entry against the local engine, Parquet in and out, a malformed record on an executor."""

from __future__ import annotations

import json
import random

import numpy as np

from cleanse.cli import main
from cleanse.dedup.cluster import components
from tests.spark.conftest import build_corpus


def test_large_star_small_star_gives_the_local_components(spark) -> None:
    from cleanse.spark.components import connected_components

    # Two random graphs in one edge list (items 0-299 and 300-599): chains, stars and random
    # links; long paths need several rounds to converge.
    edges: list[tuple[int, int]] = []
    for seed, base in ((1, 0), (2, 300)):
        rng = random.Random(seed)
        some = [(k, k + 1) for k in range(20)] + [(100, k) for k in range(101, 140)]
        some += [(rng.randrange(150, 300), rng.randrange(150, 300)) for _ in range(120)]
        edges += [(base + i, base + j) for i, j in some if i != j]
    n = 600
    frame = spark.createDataFrame(edges, "i long, j long")
    got = dict(connected_components(frame).collect())
    labels = components(n, np.array(edges, dtype=np.int64))
    want = {k: int(labels[k]) for k in range(n) if any(k in e for e in edges)}
    assert got == want


def test_dataframe_entry_gives_the_local_records_and_audit(spark, tmp_path) -> None:
    from cleanse.dedup import DedupConfig
    from cleanse.spark import clean_frame_records

    lines = build_corpus(200, seed=3)
    records = [json.loads(line) for line in lines if line.startswith("{") and line.endswith("}")]
    records = [r for r in records if "url" in r and "id" in r]
    seen, unique = set(), []
    for r in records:  # the entry orders by id: give the local engine the same order
        if r["id"] not in seen:
            seen.add(r["id"])
            unique.append(r)
    unique.sort(key=lambda r: r["id"])
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": r["id"], "url": r["url"], "text": r["text"]}, ensure_ascii=False) + "\n" for r in unique), encoding="utf-8")
    assert main(["run", str(src), str(tmp_path / "out.jsonl"), "-q", "--workers", "1"]) == 0
    local_audit = (tmp_path / ".cleanse" / "out.jsonl" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    local_out = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()

    frame = spark.createDataFrame([(r["id"], r["url"], r["text"]) for r in unique], "id string, url string, text string")
    out = clean_frame_records(frame, dedup=DedupConfig()).collect()
    # The same lines, but for where they were read: DataFrame rows come from no input file.
    local_entries = [json.loads(line) for line in local_audit]
    for entry in local_entries:
        assert entry.pop("source") == "in.jsonl"
        for part in (entry, *entry["changes"]):
            for key in ("path", "line" if part is entry else "", "duplicate_of_path", "duplicate_of_input_line"):
                part.pop(key, None)
    assert [json.loads(row["audit"]) for row in out] == local_entries
    assert [row["record"] for row in out if row["record"] is not None] == local_out
    assert sum(row["status"] == "removed" for row in out) >= 10


def test_parquet_in_parquet_out_and_bad_records(spark, tmp_path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = "Words enough to make a document that is compared as a whole, with nothing special."
    table = pa.table({"url": ["https://a.example/1", "https://a.example/2", "https://b.example/3"], "text": [text, text, None]})
    src = tmp_path / "src"
    src.mkdir()
    pq.write_table(table, src / "part-0.parquet")
    (src / "more.jsonl").write_text('{"id": "j1", "text": "Another text"}\n{"id": "bad", "text": \n', encoding="utf-8")
    dest = tmp_path / "out.parquet"
    # SRC as a file:// URL (a local path), DEST as a folder (a trailing slash)
    assert main(["run", f"file://{src}", f"{dest}/", "-q", "--engine", "spark"]) == 0
    report = dest / ".cleanse"  # the report of a folder SRC: inside DEST, beside the Parquet parts
    rows = pq.read_table(dest).to_pylist()
    assert sorted(r["id"] for r in rows) == ["j1", "part-0.parquet:1"]
    audit = [json.loads(x) for x in (report / "audit.jsonl").read_text().splitlines()]
    assert [(a["id"], a["status"], a.get("reason")) for a in audit] == [
        ("j1", "kept", None),
        ("more.jsonl:2", "rejected", "input.malformed-json"),
        ("part-0.parquet:1", "kept", None),
        ("part-0.parquet:2", "removed", "dedup.document-exact"),
        ("part-0.parquet:3", "rejected", "input.missing-text"),
    ]
    assert audit[3]["duplicate_of"] == "part-0.parquet:1"
    summary = json.loads((report / "summary.json").read_text())
    assert summary["documents"]["in"] == 5
    assert summary["rejected_by"] == {"input.malformed-json": 1, "input.missing-text": 1}


def test_the_cpu_time_limit_is_armed_in_the_python_workers(spark) -> None:
    # The rule engine's per-document budget is a SIGPROF timer, which Python can arm only in a
    # main thread: Spark's Python workers must clean there, or every document takes the slow path.
    import pyarrow as pa

    from cleanse.watchdog import time_limit

    def probe(batches):
        for batch in batches:
            with time_limit(5.0) as armed:
                pass
            yield pa.RecordBatch.from_pydict({"armed": [armed] * batch.num_rows})

    frame = spark.range(0, 8, numPartitions=2)
    assert [row.armed for row in frame.mapInArrow(probe, "armed boolean").collect()] == [True] * 8


def test_the_cleaning_recipe_the_executors_get_cleans_as_the_local_engine() -> None:
    # cleanse.spark.clean ships cleaning_stage.CleanerFactory in its tasks' closures (pickled) and each
    # task builds its cleaner from it: the documents must come out as the local engine cleans them.
    import pickle
    from pathlib import Path

    from cleanse.clean import CleanConfig
    from cleanse.cleaning_stage import CleanerFactory, clean_documents
    from cleanse.document import Document
    from cleanse.packs import load_rules

    seeds = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
    docs = [
        Document.from_text(f"d{n}", p.read_text(encoding="utf-8"), {}, location={"path": p.name})
        for n, p in enumerate(seeds)
    ]
    ruleset, config = load_rules([]), CleanConfig()
    clean = pickle.loads(pickle.dumps(CleanerFactory(ruleset, config, None)))()
    cleaned = [clean(doc) for doc in docs]
    assert cleaned == list(clean_documents(docs, ruleset, config, workers=1))
    assert all(doc.changes for doc in cleaned)  # every seed has something to clean
