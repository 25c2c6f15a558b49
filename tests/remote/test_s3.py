"""SRC, DEST, --report and --index on S3 (a local moto server, see tests/conftest.py): what goes in
comes out with its fields, types and order and the cleaned text in place, through the real CLI."""

from __future__ import annotations

import io
import json
import sys

import pytest

from cleanse import Pipeline
from tests.formats.common import BODY, cleaned, run, text


def put_jsonl(fs, key: str, records: list[dict]) -> None:
    fs.pipe(key, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode())


def get_jsonl(fs, key: str) -> list[dict]:
    return [json.loads(line) for line in fs.cat(key).decode().splitlines()]


def test_jsonl_folder_prefix_round_trip_with_report_on_s3(s3):
    fs, bucket = s3
    put_jsonl(fs, f"{bucket}/in/a.jsonl", [{"id": f"a{i}", "n": i, "text": text(i)} for i in range(3)])
    put_jsonl(fs, f"{bucket}/in/sub/b.jsonl", [{"text": text(9), "url": "https://x.example/9"}])
    fs.pipe(f"{bucket}/in/.hidden.jsonl", b'{"text": "never read"}\n')
    fs.pipe(f"{bucket}/in/notes.md", b"# not an input\n")
    dest = f"s3://{bucket}/out/"

    assert run("clean", f"s3://{bucket}/in/", dest) == 0

    fs.invalidate_cache()
    out = get_jsonl(fs, f"{bucket}/out/a.jsonl")
    assert out == [{"id": f"a{i}", "n": i, "text": cleaned(i)} for i in range(3)]
    assert get_jsonl(fs, f"{bucket}/out/sub/b.jsonl") == [{"text": cleaned(9), "url": "https://x.example/9"}]
    # The report is uploaded beside the output; nothing of the local scratch folder is left in it.
    names = sorted(p.rsplit("/", 1)[-1] for p in fs.find(f"{bucket}/out/.cleanse"))
    assert names == ["audit.jsonl", "report.html", "summary.json"]
    audit = get_jsonl(fs, f"{bucket}/out/.cleanse/audit.jsonl")
    rejected = [a for a in audit if a["status"] == "rejected"]
    assert [(a["path"], a["reason"]) for a in rejected] == [("notes.md", "input.unsupported-format")]
    summary = json.loads(fs.cat(f"{bucket}/out/.cleanse/summary.json"))
    assert summary["settings"]["src"] == f"s3://{bucket}/in/"
    assert summary["settings"]["dest"] == dest


def test_parquet_file_round_trip_with_report_elsewhere_on_s3(s3):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    fs, bucket = s3
    schema = pa.schema([("id", pa.int64()), ("text", pa.large_string()), ("score", pa.float32())])
    table = pa.table({"id": [1, 2], "text": [text(1), text(2)], "score": [0.5, 1.5]}, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=1)
    fs.pipe(f"{bucket}/data/part.parquet", sink.getvalue())

    code = run(
        "run", f"s3://{bucket}/data/part.parquet", f"s3://{bucket}/clean/part.parquet",
        "--report", f"s3://{bucket}/reports/part",
    )

    assert code == 0
    fs.invalidate_cache()
    out = pq.read_table(io.BytesIO(fs.cat(f"{bucket}/clean/part.parquet")))
    assert out.schema.equals(schema)
    assert out.to_pylist() == [
        {"id": 1, "text": cleaned(1), "score": 0.5},
        {"id": 2, "text": cleaned(2), "score": 1.5},
    ]
    assert fs.isfile(f"{bucket}/reports/part/summary.json")
    assert not fs.exists(f"{bucket}/clean/.cleanse")  # --report put it elsewhere


def test_local_src_to_s3_file_and_back(s3, tmp_path):
    fs, bucket = s3
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": text(4)}) + "\n", encoding="utf-8")
    assert run("clean", str(src), f"s3://{bucket}/one/in.jsonl") == 0
    fs.invalidate_cache()
    assert get_jsonl(fs, f"{bucket}/one/in.jsonl") == [{"text": cleaned(4)}]
    assert fs.isfile(f"{bucket}/one/.cleanse/in.jsonl/summary.json")

    back = tmp_path / "back"
    assert run("clean", f"s3://{bucket}/one/in.jsonl", f"{back}/") == 0
    assert json.loads((back / "in.jsonl").read_text(encoding="utf-8")) == {"text": cleaned(4)}


