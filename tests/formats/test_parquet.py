"""Parquet in and out: every column kept with its type and order and the cleaned text in place,
part files per batch so a resumed run equals an uninterrupted one, and the same rows whether the
input is one file or ten."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from cleanse.cli import main

from .common import audit, cleaned, run, text

pa = pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
pq = pytest.importorskip("pyarrow.parquet", reason="the parquet extra is not installed")

SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("n", pa.int32()),
        pa.field("text", pa.large_string()),
        pa.field("at", pa.timestamp("ms", tz="UTC")),
        pa.field("price", pa.decimal128(9, 2)),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("info", pa.struct([("ok", pa.bool_()), ("weight", pa.float32())])),
        pa.field("raw", pa.binary()),
    ],
    metadata={b"made-by": b"the format tests"},
)


def rows(n: int, start: int = 0) -> list[dict]:
    return [
        {
            "id": f"r{i}",
            "n": i,
            "text": text(i),
            "at": dt.datetime(2024, 5, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
            "price": Decimal(f"{i}.25"),
            "tags": ["x", str(i)],
            "info": {"ok": i % 2 == 0, "weight": 0.5},
            "raw": bytes([i % 256, 0, 255]),
        }
        for i in range(start, start + n)
    ]


def write(path: Path, data: list[dict], row_group_size: int = 1000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(data, schema=SCHEMA), path, row_group_size=row_group_size)


def expected(data: list[dict]) -> list[dict]:
    return [{**r, "text": cleaned(r["n"])} for r in data]


def test_round_trip_keeps_columns_types_order_and_metadata(tmp_path):
    data = rows(30)
    write(tmp_path / "src" / "part.parquet", data, row_group_size=7)
    dest = tmp_path / "out"
    assert run("clean", str(tmp_path / "src"), str(dest), "--lang", "fr") == 0
    table = pq.read_table(dest / "part.parquet")
    # Compared with the input as read back: Parquet names a list's items `element`.
    assert table.schema.equals(
        pq.read_schema(tmp_path / "src" / "part.parquet"), check_metadata=True
    )
    assert table.schema.names == SCHEMA.names
    assert table.to_pylist() == expected(data)
    assert not any(p.name.startswith(".part") for p in dest.iterdir())  # parts removed
    ids = [a["id"] for a in audit(dest)]
    assert ids == [f"r{i}" for i in range(30)]


def test_text_field_names_another_column_and_a_missing_one_is_rejected(tmp_path, capsys):
    table = pa.table({"body": [text(1)], "k": [1]})
    (tmp_path / "src").mkdir()
    pq.write_table(table, tmp_path / "src" / "a.parquet")
    dest = tmp_path / "out"
    assert (
        run("clean", str(tmp_path / "src"), str(dest), "--lang", "fr", "--text-field", "body") == 0
    )
    assert pq.read_table(dest / "a.parquet").to_pylist() == [{"body": cleaned(1), "k": 1}]
    (tmp_path / "src" / "b.txt").write_text(text(2), encoding="utf-8")  # not every input rejected
    assert run("clean", str(tmp_path / "src"), str(tmp_path / "out2"), "--lang", "fr") == 0
    [entry, _] = audit(tmp_path / "out2")
    assert entry["reason"] == "input.missing-text"
    assert "body, k" in entry["error"] and "--text-field" in entry["error"]


def test_parquet_to_jsonl_and_jsonl_to_parquet(tmp_path):
    data = rows(4)
    write(tmp_path / "src" / "a.parquet", data)
    dest = tmp_path / "out"
    assert run("clean", str(tmp_path / "src"), str(dest), "--lang", "fr", "--format", "jsonl") == 0
    out = [json.loads(line) for line in (dest / "a.jsonl").read_text().splitlines()]
    assert [list(r) for r in out] == [list(SCHEMA.names)] * 4
    assert out[1]["price"] == "1.25" and out[1]["at"] == "2024-05-01T00:01:00+00:00"
    assert out[1]["text"] == cleaned(1)
    # ... and back: JSON lines written as Parquet, types inferred from the records.
    src2 = tmp_path / "src2"
    src2.mkdir()
    shutil.copy(dest / "a.jsonl", src2 / "a.jsonl")
    dest2 = tmp_path / "out2"
    assert run("clean", str(src2), str(dest2), "--lang", "fr", "--format", "parquet") == 0
    back = pq.read_table(dest2 / "a.parquet")
    assert back.schema.names == SCHEMA.names
    assert back.column("n").type == pa.int64()
    assert back.to_pylist() == out


def test_annotations_come_after_the_input_columns(tmp_path):
    data = rows(3)
    data.append({**data[0], "id": "copy"})
    write(tmp_path / "src" / "a.parquet", data)
    dest = tmp_path / "out"
    assert run("run", str(tmp_path / "src"), str(dest), "--lang", "fr", "--annotate") == 0
    table = pq.read_table(dest / "a.parquet")
    assert table.schema.names[: len(SCHEMA)] == SCHEMA.names
    assert table.schema.names[len(SCHEMA) :] == ["duplicate"]
    assert table.num_rows == 4
    # A value that is not text (a mapping here) is written as JSON text.
    assert json.loads(table.column("duplicate")[3].as_py())["duplicate_of"] == "r0"


def test_output_is_the_same_from_one_file_or_ten(tmp_path):
    data = rows(80)
    data += [{**r, "id": f"copy-{r['id']}"} for r in data[:8]]
    write(tmp_path / "one" / "s.parquet", data)
    for k in range(10):
        write(tmp_path / "ten" / f"s{k}.parquet", data[k * 9 : (k + 1) * 9])
    args = ["--lang", "fr", "--batch-mb", "0.003"]
    assert run("run", str(tmp_path / "one"), str(tmp_path / "o1"), *args) == 0
    assert run("run", str(tmp_path / "ten"), str(tmp_path / "o10"), *args) == 0
    one = pq.read_table(tmp_path / "o1" / "s.parquet")
    # The last file holds only copies: no row of it is kept, so it has no output (as for JSONL).
    assert not (tmp_path / "o10" / "s9.parquet").exists()
    ten = [pq.read_table(tmp_path / "o10" / f"s{k}.parquet") for k in range(9)]
    assert all(t.schema.equals(one.schema) for t in ten)
    assert one.to_pylist() == [r for t in ten for r in t.to_pylist()]
    assert one.num_rows == 80


def _tree(root: Path) -> dict[str, bytes]:
    files = {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    return {k: v for k, v in files.items() if not k.startswith(".cleanse/")}


@pytest.mark.parametrize("batches", [1, 4, 9])
def test_resume_after_an_interruption_equals_an_uninterrupted_run(crash_after, tmp_path, monkeypatch, batches):
    for k in range(3):
        write(tmp_path / "src" / f"p{k}.parquet", rows(40, start=40 * k), row_group_size=16)
    command = ["run", str(tmp_path / "src"), str(tmp_path / "out"), "-q", "--workers", "1",
               "--lang", "fr", "--batch-mb", "0.002"]  # fmt: skip
    assert main(command) == 0
    reference = _tree(tmp_path / "out")
    assert len(pq.ParquetFile(tmp_path / "out" / "p0.parquet").metadata.to_dict()["row_groups"]) > 3
    shutil.rmtree(tmp_path / "out")
    crash_after(batches)
    assert main(command) == 130
    monkeypatch.undo()
    assert main([*command, "--resume"]) == 0
    assert _tree(tmp_path / "out") == reference


def test_an_empty_parquet_file_gives_an_empty_output(tmp_path):
    write(tmp_path / "src" / "e.parquet", [])
    dest = tmp_path / "out"
    assert run("clean", str(tmp_path / "src"), str(dest)) == 0
    assert audit(dest) == []


def test_rows_are_read_a_batch_at_a_time(tmp_path):
    """The reader hands rows on before it has read the file's later row groups."""
    from cleanse.formats.parquet import READ_ROWS, read_parquet

    rng = random.Random(5)  # text that does not compress away, so row groups have a size
    data = [
        {**r, "text": "".join(rng.choice("abcdefgh ijkl") for _ in range(400))}
        for r in rows(3 * READ_ROWS)
    ]
    write(tmp_path / "a.parquet", data, row_group_size=READ_ROWS)

    class Counting:
        def __init__(self, raw):
            self.raw, self.bytes = raw, 0

        def __getattr__(self, name):
            return getattr(self.raw, name)

        def read(self, *args):
            data = self.raw.read(*args)
            self.bytes += len(data)
            return data

    with (tmp_path / "a.parquet").open("rb") as fh:
        stream = Counting(fh)
        records = read_parquet(stream, "text")
        next(records)
        after_first = stream.bytes
        for _ in records:
            pass
    assert after_first < stream.bytes / 2


