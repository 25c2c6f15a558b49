"""Sources that are not plain files in a plain tree: compressed or binary stdin, a named pipe
given as SRC, folders nested past the system's path limit (issue 10, items 5 and 6)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

FR = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine."


def jsonl(count: int) -> bytes:
    lines = [json.dumps({"id": f"r{i}", "text": f"{FR} Séance numéro {i * 7919}."}) for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cleanse", *args], input=stdin, capture_output=True, cwd=cwd, timeout=300
    )


def test_gzip_on_stdin_is_decompressed_like_a_jsonl_gz_file(tmp_path):
    data = jsonl(40)
    result = cli("run", "-", "-", "--no-dedup", "-q", stdin=gzip.compress(data))
    assert result.returncode == 0, result.stderr
    plain = cli("run", "-", "-", "--no-dedup", "-q", stdin=data)
    assert result.stdout == plain.stdout and len(result.stdout.splitlines()) == 40


def test_truncated_gzip_on_stdin_keeps_the_records_before_the_break(tmp_path):
    packed = gzip.compress(jsonl(400))
    report = tmp_path / "report"
    result = cli("run", "-", "-", "--no-dedup", "-q", "--report", str(report), stdin=packed[: len(packed) // 2])
    kept = result.stdout.splitlines()
    assert 0 < len(kept) < 400
    audit = [json.loads(x) for x in (report / "audit.jsonl").read_text().splitlines()]
    assert audit[-1]["reason"] == "input.truncated-gzip" and audit[-1]["path"] == "stdin"


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"(\xb5/\xfd" + bytes(range(256)) * 4, "a zstd archive"), (b"\x89PNG\r\n\x1a\n" + bytes(300), "a PNG image")],
    ids=["zstd", "png"],
)
def test_binary_on_stdin_is_one_rejection_naming_its_format(tmp_path, data, kind):
    report = tmp_path / "report"
    result = cli("run", "-", "-", "-q", "--report", str(report), stdin=data)
    assert result.stdout == b""
    [entry] = [json.loads(x) for x in (report / "audit.jsonl").read_text().splitlines()]
    assert (entry["reason"], entry["path"]) == ("input.binary", "stdin")
    assert kind in entry["error"] and "before piping it in" in entry["error"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_given_as_src_is_read_and_dest_stays_a_file(tmp_path):
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    data = jsonl(5)

    def feed() -> None:
        with fifo.open("wb") as pipe:
            pipe.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = tmp_path / "out.jsonl"
    result = cli("run", str(fifo), str(out), "-q", "--no-dedup")
    writer.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and len(out.read_text().splitlines()) == 5
    assert (tmp_path / ".cleanse" / "out.jsonl" / "summary.json").is_file()  # the report beside the output


def make_deep_tree(root: Path, depth: int) -> str:
    """A .txt file under `depth` folders of 200-character names; returns its relative folder."""
    here = Path.cwd()
    rel = []
    try:
        os.chdir(root)
        for level in range(depth):
            name = f"d{level:03d}" + "x" * 196
            Path(name).mkdir()
            os.chdir(name)
            rel.append(name)
        Path("deep.txt").write_text(FR)
    finally:
        os.chdir(here)
    return "/".join(rel)


def test_folders_deeper_than_the_path_limit_get_the_right_advice(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "top.txt").write_text(FR)
    make_deep_tree(src, 25)  # about 5,000 bytes: past Linux's 4,096
    dest = tmp_path / "out"
    result = cli("run", str(src), str(dest), "-q")
    assert result.returncode == 0, result.stderr
    audit = [json.loads(x) for x in (dest / ".cleanse" / "audit.jsonl").read_text().splitlines()]
    [refused] = [e for e in audit if e["status"] == "rejected"]
    assert refused["reason"] == "input.unreadable"
    assert "ENAMETOOLONG" in refused["error"] and "shallower folder" in refused["error"]
    assert "disk or network" not in refused["error"]
    assert (dest / "top.txt").is_file()
