"""Every file in a folder is read or rejected with its reason; globs choose files on purpose;
a file that claims a format it does not hold is rejected; a missing extra is one error line."""

from __future__ import annotations

import gzip
import json
import sys

import pytest

from cleanse.formats.registry import WriteConfig, detect, output_name
from cleanse.readers import ReadConfig, read_documents

from .common import BODY, audit, run, text


@pytest.mark.parametrize(
    ("name", "fmt", "compression"),
    [
        ("a.txt", "txt", None),
        ("a.txt.gz", "txt", "gz"),
        ("a.jsonl", "jsonl", None),
        ("a.ndjson", "jsonl", None),
        ("a.json.gz", "jsonl", "gz"),
        ("a.JSONL.ZST", "jsonl", "zst"),
        ("a.json.zst", "jsonl", "zst"),
        ("a.parquet", "parquet", None),
        ("CC-MAIN-1.warc.wet.gz", "wet", "gz"),
        ("CC-MAIN-1.warc.gz", "warc", "gz"),
        ("p.html", "html", None),
        ("p.htm", "html", None),
        ("p.html.gz", "html", "gz"),
    ],
)
def test_names_claim_formats(name, fmt, compression):
    found = detect(name)
    assert found is not None
    assert (found.format.name, found.compression) == (fmt, compression)


@pytest.mark.parametrize("name", ["a.json", "notes.md", "a.parquet.gz", "a.gz", "a.csv", "img.png"])
def test_names_cleanse_does_not_read(name):
    assert detect(name) is None


@pytest.mark.parametrize(
    ("rel", "config", "expected"),
    [
        ("d/a.jsonl.gz", WriteConfig(), "d/a.jsonl.gz"),
        ("d/a.json.gz", WriteConfig(), "d/a.json.gz"),
        ("a.jsonl.gz", WriteConfig(compression="none"), "a.jsonl"),
        ("a.ndjson", WriteConfig(compression="gz"), "a.ndjson.gz"),
        ("a.txt", WriteConfig(compression="zst"), "a.txt.zst"),
        ("a.parquet", WriteConfig(format="jsonl"), "a.jsonl"),
        ("a.jsonl.zst", WriteConfig(format="parquet"), "a.parquet"),
        ("x.warc.wet.gz", WriteConfig(), "x.jsonl.gz"),
        ("x.warc.gz", WriteConfig(compression="none"), "x.jsonl"),
        ("p.html.gz", WriteConfig(), "p.txt.gz"),
    ],
)
def test_output_names(rel, config, expected):
    assert output_name(rel, config)[0] == expected


def test_unsupported_files_in_a_folder_are_rejected_and_fail_strict(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(text(1), encoding="utf-8")
    (src / "data.csv").write_text("id,text\n1,hello\n", encoding="utf-8")
    (src / "notes.json").write_text('{"text": "not JSON lines"}', encoding="utf-8")
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest)) == 0
    rejected = {a["path"]: a for a in audit(dest) if a["status"] == "rejected"}
    assert set(rejected) == {"data.csv", "notes.json"}
    assert {a["reason"] for a in rejected.values()} == {"input.unsupported-format"}
    assert (
        ".parquet" in rejected["data.csv"]["error"] and "--exclude" in rejected["data.csv"]["error"]
    )
    summary = json.loads((dest / ".cleanse" / "summary.json").read_text())
    assert summary["rejected_by"] == {"input.unsupported-format": 2}
    assert run("clean", str(src), str(tmp_path / "strict"), "--strict") == 1
    assert "2 inputs rejected" in capsys.readouterr().err


