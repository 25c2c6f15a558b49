"""Hostile inputs: every file a scraper can leave behind is read, or rejected with a reason.

Each test builds its inputs in tmp_path. A rejected input is one Document with an `input.*`
reason, no text, and a detail naming its path (and line, for JSONL) and what to do about it.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from cleanse.clean import clean_text
from cleanse.cli import main
from cleanse.document import Rejected
from cleanse.errors import InputError
from cleanse.readers import ReadConfig, read_documents

FR = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
ORIGINAL_OPEN = Path.open


def read(src: Path, **config) -> list:
    return list(read_documents(src, ReadConfig(**config)))


def by_id(docs: list) -> dict:
    return {doc.id: doc for doc in docs}


def assert_rejected(doc, reason: str, path: str, line: int | None = None) -> None:
    assert doc.status == "rejected", doc
    assert doc.reason == reason
    assert isinstance(doc, Rejected)
    assert doc.detail["path"] == path
    assert doc.detail.get("line") == line
    error = doc.detail["error"]
    assert isinstance(error, str) and len(error) > 20 and ";" in error  # what is wrong; what to do


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", FR * 20)
    return buffer.getvalue()


def gzip_lines(records: list[dict]) -> bytes:
    return gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode())


class FailingRaw(io.RawIOBase):
    """Serves the first `fail_at` bytes of `data`, then fails with EIO, as a dying disk does."""

    def __init__(self, data: bytes, fail_at: int) -> None:
        self.data, self.pos, self.fail_at = data, 0, fail_at

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.pos >= self.fail_at:
            raise OSError(errno.EIO, "Input/output error")
        n = min(len(buffer), self.fail_at - self.pos)
        buffer[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n


def patch_open(monkeypatch, failures: dict) -> None:
    """Make Path.open(name, "rb") fail for the named files: an exception, or bytes then EIO."""

    def fake_open(self, mode="r", *args, **kwargs):
        failure = failures.get(self.name)
        if failure is None or "r" not in mode:
            return ORIGINAL_OPEN(self, mode, *args, **kwargs)
        if isinstance(failure, BaseException):
            raise failure
        data, fail_at = failure
        return io.BufferedReader(FailingRaw(data, fail_at))

    monkeypatch.setattr(Path, "open", fake_open)


# 1. Bytes that are not UTF-8


def test_cp1252_bytes_are_decoded_and_flagged(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Le café coûte 2 € à Noël.".encode("cp1252"))
    (tmp_path / "latin.jsonl").write_bytes('{"text": "déjà vu"}\n'.encode("cp1252"))
    docs = by_id(read(tmp_path))
    assert docs["latin.txt"].text == "Le café coûte 2 € à Noël."
    assert docs["latin.txt"].flags == ("decoded-cp1252",)
    assert docs["latin.jsonl:1"].text == "déjà vu"
    assert docs["latin.jsonl:1"].flags == ("decoded-cp1252",)


def test_bytes_cp1252_leaves_undefined_are_read_as_latin1(tmp_path):
    (tmp_path / "gaps.txt").write_bytes(b"a\x81b\x8dc\x8fd\x90e\x9df \xe9")
    [doc] = read(tmp_path)
    assert doc.text == "a\x81b\x8dc\x8fd\x90e\x9df é"


# 2. Byte-order marks


@pytest.mark.parametrize(
    ("encoding", "flag"),
    [
        ("utf-16-le", "decoded-utf-16"),
        ("utf-16-be", "decoded-utf-16"),
        ("utf-32-le", "decoded-utf-32"),
    ],
)
def test_text_with_a_wide_byte_order_mark_is_decoded(tmp_path, encoding, flag):
    (tmp_path / "wide.txt").write_bytes(
        "\ufeff".encode(encoding) + f"{FR}\nFin.\n".encode(encoding)
    )
    [doc] = read(tmp_path)
    assert doc.removed is None
    assert doc.text == f"{FR}\nFin.\n"
    assert doc.flags == (flag,)


def test_utf8_byte_order_mark_is_dropped(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + FR.encode())
    (tmp_path / "bom.jsonl").write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"text": FR}).encode() + b"\n"
    )
    docs = by_id(read(tmp_path))
    assert docs["bom.txt"].text == FR and docs["bom.txt"].flags == ()
    assert docs["bom.jsonl:1"].text == FR


def test_utf16_jsonl_is_decoded_whole_and_keeps_line_numbers(tmp_path):
    lines = [json.dumps({"text": FR}), "", "{broken", json.dumps({"text": "Fin."})]
    (tmp_path / "wide.jsonl").write_bytes("\n".join(lines).encode("utf-16"))
    docs = read(tmp_path)
    assert [doc.id for doc in docs] == ["wide.jsonl:1", "wide.jsonl:3", "wide.jsonl:4"]
    assert docs[0].text == FR and docs[0].flags == ("decoded-utf-16",)
    assert_rejected(docs[1], "input.malformed-json", "wide.jsonl", 3)
    assert docs[2].text == "Fin."


def test_odd_utf16_tail_becomes_a_replacement_character(tmp_path):
    (tmp_path / "odd.txt").write_bytes("Fin.".encode("utf-16") + b"\x00")
    [doc] = read(tmp_path)
    assert doc.text == "Fin.\ufffd"


# 3. Binary files and stray control characters


@pytest.mark.parametrize(
    ("name", "data"),
    [("png", PNG), ("zip", zip_bytes()), ("noise", bytes(range(256)) * 8), ("nul", b"\x00" * 100)],
)
def test_binary_txt_is_rejected(tmp_path, name, data):
    (tmp_path / f"{name}.txt").write_bytes(data)
    [doc] = read(tmp_path)
    assert_rejected(doc, "input.binary", f"{name}.txt")


def test_binary_jsonl_is_one_rejected_document(tmp_path):
    (tmp_path / "image.jsonl").write_bytes(PNG + b"\n" * 5 + PNG)
    [doc] = read(tmp_path)
    assert_rejected(doc, "input.binary", "image.jsonl")


def test_stray_nul_and_controls_stay_text_and_the_cleaner_removes_them(tmp_path):
    text = f"{FR}\x00 Il ferme\x01 à midi.\x0c\n{FR}\n"
    (tmp_path / "stray.txt").write_bytes(text.encode())
    [doc] = read(tmp_path)
    assert doc.removed is None and doc.text == text
    cleaned = clean_text(doc.text, "fr")
    assert "\x00" not in cleaned and "\x01" not in cleaned and "Il ferme à midi." in cleaned


# 4. Empty inputs


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf", " \n".encode("utf-16")])
def test_empty_and_whitespace_txt_are_rejected(tmp_path, data):
    (tmp_path / "empty.txt").write_bytes(data)
    [doc] = read(tmp_path)
    assert_rejected(doc, "input.empty", "empty.txt")


def test_empty_jsonl_has_no_records_and_blank_lines_are_skipped(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.jsonl").write_bytes(b"\n  \n")
    (tmp_path / "c.jsonl").write_text("\n" + json.dumps({"text": FR}) + "\n\n")
    assert [doc.id for doc in read(tmp_path)] == ["c.jsonl:2"]


# 5. A huge file without a newline


@pytest.mark.parametrize("name", ["huge.txt", "huge.jsonl"])
def test_50_mb_without_a_newline_is_read(tmp_path, name):
    body = "mot " * 12_500_000
    data = body if name.endswith(".txt") else json.dumps({"text": body})
    (tmp_path / name).write_text(data, encoding="ascii")
    [doc] = read(tmp_path)  # a reader that searched for a line end again and again would hang here
    assert doc.removed is None and len(doc.text) == 50_000_000


# 6. Malformed JSON lines


def test_bad_json_lines_are_rejected_with_their_line_numbers(tmp_path):
    good = json.dumps({"text": FR})
    lines = [good, "{not json", "[1, 2]", '"a string"', good, '{"text": "cut off mid-rec']
    (tmp_path / "bad.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs = read(tmp_path)
    assert [doc.id for doc in docs] == [f"bad.jsonl:{n}" for n in range(1, 7)]
    assert docs[0].text == FR and docs[4].text == FR
    for doc, line in zip(docs[1:4], (2, 3, 4), strict=True):
        assert_rejected(doc, "input.malformed-json", "bad.jsonl", line)
    assert "list" in docs[2].detail["error"]
    assert_rejected(docs[5], "input.malformed-json", "bad.jsonl", 6)
    assert "cut off" in docs[5].detail["error"]


# 7. Gzip that is cut off, damaged, or not gzip at all


def test_truncated_gzip_keeps_the_records_before_the_break(tmp_path):
    records = [{"text": f"{FR} {n} " + os.urandom(200).hex()} for n in range(200)]
    data = gzip_lines(records)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    docs = read(tmp_path)
    *good, last = docs
    assert len(good) > 10
    assert [doc.text for doc in good] == [r["text"] for r in records[: len(good)]]
    assert_rejected(last, "input.truncated-gzip", "cut.jsonl.gz", len(good) + 1)
    assert last.id == f"cut.jsonl.gz:{len(good) + 1}"


def test_gzip_cut_inside_its_header_is_truncated_at_line_1(tmp_path):
    (tmp_path / "stub.jsonl.gz").write_bytes(gzip_lines([{"text": FR}])[:5])
    [doc] = read(tmp_path)
    assert_rejected(doc, "input.truncated-gzip", "stub.jsonl.gz", 1)


def test_damaged_gzip_is_rejected(tmp_path):
    data = bytearray(gzip_lines([{"text": f"{FR} {n}"} for n in range(50)]))
    data[-8] ^= 0xFF  # the CRC of the data no longer matches
    (tmp_path / "crc.jsonl.gz").write_bytes(bytes(data))
    docs = read(tmp_path)
    assert_rejected(docs[-1], "input.corrupt-gzip", "crc.jsonl.gz", docs[-1].detail["line"])


def test_jsonl_gz_that_is_not_gzip_is_rejected(tmp_path):
    (tmp_path / "plain.jsonl.gz").write_text(json.dumps({"text": FR}) + "\n")
    [doc] = read(tmp_path)
    assert_rejected(doc, "input.not-gzip", "plain.jsonl.gz")
    assert "rename it to .jsonl" in doc.detail["error"]


def test_empty_jsonl_gz_has_no_records(tmp_path):
    (tmp_path / "zero.jsonl.gz").write_bytes(b"")
    (tmp_path / "none.jsonl.gz").write_bytes(gzip.compress(b""))
    assert read(tmp_path) == []


# 8. Records without a string text


def test_records_without_a_string_text_are_rejected_by_kind(tmp_path):
    records = [{"id": "a"}, {"text": None}, {"text": 42}, {"text": ["a", "b"]}, {"body": FR}]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    docs = read(tmp_path)
    assert_rejected(docs[0], "input.missing-text", "t.jsonl", 1)
    assert docs[0].id == "a" and "is missing" in docs[0].detail["error"]
    assert_rejected(docs[1], "input.missing-text", "t.jsonl", 2)
    assert "is null" in docs[1].detail["error"]
    assert_rejected(docs[2], "input.text-not-string", "t.jsonl", 3)
    assert "a number" in docs[2].detail["error"]
    assert_rejected(docs[3], "input.text-not-string", "t.jsonl", 4)
    assert "a list" in docs[3].detail["error"]
    assert "--text-field" in docs[4].detail["error"]
    assert read(tmp_path, text_field="body")[4].text == FR


# 9. Unreadable files


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_file_without_read_permission_is_rejected(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(FR)
    (tmp_path / "ok.txt").write_text(FR)
    locked.chmod(0)
    try:
        docs = by_id(read(tmp_path))
    finally:
        locked.chmod(0o644)
    assert_rejected(docs["locked.txt"], "input.unreadable", "locked.txt")
    assert "Permission denied" in docs["locked.txt"].detail["error"]
    assert docs["ok.txt"].text == FR


@pytest.mark.parametrize("name", ["locked.txt", "locked.jsonl", "locked.jsonl.gz"])
def test_permission_error_on_open_is_rejected(tmp_path, monkeypatch, name):
    (tmp_path / name).write_bytes(gzip_lines([{"text": FR}]))
    (tmp_path / "ok.txt").write_text(FR)
    patch_open(monkeypatch, {name: PermissionError(errno.EACCES, "Permission denied")})
    docs = read(tmp_path)
    assert_rejected(docs[0], "input.unreadable", name)
    assert "Permission denied [EACCES]" in docs[0].detail["error"]
    assert docs[1].text == FR


def test_folder_that_cannot_be_listed_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text(FR)
    (tmp_path / "ok.txt").write_text(FR)
    original = os.scandir

    def fake_scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    docs = read(tmp_path)
    assert_rejected(docs[0], "input.unreadable", "locked")
    assert docs[1].id == "ok.txt"


def test_src_that_cannot_be_listed_is_an_input_error(tmp_path, monkeypatch):
    def fake_scandir(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", fake_scandir)
    with pytest.raises(InputError, match="cannot list this folder"):
        read(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_rejected_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    docs = read(tmp_path)
    assert_rejected(docs[0], "input.unreadable", "pipe.jsonl")
    assert_rejected(docs[1], "input.unreadable", "pipe.txt")
    assert "pipe" in docs[1].detail["error"]


# 10. Symbolic links


def test_symlink_loops_and_broken_links_end_the_walk(tmp_path):
    src, outside = tmp_path / "src", tmp_path / "outside"
    (src / "sub").mkdir(parents=True)
    outside.mkdir()
    (src / "a.txt").write_text(FR)
    (src / "sub" / "b.txt").write_text(FR)
    (outside / "c.txt").write_text(FR)
    (src / "sub" / "up").symlink_to("..", target_is_directory=True)  # a loop back to src
    (src / "sub" / "again").symlink_to(src / "sub", target_is_directory=True)
    (src / "self.txt").symlink_to("self.txt")
    (src / "broken.txt").symlink_to("nowhere.txt")
    (src / "linked").symlink_to(outside, target_is_directory=True)
    (src / "linked-too").symlink_to(outside, target_is_directory=True)
    docs = read(src)
    assert [doc.id for doc in docs] == [
        "a.txt",
        "broken.txt",
        "linked/c.txt",
        "self.txt",
        "sub/b.txt",
    ]
    docs = by_id(docs)
    assert_rejected(docs["broken.txt"], "input.unreadable", "broken.txt")
    assert "broken link" in docs["broken.txt"].detail["error"]
    assert_rejected(docs["self.txt"], "input.unreadable", "self.txt")
    assert "ELOOP" in docs["self.txt"].detail["error"]
    assert docs["linked/c.txt"].text == FR


def test_the_real_folder_wins_over_a_link_to_it(tmp_path):
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "a.txt").write_text(FR)
    (tmp_path / "a-link").symlink_to(tmp_path / "z", target_is_directory=True)
    assert [doc.id for doc in read(tmp_path)] == ["z/a.txt"]


def test_hidden_entries_are_skipped_and_order_is_by_path(tmp_path):
    for rel in ["b.txt", "a/z.txt", "a-b.txt", ".hidden.txt", ".git/x.txt", "a/.x/y.txt", "n.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(FR)
    docs = read(tmp_path)
    assert [doc.id for doc in docs] == ["a/z.txt", "a-b.txt", "b.txt", "n.md"]
    # A visible file cleanse does not read is listed as rejected, not skipped in silence.
    assert [doc.status for doc in docs] == ["kept"] * 3 + ["rejected"]
    assert docs[3].reason == "input.unsupported-format"


# 11. Many files


def test_twenty_thousand_files_are_all_listed_and_read_in_path_order(tmp_path):
    # How fast: benchmarks/many_files.py (timings do not belong in tests).
    src, template = tmp_path / "src", tmp_path / "template"
    template.write_bytes(b"Un texte court.\n")
    for folder in range(20):
        (src / f"f{folder:02}").mkdir(parents=True)
        for n in range(1000):
            # Hard links: creating 20,000 inodes can take longer than the reading under test.
            os.link(template, src / f"f{folder:02}" / f"{n:04}.txt")
    docs = read(src)
    assert len(docs) == 20_000 and docs[0].id == "f00/0000.txt" and docs[-1].id == "f19/0999.txt"
    assert [doc.id for doc in docs] == sorted(doc.id for doc in docs)
    assert all(doc.removed is None and doc.text == "Un texte court.\n" for doc in docs)


# 12. Reads that fail midway


def test_txt_whose_read_fails_midway_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "dying.txt").write_text(FR * 1000)
    (tmp_path / "ok.txt").write_text(FR)
    patch_open(monkeypatch, {"dying.txt": ((FR * 1000).encode(), 10_000)})
    docs = read(tmp_path)
    assert_rejected(docs[0], "input.unreadable", "dying.txt")
    assert "[EIO]" in docs[0].detail["error"]
    assert docs[1].text == FR


def test_jsonl_whose_read_fails_midway_keeps_the_lines_before(tmp_path, monkeypatch):
    lines = [json.dumps({"text": f"{FR} {n}"}) + "\n" for n in range(5)]
    data = "".join(lines).encode()
    (tmp_path / "dying.jsonl").write_bytes(data)
    patch_open(monkeypatch, {"dying.jsonl": (data, len(lines[0]) + len(lines[1]) + 10)})
    docs = read(tmp_path)
    assert [doc.text for doc in docs[:2]] == [f"{FR} 0", f"{FR} 1"]
    assert_rejected(docs[2], "input.unreadable", "dying.jsonl", 3)
    assert len(docs) == 3


# Found on the way: text that UTF-8 cannot write


def test_file_name_that_is_not_utf8_gets_a_printable_id(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")
    try:
        (tmp_path / name).write_text(FR)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    [doc] = read(tmp_path)
    assert doc.id == "caf\\xe9.txt" and doc.source == name and doc.text == FR


def test_lone_surrogate_escapes_in_json_are_replaced_and_flagged(tmp_path):
    lines = [
        '{"id": "a\\udce9", "text": "un \\ud800 mot", "x": ["\\udfff"]}',
        '{"text": "\\ud83d\\ude00"}',
    ]
    (tmp_path / "s.jsonl").write_text("\n".join(lines))
    first, second = read(tmp_path)
    assert (first.id, first.text, first.meta["x"]) == ("a\ufffd", "un \ufffd mot", ["\ufffd"])
    assert first.flags == ("replaced-lone-surrogates",)
    assert second.text == "\U0001f600" and second.flags == ()  # a pair is one character


# A whole run over all of the above


def build_hostile_tree(src: Path) -> dict[str, str | None]:
    """Every hostile input under src; returns each id with the reason it must be rejected for."""
    src.mkdir()
    good = json.dumps({"text": FR})
    files: dict[str, bytes] = {
        "latin.txt": f"{FR} Café.".encode("cp1252"),
        "utf16le.txt": "\ufeff".encode("utf-16-le") + FR.encode("utf-16-le"),
        "utf16be.txt": "\ufeff".encode("utf-16-be") + FR.encode("utf-16-be"),
        "bom8.txt": b"\xef\xbb\xbf" + FR.encode(),
        "wide.jsonl": f"{good}\n{good}\n".encode("utf-16"),
        "image.txt": PNG,
        "archive.txt": zip_bytes(),
        "stray.txt": f"{FR}\x00 Fin\x01.\n".encode(),
        "empty.txt": b"",
        "blank.txt": b" \n\n\t",
        "empty.jsonl": b"",
        "long.txt": ((FR + " ") * 3000).encode(),  # 250 KB on one line
        "bad.jsonl": "\n".join(
            [
                good,
                "{nope",
                "[1]",
                json.dumps({"x": 1}),
                '{"text": null}',
                '{"text": 3}',
                '{"text": ["a"]}',
                '{"text": "cut',
            ]
        ).encode(),
        "cut.jsonl.gz": gzip_lines(
            [{"text": f"{FR} {n} " + os.urandom(100).hex()} for n in range(100)]
        ),
        "fake.jsonl.gz": f"{good}\n".encode(),
        "locked.txt": FR.encode(),
        "dying.txt": FR.encode() * 100,
        "many/0.txt": FR.encode(),
        "many/1.txt": FR.encode(),
    }
    files["cut.jsonl.gz"] = files["cut.jsonl.gz"][: len(files["cut.jsonl.gz"]) // 2]
    for rel, data in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(data)
    (src / "many" / "loop").symlink_to("..", target_is_directory=True)
    (src / "self.txt").symlink_to("self.txt")
    (src / "broken.txt").symlink_to("nowhere.txt")
    (src / "surrogates.jsonl").write_text('{"text": "un \\ud800 mot", "x": "\\udfff"}\n')
    with contextlib.suppress(OSError, UnicodeError):  # file systems that refuse non-UTF-8 names
        (src / os.fsdecode(b"caf\xe9.txt")).write_text(FR)
    if hasattr(os, "mkfifo"):
        os.mkfifo(src / "pipe.txt")
    return {
        "image.txt": "input.binary",
        "archive.txt": "input.binary",
        "empty.txt": "input.empty",
        "blank.txt": "input.empty",
        "bad.jsonl:2": "input.malformed-json",
        "bad.jsonl:3": "input.malformed-json",
        "bad.jsonl:4": "input.missing-text",
        "bad.jsonl:5": "input.missing-text",
        "bad.jsonl:6": "input.text-not-string",
        "bad.jsonl:7": "input.text-not-string",
        "bad.jsonl:8": "input.malformed-json",
        "fake.jsonl.gz": "input.not-gzip",
        "locked.txt": "input.unreadable",
        "dying.txt": "input.unreadable",
        "self.txt": "input.unreadable",
        "broken.txt": "input.unreadable",
        **({"pipe.txt": "input.unreadable"} if hasattr(os, "mkfifo") else {}),
    }


def test_a_run_over_every_hostile_input_finishes_and_audits_each(tmp_path, monkeypatch):
    src, dest = tmp_path / "src", tmp_path / "dest"
    expected = build_hostile_tree(src)
    patch_open(
        monkeypatch,
        {
            "locked.txt": PermissionError(errno.EACCES, "Permission denied"),
            "dying.txt": (FR.encode() * 100, 1000),
        },
    )
    assert main(["clean", str(src), str(dest), "-q"]) == 0
    audit = [
        json.loads(line) for line in (dest / ".cleanse" / "audit.jsonl").read_text().splitlines()
    ]
    entries = {entry["id"]: entry for entry in audit}
    assert len(entries) == len(audit)
    for doc_id, reason in expected.items():
        entry = entries[doc_id]
        assert (entry["status"], entry["reason"]) == ("rejected", reason), entry
        assert entry["path"] == doc_id.split(":")[0] and entry["error"]
    [cut] = [e for e in audit if e.get("reason") == "input.truncated-gzip"]
    assert cut["path"] == "cut.jsonl.gz" and cut["id"] == f"cut.jsonl.gz:{cut['line']}"
    assert sum(e["id"].startswith("cut.jsonl.gz:") for e in audit) == cut["line"]
    read_ok = {e["id"] for e in audit if e["status"] != "rejected"}
    assert {
        "latin.txt",
        "utf16le.txt",
        "utf16be.txt",
        "bom8.txt",
        "stray.txt",
        "long.txt",
    } <= read_ok
    assert {
        "wide.jsonl:1",
        "wide.jsonl:2",
        "bad.jsonl:1",
        "many/0.txt",
        "many/1.txt",
        "surrogates.jsonl:1",
    } <= read_ok
    assert not any(e["id"].startswith(("many/loop", "empty.jsonl")) for e in audit)
    assert (dest / "utf16le.txt").read_text(encoding="utf-8").startswith(FR)
    assert "\x00" not in (dest / "stray.txt").read_text(encoding="utf-8")
    assert not (dest / "image.txt").exists()
    summary = json.loads((dest / ".cleanse" / "summary.json").read_text())
    docs = summary["documents"]
    assert docs["in"] == len(audit) == docs["written"] + docs["removed"] + docs["rejected"]
    assert docs["rejected"] == sum(summary["rejected_by"].values()) >= len(expected)
    assert main(["clean", str(src), str(tmp_path / "strict"), "-q", "--strict"]) == 1