@pytest.mark.parametrize("kind", ["parquet", "jsonl"])
def test_resume_after_a_crash_between_a_finished_file_and_the_checkpoint(tmp_path, monkeypatch, kind):
    """A file completed mid-batch (renamed to its final name), then the run dies before the
    batch's checkpoint: the checkpoint still points into that file, and resuming must work."""
    from cleanse import writers

    for k in range(3):
        path = tmp_path / "src" / f"p{k}.{kind}"
        if kind == "parquet":
            write(path, rows(40, start=40 * k), row_group_size=16)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(json.dumps({"id": f"r{40 * k + i}", "text": text(40 * k + i)}) + "\n"
                                    for i in range(40)), encoding="utf-8")  # fmt: skip
    command = ["run", str(tmp_path / "src"), str(tmp_path / "out"), "-q", "--workers", "1",
               "--lang", "fr", "--batch-mb", "0.005"]  # fmt: skip
    assert main(command) == 0
    reference = _tree(tmp_path / "out")
    shutil.rmtree(tmp_path / "out")
    real = writers.CorpusWriter._finish

    def finish_then_die(self):
        open_file = self._path
        real(self)
        if open_file is not None and open_file.name == f"p0.{kind}":
            raise KeyboardInterrupt

    monkeypatch.setattr(writers.CorpusWriter, "_finish", finish_then_die)
    assert main(command) == 130
    monkeypatch.undo()
    assert (tmp_path / "out" / f"p0.{kind}").exists()  # completed under its final name
    assert main([*command, "--resume"]) == 0
    assert _tree(tmp_path / "out") == reference
