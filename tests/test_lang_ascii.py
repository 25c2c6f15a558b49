"""cleanse.lang splits an ASCII sample with `re` `[A-Za-z]+`: the very words `regex` `\\p{L}+` finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.lang import _ASCII_WORD_RE, _WORD_RE

ASCII = "".join(map(chr, range(128)))


def test_every_ascii_character_splits_the_same() -> None:
    text = " ".join(f"a{c}b{c}{c}Z" for c in ASCII)
    assert _ASCII_WORD_RE.findall(text) == _WORD_RE.findall(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_any_ascii_text_splits_the_same(text: str) -> None:
    assert _ASCII_WORD_RE.findall(text) == _WORD_RE.findall(text)
