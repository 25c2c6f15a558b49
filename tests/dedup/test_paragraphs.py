"""A paragraph is found whether its copy is on one line or hard-wrapped; removing one leaves the
rest of the document byte for byte; short common lines of unrelated texts stay."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.dedup import DedupConfig
from cleanse.dedup.documents import deduplicate
from cleanse.dedup.paragraphs import paragraph_spans, paragraph_texts
from cleanse.document import Document

from .conftest import random_text

PARAGRAPH = DedupConfig(level="paragraph")


def wrap(paragraphs: list[str], width: int = 78) -> str:
    return "\n\n".join(textwrap.fill(p, width, break_long_words=False) for p in paragraphs) + "\n"


def doc(doc_id: str, text: str) -> Document:
    return Document.from_text(doc_id, text)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=50, max_value=160))
def test_wrapped_paragraphs_are_recovered(seed: int, width: int) -> None:
    import random

    rng = random.Random(seed)
    paragraphs = [random_text(rng, rng.randint(40, 120)) for _ in range(rng.randint(2, 5))]
    lines = wrap(paragraphs, width).split("\n")
    assert paragraph_texts(lines) == paragraphs


def test_lists_headings_and_menus_are_not_joined() -> None:
    body = textwrap.fill("word " * 60, 78).split("\n")
    lines = ["## A heading that runs long enough to reach the right margin of this wrapped text",
             "  * a list item", "  * another item", *body, "> a quote", "1. first", "Home", "About"]  # fmt: skip
    spans = paragraph_spans(lines)
    assert (0, 0) in spans and (1, 1) in spans and (2, 2) in spans
    assert (3, 2 + len(body)) in spans
    assert spans[-4:] == [(3 + len(body), 3 + len(body)), (4 + len(body), 4 + len(body)),
                          (5 + len(body), 5 + len(body)), (6 + len(body), 6 + len(body))]  # fmt: skip
    menu = ["Home", "About us", "Contact", "Our services and prices", "Frequently asked questions"]
    assert paragraph_spans(menu) == [(i, i) for i in range(5)]


def test_hard_wrapped_copy_of_a_paragraph_is_found(rng) -> None:
    shared = random_text(rng, 70)
    one_line = doc("a", random_text(rng, 50) + "\n" + shared + "\n" + random_text(rng, 40) + "\n")
    unique = random_text(rng, 60)
    wrapped_text = wrap([unique, shared])
    out, result = deduplicate([one_line, doc("b", wrapped_text)], PARAGRAPH)
    assert ("b", 1) in result.paragraphs and result.paragraphs[("b", 1)].duplicate_of == "a"
    assert out[1].text == textwrap.fill(unique, 78) + "\n"
    change = out[1].changes[-1]
    assert change.before == textwrap.fill(shared, 78)
    assert change.detail is not None and change.detail["last_line"] > change.line


def test_removing_a_paragraph_leaves_the_rest_byte_for_byte(rng) -> None:
    paras = [random_text(rng, n) for n in (45, 70, 55)]
    first = doc("first", wrap([paras[1]]))
    text = wrap(paras, 72).replace("\n\n", "\n  \n", 1)  # odd blank lines stay as they were
    out, _ = deduplicate([first, doc("second", text)], PARAGRAPH)
    blocks = text.split("\n  \n", 1)
    expected = blocks[0] + "\n  \n" + blocks[1].split("\n\n", 1)[1]
    assert out[1].text == expected


def test_short_common_lines_of_unrelated_texts_stay(rng) -> None:
    lines = ["— Ah !", "Yes, sir.", "— Oui, monsieur.", "CHAPTER I", "* * *", "— Eh bien ?"]
    docs = [doc(f"novel{k}", "\n".join([random_text(rng, 60), *lines, random_text(rng, 50)]) + "\n")
            for k in range(3)]  # fmt: skip
    out, result = deduplicate(docs, DedupConfig())
    assert result.paragraphs == {} and result.documents == {}
    assert [d.text for d in out] == [d.text for d in docs]