@pytest.mark.parametrize("where", ["nobucket", "key"])
def test_missing_bucket_or_key_is_a_clear_error(s3, tmp_path, capsys, where):
    _, bucket = s3
    src = "s3://cleanse-no-such-bucket/in/" if where == "nobucket" else f"s3://{bucket}/no/such.jsonl"
    assert run("clean", src, str(tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert f"cleanse: error: {src}: no such file or folder (check the bucket name and the key)" in err
    assert not (tmp_path / "out").exists()


def test_remote_dest_that_holds_objects_is_refused_without_overwrite(s3, capsys):
    fs, bucket = s3
    put_jsonl(fs, f"{bucket}/in/a.jsonl", [{"text": text(1)}])
    fs.pipe(f"{bucket}/taken/old.jsonl", b'{"text": "kept"}\n')
    assert run("clean", f"s3://{bucket}/in", f"s3://{bucket}/taken") == 1
    assert f"DEST s3://{bucket}/taken is not empty; pass --overwrite" in capsys.readouterr().err
    fs.invalidate_cache()
    assert sorted(fs.find(f"{bucket}/taken")) == [f"{bucket}/taken/old.jsonl"]

    assert run("clean", f"s3://{bucket}/in", f"s3://{bucket}/taken", "--overwrite") == 0
    fs.invalidate_cache()
    assert fs.cat(f"{bucket}/taken/old.jsonl") == b'{"text": "kept"}\n'
    assert get_jsonl(fs, f"{bucket}/taken/a.jsonl") == [{"text": cleaned(1)}]


@pytest.mark.parametrize("flag", ["--resume", "--wait"])
def test_resume_and_wait_are_refused_on_a_remote_dest(s3, capsys, flag):
    fs, bucket = s3
    put_jsonl(fs, f"{bucket}/in/a.jsonl", [{"text": text(1)}])
    assert run("clean", f"s3://{bucket}/in", f"s3://{bucket}/out", flag) == 1
    err = capsys.readouterr().err
    assert f"cleanse: error: {flag} " in err
    fs.invalidate_cache()
    assert not fs.exists(f"{bucket}/out")


def test_remote_index_is_shared_between_runs_and_the_library(s3):
    fs, bucket = s3
    doc = {"text": f"{BODY} Un paragraphe assez long pour que ses empreintes comptent vraiment ici."}
    put_jsonl(fs, f"{bucket}/day1/a.jsonl", [doc])
    put_jsonl(fs, f"{bucket}/day2/b.jsonl", [doc | {"id": "again"}])
    index = f"s3://{bucket}/index"
    assert run("dedup", f"s3://{bucket}/day1", f"s3://{bucket}/out1", "--index", index) == 0
    fs.invalidate_cache()
    assert fs.find(f"{bucket}/index")  # uploaded
    assert run("dedup", f"s3://{bucket}/day2", f"s3://{bucket}/out2", "--index", index) == 0
    fs.invalidate_cache()
    assert not fs.exists(f"{bucket}/out2/b.jsonl")  # its one record copies what day 1 kept
    summary = json.loads(fs.cat(f"{bucket}/out2/.cleanse/summary.json"))
    assert summary["documents"]["removed"] == 1
    assert summary["settings"]["index"] == index
    pipe = Pipeline(clean=False, dedup=True, index=index)
    assert list(pipe.run([doc | {"id": "third"}])) == []
    assert pipe.summary["documents"]["removed"] == 1


def test_a_url_without_the_remote_extra_names_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "fsspec", None)  # `import fsspec` raises ImportError
    assert run("clean", "s3://bucket/in/", str(tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert "remote paths need fsspec, which is not installed" in err
    assert "pip install 'cleanse[remote]'" in err


def test_a_url_whose_protocol_package_is_missing_names_it(monkeypatch, tmp_path, capsys):
    pytest.importorskip("fsspec")
    known = sys.modules["fsspec.registry"]._registry  # protocols whose class is loaded

    monkeypatch.setitem(sys.modules, "s3fs", None)
    monkeypatch.delitem(known, "s3", raising=False)  # loaded by the other tests
    assert run("clean", str(tmp_path), "s3://bucket/out/") == 1
    err = capsys.readouterr().err
    assert "s3:// paths need s3fs, which is not installed" in err
    assert "pip install 'cleanse[remote]'" in err


def test_an_existing_remote_output_file_or_report_is_refused(s3, tmp_path, capsys):
    fs, bucket = s3
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": text(5)}) + "\n", encoding="utf-8")
    fs.pipe(f"{bucket}/one/in.jsonl", b'{"text": "an earlier output"}\n')
    fs.pipe(f"{bucket}/rep/summary.json", b"{}\n")

    assert run("clean", str(src), f"s3://{bucket}/one/in.jsonl") == 1
    assert f"the output file s3://{bucket}/one/in.jsonl exists; pass --overwrite" in capsys.readouterr().err
    assert run("clean", str(src), f"s3://{bucket}/two.jsonl", "--report", f"s3://{bucket}/rep") == 1
    err = capsys.readouterr().err
    assert f"the report folder s3://{bucket}/rep holds another run's report (summary.json)" in err
    fs.invalidate_cache()
    assert fs.cat(f"{bucket}/one/in.jsonl") == b'{"text": "an earlier output"}\n'
    assert not fs.exists(f"{bucket}/two.jsonl")
