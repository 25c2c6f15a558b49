"""`cleanse.fix.leaves_alone`: the lines the cleaning loop gives no ftfy call are lines that
`fix_line` gives back as they are, with no step."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.fix import PIECE_CHARS, fix_line, leaves_alone

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_every_ascii_character() -> None:
    for code in range(128):
        for text in (chr(code), f"a{chr(code)}b", f"Tom {chr(code)}amp; Jerry"):
            if leaves_alone(text):
                assert fix_line(text) == (text, []), repr(text)
    assert not leaves_alone("a\x0cb") and not leaves_alone("AT&T") and leaves_alone("a\tb")


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60))
def test_any_ascii_text(text: str) -> None:
    if leaves_alone(text):
        assert fix_line(text) == (text, [])


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(max_size=30))
def test_any_text(text: str) -> None:
    if leaves_alone(text):
        assert fix_line(text) == (text, [])


def test_real_lines_and_a_long_one() -> None:
    lines = [
        ln for p in sorted(SEEDS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").split("\n")
    ]
    lines.append("word " * (PIECE_CHARS // 2))
    skipped = 0
    for line in lines:
        if leaves_alone(line):
            skipped += 1
            assert fix_line(line) == (line, [])
    assert skipped > len(lines) // 2
