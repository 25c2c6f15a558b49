"""Hugging Face datasets as SRC: a folder written by `save_to_disk` (Dataset and DatasetDict) and
the hub's folder of Parquet shards are read with every column kept; a saved dataset comes out as
Parquet shards that `datasets` loads back; without `datasets` a saved folder is refused naming
the `hf` extra. No network: the datasets are built in the tests."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from cleanse import Pipeline, read_documents

from .common import SHARE, audit, cleaned, run, text

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
datasets = pytest.importorskip("datasets", reason="the hf extra is not installed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
datasets.disable_progress_bars()

FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "text": datasets.Value("string"),
        "n": datasets.Value("int32"),
        "score": datasets.Value("float32"),
        "tags": datasets.Sequence(datasets.Value("string")),
        "info": {"ok": datasets.Value("bool"), "lang": datasets.Value("string")},
    }
)


def rows(n: int, start: int = 0) -> list[dict]:
    return [
        {"id": f"r{i}", "text": text(i), "n": i, "score": i / 4, "tags": ["a", str(i)],
         "info": {"ok": i % 2 == 0, "lang": "fr"}}
        for i in range(start, start + n)
    ]  # fmt: skip


def dataset(data: list[dict]) -> datasets.Dataset:
    return datasets.Dataset.from_list(data, features=FEATURES)


def expected(data: list[dict]) -> list[dict]:
    return [{**r, "text": cleaned(r["n"])} for r in data]


def parquet_rows(folder: Path) -> list[dict]:
    return [row for p in sorted(folder.glob("*.parquet")) for row in pq.read_table(p).to_pylist()]


def test_a_saved_dataset_comes_out_as_parquet_shards_with_every_column(tmp_path):
    data = rows(9)
    dataset(data).save_to_disk(str(tmp_path / "saved"), num_shards=3)
    assert run("run", str(tmp_path / "saved"), str(tmp_path / "out"), "--lang", "fr") == 0
    out = tmp_path / "out"
    shards = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert shards == [f"data-0000{k}-of-00003.parquet" for k in range(3)]
    assert parquet_rows(out) == expected(data)
    source = pa.ipc.open_stream(pa.memory_map(str(tmp_path / "saved" / "data-00000-of-00003.arrow")))
    assert pq.read_schema(out / shards[0]) == source.schema  # types, order, features metadata
    assert pq.read_schema(out / shards[0]).metadata[b"huggingface"]
    loaded = datasets.Dataset.from_parquet([str(out / s) for s in shards])
    assert loaded.features == FEATURES and loaded.to_list() == expected(data)
    # The files that describe the dataset are neither documents nor rejected.
    lines = audit(out)
    assert [line["id"] for line in lines] == [f"r{i}" for i in range(9)]
    assert {line["status"] for line in lines} == {"changed"}


def test_a_saved_dataset_dict_keeps_its_splits_and_loads_back(tmp_path):
    data = rows(6)
    dd = datasets.DatasetDict({"train": dataset(data[:4]), "test": dataset(data[4:])})
    dd.save_to_disk(str(tmp_path / "saved"))
    assert run("clean", str(tmp_path / "saved"), str(tmp_path / "out"), "--lang", "fr", "--strict") == 0
    loaded = datasets.load_dataset("parquet", data_dir=str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"))
    assert sorted(loaded) == ["test", "train"]
    assert loaded["train"].to_list() == expected(data[:4])
    assert loaded["test"].to_list() == expected(data[4:])


def test_one_shard_or_several_give_the_same_rows(tmp_path):
    data = rows(10)
    data[7] = {**data[3], "id": "copy"}  # a duplicate of a row in another shard
    for shards in (1, 4):
        dataset(data).save_to_disk(str(tmp_path / f"saved{shards}"), num_shards=shards)
        assert run("run", str(tmp_path / f"saved{shards}"), str(tmp_path / f"out{shards}"), "--lang", "fr") == 0
    assert parquet_rows(tmp_path / "out1") == parquet_rows(tmp_path / "out4")
    assert len(parquet_rows(tmp_path / "out1")) == 9


def test_the_hub_layout_of_parquet_shards(tmp_path):
    data = rows(8)
    hub = tmp_path / "hub"
    (hub / "data").mkdir(parents=True)
    for k in range(2):
        dataset(data).shard(2, k, contiguous=True).to_parquet(str(hub / "data" / f"train-0000{k}-of-00002.parquet"))
    (hub / "README.md").write_text("---\nlicense: mit\n---\n# The dataset card\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("run", str(hub), str(out), "--lang", "fr", "--strict", "--include", "*.parquet") == 0
    assert sorted(p.name for p in (out / "data").iterdir()) == [f"train-0000{k}-of-00002.parquet" for k in range(2)]
    loaded = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert list(loaded) == ["train"] and loaded["train"].to_list() == expected(data)


def test_the_library_reads_a_saved_dataset(tmp_path):
    data = rows(4)
    dataset(data).save_to_disk(str(tmp_path / "saved"), num_shards=2)
    out = list(Pipeline(lang="fr", audit_field=None).run(read_documents(tmp_path / "saved")))
    assert out == expected(data)


def test_an_arrow_file_that_is_not_an_arrow_stream_is_rejected(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.arrow").write_bytes(b"not arrow at all")
    (tmp_path / "src" / "a.txt").write_text(text(1), encoding="utf-8")
    [bad, good] = sorted(read_documents(tmp_path / "src"), key=lambda d: d.id, reverse=True)
    assert bad.reason == "input.not-arrow" and "save_to_disk" in bad.detail["error"]
    assert good.removed is None and SHARE in good.text


def test_a_missing_text_column_names_the_columns(tmp_path):
    datasets.Dataset.from_dict({"body": ["x"]}).save_to_disk(str(tmp_path / "saved"))
    [doc] = read_documents(tmp_path / "saved")
    assert doc.reason == "input.missing-text" and "body" in doc.detail["error"]


def test_without_datasets_a_saved_folder_is_one_error_naming_the_extra(tmp_path, monkeypatch, capsys):
    dataset(rows(2)).save_to_disk(str(tmp_path / "saved"))
    monkeypatch.setitem(sys.modules, "datasets", None)  # `import datasets` now raises ImportError
    assert run("run", str(tmp_path / "saved"), str(tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert err.startswith("cleanse: error: ") and len(err.strip().splitlines()) == 1
    assert "pip install 'cleanse[hf]'" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.parquet"))


def test_a_stray_state_json_elsewhere_is_still_listed(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "state.json").write_text(json.dumps({}), encoding="utf-8")
    [doc] = read_documents(tmp_path / "src")
    assert doc.reason == "input.unsupported-format"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).as_posix().startswith(".cleanse/")
    }


def test_resume_after_an_interruption_equals_an_uninterrupted_run(tmp_path, monkeypatch):
    from cleanse import job

    dataset(rows(60)).save_to_disk(str(tmp_path / "saved"), num_shards=2)
    command = ["run", str(tmp_path / "saved"), str(tmp_path / "out"), "--lang", "fr", "--batch-mb", "0.002"]
    assert run(*command) == 0
    reference = _tree(tmp_path / "out")
    shutil.rmtree(tmp_path / "out")
    real, seen = job._save_checkpoint, {"n": 0}

    def save_then_die(*args, **kwargs):
        real(*args, **kwargs)
        seen["n"] += 1
        if seen["n"] == 3:  # inside the first shard: its output is made of part files
            raise KeyboardInterrupt

    monkeypatch.setattr(job, "_save_checkpoint", save_then_die)
    assert run(*command) == 130
    monkeypatch.undo()
    assert run(*command, "--resume") == 0
    assert _tree(tmp_path / "out") == reference
