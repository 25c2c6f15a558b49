"""The Document of numbered lines and the Rejected record: a text survives the trip through lines,
status is what the stages set, and a rejected input's audit line is the one cleanse always wrote."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanse.document import (
    CHANGED,
    KEPT,
    REMOVED,
    Change,
    Document,
    Rejected,
    is_live,
    split_lines,
)

TEXTS = st.text(alphabet=st.sampled_from("ab \n\r\u2028é"), max_size=40)


@given(TEXTS)
def test_a_text_comes_back_from_its_lines_byte_for_byte(text):
    doc = Document.from_text("d", text)
    assert doc.text == text
    assert doc.chars == len(text)
    assert doc.line_numbers == tuple(range(1, len(doc.lines) + 1))
    assert all("\n" not in line for line in doc.lines)


@pytest.mark.parametrize(
    ("text", "lines", "final"),
    [
        ("", (), False),
        ("\n", ("",), True),
        ("a\n\n", ("a", ""), True),
        ("a\r\nb", ("a\r", "b"), False),
    ],
)
def test_lines_split_on_line_feeds_only(text, lines, final):
    assert split_lines(text) == (lines, final)


def test_a_text_is_not_taken_for_lines():
    with pytest.raises(TypeError, match="from_text"):
        Document("d", "a text")  # type: ignore[arg-type]


def test_numbers_must_match_the_lines():
    with pytest.raises(ValueError, match="2 lines but 1 numbers"):
        Document("d", ("a", "b"), line_numbers=(4,))


def test_status_is_set_by_the_stage_and_checked():
    doc = Document.from_text("d", "a\nb\nc\n")
    assert doc.status == KEPT and is_live(doc)
    drop = Change("rules", "x.rule", 2, "b", None)
    changed = doc.with_lines([(1, "a"), (3, "c")], [drop])
    assert changed.status == CHANGED and changed.line_numbers == (1, 3)
    assert changed.text == "a\nc\n"
    removed = changed.remove("x.doc")
    assert removed.status == REMOVED and not is_live(removed)
    assert doc.with_lines([(1, "a"), (2, "b"), (3, "c")], []).status == KEPT
    with pytest.raises(ValueError, match="status"):
        doc.evolve(removed="x.doc")  # a removal must say so in the status
    with pytest.raises(ValueError, match="changes"):
        doc.evolve(changes=(drop,))  # changes make a document `changed`


def test_nothing_left_is_an_empty_text():
    doc = Document.from_text("d", "a\n").with_lines([(1, "")], [Change("s", "r", 1, "a", "")])
    assert (doc.lines, doc.line_numbers, doc.text) == ((), (), "")


def test_a_rejected_input_is_audited_as_before():
    detail = {"path": "a.jsonl", "line": 3, "error": "not valid JSON; fix or remove the line"}
    rejected = Rejected(
        "a.jsonl:3", "input.malformed-json", detail, location={"path": "a.jsonl", "line": 3}
    )
    assert rejected.status == "rejected" and not is_live(rejected) and rejected.chars == 0
    assert json.dumps(rejected.audit()) == (
        '{"id": "a.jsonl:3", "path": "a.jsonl", "line": 3, "status": "rejected", "lang": null, '
        '"reason": "input.malformed-json", "error": "not valid JSON; fix or remove the line", '
        '"changes": []}'
    )
