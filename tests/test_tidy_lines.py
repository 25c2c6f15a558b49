"""rule_state.tidy_lines against the plain statement of what it does (the blank lines a drop would
leave doubled or at an end go; nothing else does)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.rule_state import tidy_lines


def _reference(rows: list[tuple[int, str, bool]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    gap = False
    for number, text, alive in rows:
        if not alive:
            gap = True
            continue
        blank = not text.strip()
        if blank and gap and (not out or not out[-1][1].strip()):
            continue
        out.append((number, text))
        if not blank:
            gap = False
    if gap:
        while out and not out[-1][1].strip():
            out.pop()
    return out


TEXTS = st.sampled_from(["", " ", "\t", "\u00a0", "\u2003 ", "\u200b", "a", " b ", "x\u00a0"])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(TEXTS, st.booleans()), max_size=12))
def test_tidy_lines_keeps_what_the_reference_keeps(rows: list[tuple[str, bool]]) -> None:
    numbered = [(k, text, alive) for k, (text, alive) in enumerate(rows, start=1)]
    assert tidy_lines(numbered) == _reference(numbered)
