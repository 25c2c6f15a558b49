"""JSON lines in every shape (.jsonl, .ndjson, .json.gz, .jsonl.zst, .json.zst) and .txt.gz: read,
cleaned, and written back with the same fields in the same order, in the input's compression
unless --compression says otherwise; the output does not depend on how the input is split."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from .common import audit, cleaned, run, text

zstandard = pytest.importorskip("zstandard", reason="the zstd extra is not installed")


def records(n: int, start: int = 0) -> list[dict]:
    """Records whose text field sits between other fields of several types."""
    return [
        {"id": f"r{i}", "url": f"https://news.example/{i}", "text": text(i), "n": i, "score": i / 4,
         "tags": ["a", str(i)], "meta": {"ok": i % 2 == 0, "none": None}}
        for i in range(start, start + n)
    ]  # fmt: skip


def encode(rows: list[dict], compression: str | None) -> bytes:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    if compression == "gz":
        return gzip.compress(data, mtime=0)
    if compression == "zst":
        return zstandard.ZstdCompressor().compress(data)
    return data


def decode(data: bytes, compression: str | None) -> list[dict]:
    if compression == "gz":
        data = gzip.decompress(data)
    elif compression == "zst":
        reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True)
        data = reader.read()
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


SHAPES = [
    ("a.jsonl", None),
    ("a.ndjson", None),
    ("a.json.gz", "gz"),
    ("a.jsonl.gz", "gz"),
    ("a.jsonl.zst", "zst"),
    ("a.json.zst", "zst"),
]


def expected(rows: list[dict]) -> list[dict]:
    return [{**r, "text": cleaned(r["n"])} for r in rows]


@pytest.mark.parametrize(("name", "compression"), SHAPES)
def test_round_trip_keeps_fields_types_order_and_compression(tmp_path, name, compression):
    rows = records(5)
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_bytes(encode(rows, compression))
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest), "--lang", "fr") == 0
    out = (dest / name).read_bytes()
    if compression == "gz":
        assert out[:2] == b"\x1f\x8b"
    if compression == "zst":
        assert out[:4] == b"(\xb5/\xfd"
    got = decode(out, compression)
    assert got == expected(rows)
    assert [list(r) for r in got] == [list(r) for r in rows]  # key order kept


@pytest.mark.parametrize(
    ("flag", "name", "compression"),
    [("none", "a.jsonl", None), ("zst", "a.jsonl.zst", "zst"), ("gz", "a.jsonl.gz", "gz")],
)
def test_compression_flag_overrides_the_inputs(tmp_path, flag, name, compression):
    rows = records(3)
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl.gz").write_bytes(encode(rows, "gz"))
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest), "--lang", "fr", "--compression", flag) == 0
    assert sorted(p.name for p in dest.iterdir() if not p.name.startswith(".")) == [name]
    assert decode((dest / name).read_bytes(), compression) == expected(rows)


def test_txt_gz_round_trip(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "doc.txt.gz").write_bytes(gzip.compress(text(7).encode(), mtime=0))
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest), "--lang", "fr") == 0
    assert gzip.decompress((dest / "doc.txt.gz").read_bytes()).decode() == cleaned(7)
    assert audit(dest)[0]["id"] == "doc.txt.gz"


def _split(root: Path, rows: list[dict], parts: int, name: str, compression: str | None) -> Path:
    root.mkdir()
    size = -(-len(rows) // parts)
    for k in range(parts):
        (root / f"{k:02d}-{name}").write_bytes(encode(rows[k * size : (k + 1) * size], compression))
    return root


def _records_out(dest: Path, compression: str | None) -> list[dict]:
    files = sorted(p for p in dest.iterdir() if p.is_file() and not p.name.startswith("."))
    return [r for p in files for r in decode(p.read_bytes(), compression)]


@pytest.mark.parametrize(("name", "compression"), [("s.jsonl.zst", "zst"), ("s.json.gz", "gz")])
def test_output_is_the_same_from_one_file_or_ten(tmp_path, name, compression):
    rows = records(60)
    rows += [dict(r, id=f"copy-{r['id']}") for r in rows[:6]]  # exact copies for dedup
    one = _split(tmp_path / "one", rows, 1, name, compression)
    ten = _split(tmp_path / "ten", rows, 10, name, compression)
    args = ["--lang", "fr", "--batch-mb", "0.002"]
    assert run("run", str(one), str(tmp_path / "out1"), *args) == 0
    assert run("run", str(ten), str(tmp_path / "out10"), *args) == 0
    out1 = _records_out(tmp_path / "out1", compression)
    out10 = _records_out(tmp_path / "out10", compression)
    assert out1 == out10
    assert len(out1) == 60  # the six copies removed
    where = ("source", "path", "line", "duplicate_of_path", "duplicate_of_input_line")  # the file and line
    strip = lambda a: {k: v for k, v in a.items() if k not in where}
    audit1 = [strip(a) for a in audit(tmp_path / "out1")]
    audit10 = [strip(a) for a in audit(tmp_path / "out10")]
    assert audit1 == audit10
