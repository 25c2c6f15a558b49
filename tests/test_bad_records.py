"""One record never stops a run: odd ids, JSON the parser cannot take, values that would not be
written back as they came, and changes that must show in the audit (issue 10, items 1-4).

Each test runs the real CLI over inputs built in tmp_path and reads back the output and audit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanse.cli import main
from cleanse.readers import ReadConfig, read_documents

FR = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine."
EN = "The city council voted on Tuesday for the budget of the town for the coming year."


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def audit_of(dest: Path, output: str = "in.jsonl") -> dict[str, dict]:
    """The audit of a run into the folder `dest`: DEST/.cleanse/ for a folder SRC, and
    DEST/.cleanse/<output name>/ for a single file written into it."""
    report = dest / ".cleanse"
    if not (report / "audit.jsonl").exists():
        report = report / output
    lines = (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    return {entry["id"]: entry for entry in entries}


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# Item 1: ids that look like the internal `#2` suffix


def test_ids_that_look_like_internal_suffixes_do_not_collide(tmp_path):
    texts = [FR, EN, "Ein ganz anderer Text über das Wetter in den Bergen im Winter, sehr kalt."]
    ids = ["https://a.com/p", "https://a.com/p", "https://a.com/p#2"]
    src = write_jsonl(
        tmp_path / "in.jsonl", [json.dumps({"id": i, "text": t}) for i, t in zip(ids, texts, strict=True)]
    )
    out = tmp_path / "out.jsonl"
    assert main(["run", str(src), str(out), "-q", "--workers", "1"]) == 0
    assert [r["id"] for r in records(out)] == ids
    assert [r["text"] for r in records(out)] == texts


def test_repeated_ids_with_suffix_ids_still_find_duplicates(tmp_path):
    ids = ["p", "p#2", "p", "p"]
    texts = [FR, EN, FR, "Un texte tout à fait différent des autres, qui parle de la pluie et du vent."]
    src = write_jsonl(
        tmp_path / "in.jsonl", [json.dumps({"id": i, "text": t}) for i, t in zip(ids, texts, strict=True)]
    )
    out = tmp_path / "out.jsonl"
    assert main(["run", str(src), str(out), "-q", "--workers", "1"]) == 0
    assert [r["text"] for r in records(out)] == [FR, EN, texts[3]]  # the copy of FR is removed


# Item 2: lines the JSON parser cannot take


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"id": "a", "n": ' + "7" * 5000 + ', "text": "x"}', "4,300 digits"),
        ('{"id": "a", "n": ' + "[" * 5000 + "]" * 5000 + ', "text": "x"}', "nests"),
        ('{"id": "a", "n": NaN, "text": "x"}', "NaN, which is not JSON"),
        ('{"id": "a", "n": -Infinity, "text": "x"}', "-Infinity, which is not JSON"),
        ('{"id": "a", "n": 1e999, "text": "x"}', "too large for a 64-bit float"),
    ],
    ids=["huge-integer", "deep-nesting", "nan", "minus-infinity", "float-overflow"],
)
def test_a_line_the_parser_cannot_take_is_malformed_json_and_the_run_goes_on(tmp_path, line, says):
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "ok", "text": FR}), line])
    dest = tmp_path / "out"
    assert main(["run", str(src), f"{dest}/", "-q", "--workers", "1"]) == 0
    assert [r["id"] for r in records(dest / "in.jsonl")] == ["ok"]
    entry = audit_of(dest)["in.jsonl:2"]
    assert (entry["status"], entry["reason"], entry["line"]) == ("rejected", "input.malformed-json", 2)
    assert says in entry["error"] and ";" in entry["error"]
    # A resumed or repeated run meets the same line and rejects it the same way.
    assert main(["run", str(src), f"{dest}/", "-q", "--overwrite"]) == 0
    assert audit_of(dest)["in.jsonl:2"]["reason"] == "input.malformed-json"


def test_a_record_nested_as_deep_as_the_parser_allows_goes_through_workers(tmp_path):
    depth = 900  # parsed; too deep to pickle to a worker, so it must stay in the main process
    deep = '{"id": "deep", "n": ' + "[" * depth + '"\\ud800"' + "]" * depth + f', "text": "{FR}"}}'
    lines = [json.dumps({"id": f"r{i}", "text": f"Document {i}: " + " ".join(str(i * j) for j in range(12))}) for i in range(600)]
    lines[5] = deep
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    dest = tmp_path / "out"
    assert main(["run", str(src), f"{dest}/", "-q", "--workers", "2", "--no-dedup"]) == 0
    written = (dest / "in.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(written) == 600
    assert written[5].count("[") == depth and "\ufffd" in written[5]


# Item 3: values that must be written back as they came, or refused


def test_output_is_standard_json(tmp_path):
    lines = [json.dumps({"id": "a", "score": 1.5, "big": 10**40, "text": FR}), '{"id": "b", "s": NaN, "text": "x"}']
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    assert main(["run", str(src), str(out), "-q", "--no-dedup"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard {name} written"))
    assert json.loads(text)["big"] == 10**40


def test_non_string_ids_are_named_by_their_json_text(tmp_path):
    lines = [json.dumps({"id": value, "text": f"{FR} {n}"}) for n, value in enumerate([12, True, {"a": 1}, [1, "x"]])]
    src = write_jsonl(tmp_path / "in.jsonl", lines)
    dest = tmp_path / "out"
    assert main(["run", str(src), f"{dest}/", "-q", "--no-dedup"]) == 0
    assert list(audit_of(dest)) == ["12", "true", '{"a": 1}', '[1, "x"]']
    # The records keep their id field as it was.
    assert [r["id"] for r in records(dest / "in.jsonl")] == [12, True, {"a": 1}, [1, "x"]]


@pytest.mark.parametrize(
    "text",
    ["\u00a0\u00a0", "\u200b\u200c\u200d", "\u200e\u200f\u202a\u202c", "\u2066\u2069\ufeff\u2060", " \u200b\n\u00a0\u00ad "],
    ids=["nbsp", "zero-width", "bidi-marks", "isolates-bom-joiner", "mixed"],
)
def test_text_with_nothing_visible_is_rejected_as_empty_in_txt_and_jsonl(tmp_path, text):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(text, encoding="utf-8")
    write_jsonl(src / "b.jsonl", [json.dumps({"id": "b", "text": text})])
    dest = tmp_path / "out"
    main(["run", str(src), f"{dest}/", "-q", "--no-dedup"])
    audit = audit_of(dest)
    assert (audit["a.txt"]["status"], audit["a.txt"]["reason"]) == ("rejected", "input.empty")
    assert (audit["b"]["status"], audit["b"]["reason"]) == ("rejected", "input.empty")
    assert not (dest / "a.txt").exists() and not (dest / "b.jsonl").exists()


def test_visible_text_with_zero_width_characters_is_kept(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(f"\u200b{FR}\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["run", str(src), str(out), "-q", "--no-dedup"]) == 0
    assert FR in out.read_text(encoding="utf-8")


# Item 4: every change shows in the audit


def test_crlf_text_is_written_back_with_crlf(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(f"{FR}\r\n{EN}\r\n".encode())
    (src / "cr.txt").write_bytes(f"{FR}\r{EN}\r".encode())
    write_jsonl(src / "b.jsonl", [json.dumps({"id": "b", "text": f"{FR}\r\n{EN}"})])
    dest = tmp_path / "out"
    assert main(["run", str(src), f"{dest}/", "-q", "--no-dedup"]) == 0
    assert (dest / "a.txt").read_bytes() == f"{FR}\r\n{EN}\r\n".encode()
    assert (dest / "cr.txt").read_bytes() == f"{FR}\r{EN}\r".encode()
    assert records(dest / "b.jsonl")[0]["text"] == f"{FR}\r\n{EN}"
    audit = audit_of(dest)
    assert audit["a.txt"]["status"] == "kept" and audit["a.txt"]["flags"] == ["line-endings-crlf"]
    assert audit["cr.txt"]["flags"] == ["line-endings-cr"]


def test_mixed_line_endings_become_lf_and_each_kind_is_recorded(tmp_path):
    src = tmp_path / "a.txt"
    src.write_bytes(f"{FR}\r\n{EN}\n{FR}\r{EN}\r\n".encode())
    dest = tmp_path / "out"
    dest.mkdir()
    assert main(["run", str(src), f"{dest}/", "-q", "--no-dedup"]) == 0
    assert (dest / "a.txt").read_bytes() == f"{FR}\n{EN}\n{FR}\n{EN}\n".encode()
    entry = audit_of(dest, "a.txt")["a.txt"]
    assert entry["status"] == "changed"
    kinds = {(c["rule"], c["before"], c["after"], c["count"]) for c in entry["changes"]}
    assert kinds == {("fix.line-endings", "\r\n", "\n", 2), ("fix.line-endings", "\r", "\n", 1)}


def test_lone_surrogates_replaced_are_changes_in_the_audit(tmp_path):
    line = '{"id": "s", "title": "t\\udce9", "tags": ["\\udfff"], "text": "' + FR + '\\nun \\ud800 mot"}'
    src = write_jsonl(tmp_path / "in.jsonl", [line])
    dest = tmp_path / "out"
    assert main(["run", str(src), f"{dest}/", "-q", "--no-dedup"]) == 0
    [record] = records(dest / "in.jsonl")
    assert record["text"] == f"{FR}\nun \ufffd mot" and record["title"] == "t\ufffd"
    entry = audit_of(dest)["s"]
    assert entry["status"] == "changed"
    surrogates = [c for c in entry["changes"] if c["rule"] == "decode.lone-surrogate"]
    assert [(c["line"], c.get("field"), c["before"], c["after"]) for c in surrogates] == [
        (None, "title", "t\\udce9", "t\ufffd"),
        (None, "tags", "tags", "tags"),
        (2, None, "un \\ud800 mot", "un \ufffd mot"),
    ]


def test_reader_gives_lone_surrogate_changes_even_without_cleaning(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", ['{"text": "a \\udc00 b"}'])
    [doc] = read_documents(tmp_path / "in.jsonl", ReadConfig())
    assert doc.status == "changed" and doc.changes[0].before == "a \\udc00 b"
