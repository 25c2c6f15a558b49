"""A JSONL record that nothing changed is written as its input line only when that line is what
encoding the record gives: the output is the same bytes either way.

Each line below is read by the reader and written by the writer; the output must equal
`json_line(to_record(doc))`, the encoding path, and lines in that form must be copied.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanse import output_records
from cleanse.document import Document, MetaOfRead
from cleanse.output_records import json_line, to_record
from cleanse.readers import read_documents
from cleanse.records import RecordMeta, escape_line_breakers
from cleanse.writers import CorpusWriter

TEXT = 'He said "yes" \\ no.\nA tab\there, a slash / and é, ’, 日本, 😀.\r\nEnd\n'
CANONICAL = [
    json_line({"id": "a", "text": TEXT}),
    json_line(
        {"id": "b", "url": "https://x.org/a", "text": TEXT, "n": 1.5, "tags": ["x", {"k": None}]}
    ),
    json_line({"text": "only a text field"}),
    json_line({"id": "c\u2028d", "text": "an id holding a line separator"}),
    json_line({"id": "e", "text": "a control \x01 character"}),  # written \u0001: encoded
]
OTHER = [
    '{"id": "f", "text": "a \\/ slash"}\n',  # \/ decodes to /, written /
    '{"id": "g", "text": "\\u00e9t\\u00e9"}\n',  # escapes of letters
    '{"id": "h", "text": "ctrl \\u001F upper"}\n',  # json.dumps writes \u001f
    '{"id": "i", "text": "line\\u000anext"}\n',  # json.dumps writes \n
    '{"id":"j","text":"no spaces"}\n',
    '{"id": "k",  "text": "two spaces"}\n',
    '{"id": "l", "text": "first", "text": "second"}\n',  # a repeated key: the last one counts
    '{"id": "m", "text": "x", "n": 1.0E5}\n',
    '{"id": "n", "text": "raw separator \u2028 here"}\n',
    '{"id": "o", "text": "no newline at the end"}',
    '{"id": "p", "text": "a\\\\u not an escape"}\n',  # an escaped backslash before u
]


def write(tmp_path: Path, lines: list[str]) -> tuple[list[bytes], list[bytes], int]:
    src = tmp_path / "in.jsonl"
    src.write_bytes("".join(lines).encode("utf-8"))
    docs = list(read_documents(src))
    expected = [json_line(to_record(d, "text")).encode("utf-8") for d in docs]
    copied = sum(output_records.copied_line(d, "text", None) is not None for d in docs)
    out = tmp_path / "out.jsonl"
    writer = CorpusWriter(out, mirror=False)
    for doc in docs:
        writer.write(doc)
    writer.close()
    return out.read_bytes().splitlines(keepends=True), expected, copied


def test_canonical_lines_are_copied_and_stay_the_same_bytes(tmp_path: Path) -> None:
    got, expected, copied = write(tmp_path, CANONICAL)
    assert got == expected
    assert got == [line.encode("utf-8") for line in CANONICAL]
    assert copied == 3  # lines holding a \u escape (\u2028, \u0001) are encoded


@pytest.mark.parametrize("line", OTHER)
def test_other_lines_are_encoded_as_before(tmp_path: Path, line: str) -> None:
    got, expected, copied = write(tmp_path, [line])
    assert got == expected
    assert copied == 0
    assert got != [line.encode("utf-8")] or line == json_line(json.loads(line))


def test_a_changed_document_or_an_annotation_is_encoded(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(CANONICAL[0], encoding="utf-8")
    (doc,) = read_documents(src)
    assert type(doc.meta) is RecordMeta
    assert output_records.copied_line(doc, "text", None) is not None
    changed = doc.evolve(lines=("other",), line_numbers=(1,))
    assert output_records.copied_line(changed, "text", None) is None
    equal = doc.evolve(lines=tuple(list(doc.lines)))  # noqa: C414 - equal lines in another tuple (tuple() of a tuple is that tuple): encoded
    assert output_records.copied_line(equal, "text", None) is None
    assert output_records.copied_line(doc, "text", {"duplicate_of": "x"}) is None
    assert output_records.copied_line(doc.evolve(annotations={"a": 1}), "text", None) is None
    assert type(pickle_round_trip(doc.meta)) is dict  # a copy sent to a worker is a plain dict


def pickle_round_trip(value: object) -> object:
    import pickle

    return pickle.loads(pickle.dumps(value))


# Lines where the quick parse (records.canonical_record) must find nothing or exactly what parsing
# the line and checking it (parse_record, line_parts) give.
TRICKY = [
    '{"meta": {"text": "nested"}, "text": "outer"}\n',  # the first `"text": "` is nested
    '{"id": "q", "text": "", "text": "x"}\n',
    '{"id": "r", "text": "x", "text": ""}\n',  # the rest, parsed alone, has an empty text
    '{"text": "x", "id": "s", "text": "y"}\n',
    '{"title": "a \\"text\\": \\"b\\"", "text": "c"}\n',  # the key's form inside a string
    '{"id": "t", "text": 12}\n',
    '{"id": "u", "text": "x", "n": NaN}\n',
    '{"id": "v", "text": "x", "n": 1e999}\n',
    '{"id": "w", "text": "x"} \n',
    ' {"id": "x", "text": "x"}\n',
    '{"id": "y", "text": "x"}{"id": "z"}\n',
    '{"id": "z", "text": "tab\there"}\n',  # a raw tab: the strict decoder refuses it
    '["text", "x"]\n',
    '{"id": "a\\\\", "text": "x"}\n',
    json_line({"id": "b", "text": "x", "tail": {"text": "y", "n": [1, 2.5, None, True]}}),
]


@pytest.mark.parametrize("line", CANONICAL + OTHER + TRICKY)
def test_the_quick_parse_gives_what_parsing_and_checking_give(line: str) -> None:
    from cleanse.records import (
        UNUSUAL_ESCAPE_RE,
        RecordError,
        canonical_record,
        line_parts,
        parse_record,
    )

    if UNUSUAL_ESCAPE_RE.search(line.encode("utf-8")):
        return  # the reader takes the usual path for these
    quick = canonical_record(line, "text")
    try:
        record = parse_record(line)
    except RecordError:
        assert quick is None
        return
    parts = line_parts(line, record, "text")
    if line in CANONICAL:
        assert quick is not None  # the form json_line writes, with its text key's first
    if quick is not None:  # (else the reader parses and checks the line)
        assert quick[0] == record and list(quick[0]) == list(record)
        assert type(quick[0]["text"]) is type(record["text"])
        assert quick[1] == parts


def test_the_length_counted_on_reading_is_the_length_of_the_text(tmp_path: Path) -> None:
    """Document.chars answers the count made on reading (MetaOfRead) only while the document
    has the very lines and final LF it was read with; it is len(text) either way."""
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(CANONICAL + OTHER) + json_line({"id": "e", "text": ""}), encoding="utf-8"
    )
    docs = [d for d in read_documents(src) if isinstance(d, Document)]
    assert sum(isinstance(d.meta, MetaOfRead) for d in docs) >= len(CANONICAL + OTHER) - 2
    for doc in docs:
        assert doc.chars == len(doc.text)
        for other in (
            doc.evolve(lines=(*doc.lines, "more"), line_numbers=()),
            doc.evolve(final_newline=not doc.final_newline),
            doc.evolve(lines=tuple(list(doc.lines))),  # noqa: C414 - an equal tuple, counted anew
        ):
            assert other.chars == len(other.text)
    meta = MetaOfRead({"id": "x"}, ("ab", "c"), True)
    doc = Document("x", meta.lines, meta, final_newline=True)
    assert doc.chars == meta.chars == 5
    assert Document("x", ("ab", "c"), meta, final_newline=True).chars == 5  # equal lines
    assert Document("x", ("abc",), meta, final_newline=False).chars == 3


def test_json_line_is_json_dumps_with_readable_utf8() -> None:
    """json_line's kept encoder writes what json.dumps(value, ensure_ascii=False) writes."""
    values = [
        {"id": "a", "text": TEXT, "n": 1.5, "big": 10**30, "neg": -0.0, "t": True, "z": None},
        {"nested": [{"k": [1, 2.5, None, "é’\u2028\x85"]}], 1: "int key", 2.5: "float key"},
        [float("nan"), float("inf")],
        "a string",
        {},
    ]
    for value in values:
        assert (
            json_line(value) == escape_line_breakers(json.dumps(value, ensure_ascii=False)) + "\n"
        )
    with pytest.raises(TypeError):
        json_line({"when": object()})
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular"):
        json_line(loop)