def test_a_folder_of_nothing_readable_is_not_zero_documents_in_silence(tmp_path):
    """The issue's case: a folder cleanse could not read gave `0 documents` and exit 0."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "part-0.avro").write_bytes(b"Obj\x01" + bytes(100))
    assert run("clean", str(src), str(tmp_path / "out"), "--strict") == 1


def test_include_and_exclude_choose_files(tmp_path):
    src = tmp_path / "src"
    (src / "2024").mkdir(parents=True)
    (src / "2024" / "a.txt").write_text(text(1), encoding="utf-8")
    (src / "2024" / "b.txt").write_text(text(2), encoding="utf-8")
    (src / "old.txt").write_text(text(3), encoding="utf-8")
    (src / "README.md").write_text("# notes", encoding="utf-8")
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest), "--include", "2024/*", "--exclude", "b.txt") == 0
    assert [a["id"] for a in audit(dest)] == ["2024/a.txt"]
    assert sorted(p.name for p in dest.rglob("*.txt")) == ["a.txt"]
    summary = json.loads((dest / ".cleanse" / "summary.json").read_text())
    assert summary["settings"]["include"] == ["2024/*"]
    assert summary["settings"]["exclude"] == ["b.txt"]


def test_exclude_silences_unsupported_files_on_purpose(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(text(1), encoding="utf-8")
    (src / "README.md").write_text("# notes", encoding="utf-8")
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest), "--exclude", "*.md", "--strict") == 0


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.jsonl.zst", b'{"text": "plain"}\n', "input.not-zstd"),
        ("a.json.gz", b'{"text": "plain"}\n', "input.not-gzip"),
        ("a.txt.gz", b"plain text", "input.not-gzip"),
        ("a.parquet", b'{"text": "json, not parquet"}\n', "input.not-parquet"),
        (
            "a.warc.wet.gz",
            gzip.compress(b"this is no WARC record at all\r\n\r\n"),
            "input.not-warc",
        ),
    ],
)
def test_a_file_that_claims_a_format_it_does_not_hold_is_rejected(tmp_path, name, data, reason):
    pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    pytest.importorskip("warcio", reason="the warc extra is not installed")
    pytest.importorskip("zstandard", reason="the zstd extra is not installed")
    (tmp_path / name).write_bytes(data)
    (tmp_path / "ok.txt").write_text(text(1), encoding="utf-8")
    docs = list(read_documents(tmp_path))
    assert [d.id for d in docs][-1] == "ok.txt"
    bad = docs[0]
    assert bad.reason == reason
    assert bad.detail["path"] == name
    assert bad.detail["error"]


def test_cut_and_damaged_zstd_are_rejected_after_the_lines_before(tmp_path):
    zstandard = pytest.importorskip("zstandard", reason="the zstd extra is not installed")
    lines = b"".join(json.dumps({"text": f"{BODY} {i}"}).encode() + b"\n" for i in range(3000))
    packed = zstandard.ZstdCompressor().compress(lines)
    (tmp_path / "cut.jsonl.zst").write_bytes(packed[: len(packed) // 2])
    docs = list(read_documents(tmp_path))
    assert docs[-1].reason == "input.truncated-zstd"
    assert all(d.removed is None for d in docs[:-1])
    assert docs[-1].detail["line"] == len(docs)
    (tmp_path / "cut.jsonl.zst").unlink()
    damaged = bytearray(packed)
    damaged[len(damaged) // 2] ^= 0xFF
    (tmp_path / "bad.jsonl.zst").write_bytes(bytes(damaged))
    docs = list(read_documents(tmp_path))
    assert docs[-1].reason == "input.corrupt-zstd"


@pytest.mark.parametrize(
    ("name", "module", "extra"),
    [("a.parquet", "pyarrow", "parquet"), ("a.jsonl.zst", "zstandard", "zstd"),
     ("a.warc.wet.gz", "warcio", "warc"), ("a.html", "trafilatura", "html")],
)  # fmt: skip
def test_a_missing_extra_is_one_error_line_naming_it(
    tmp_path, monkeypatch, capsys, name, module, extra
):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(text(1), encoding="utf-8")
    (src / name).write_bytes(b"whatever")
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest)) == 1
    err = capsys.readouterr().err
    assert err.startswith("cleanse: error: ") and len(err.strip().splitlines()) == 1
    assert f"pip install 'cleanse[{extra}]'" in err
    assert not (dest / "a.txt").exists()  # refused before any work


def test_format_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch, capsys):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": text(1)}) + "\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert run("clean", str(src), str(tmp_path / "out") + "/", "--format", "parquet") == 1
    assert "cleanse[parquet]" in capsys.readouterr().err


def test_read_config_globs_apply_to_the_library_reader(tmp_path):
    (tmp_path / "a.txt").write_text(text(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(text(2), encoding="utf-8")
    docs = list(read_documents(tmp_path, ReadConfig(exclude=("a.*",))))
    assert [d.id for d in docs] == ["b.txt"]


def test_the_core_does_not_import_the_extras(tmp_path):
    """A run over text and JSON lines works on a bare install: no extra is imported for it."""
    import subprocess

    (tmp_path / "a.jsonl").write_text(json.dumps({"text": text(1)}) + "\n", encoding="utf-8")
    code = (
        "import sys\nfrom cleanse.cli import main\n"
        f"assert main(['clean', {str(tmp_path / 'a.jsonl')!r}, {str(tmp_path / 'out')!r} + '/', '-q', '-j', '1']) == 0\n"
        "print(sorted(m for m in ('pyarrow', 'zstandard', 'warcio', 'trafilatura') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
