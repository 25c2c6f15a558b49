"""The ftfy shortcuts change nothing: the lines cleaning gives no ftfy call are lines ftfy leaves
as they are.

Two claims, each checked against ftfy itself (not against our reading of it):
- `needs_fixing(text)` False: `ftfy.fix_and_explain(text, CORPUS_PROFILE)` gives `text` back;
- `leaves_alone(line)` True (the cleaning loop then makes no call at all): `fix_line` gives the
  line back with no step.
On real text kept in the repository, on generated text over the mojibake alphabets (UTF-8 bytes
read as cp1252, Latin-1, MacRoman, cp437, cp1250-1257 and ISO 8859-2, with the characters ftfy's
heuristics name), and on every code point in a few contexts.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import ftfy
from ftfy import chardata
from ftfy.badness import BADNESS_RE
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.fix import CORPUS_PROFILE, PIECE_CHARS, fix_line, leaves_alone, needs_fixing

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FTFY_CASES = ROOT / "tests" / "data" / "ftfy-cases.jsonl"
ENCODINGS = (
    "latin-1", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "iso-8859-2",
    "mac-roman", "cp437",
)  # fmt: skip


def _mojibake_alphabet() -> str:
    """Every character a byte 0x80-0xFF becomes in the encodings ftfy tries, with ftfy's own
    table of characters that mojibake is made of, French letters, quotes and ASCII around them."""
    chars = set()
    for encoding in ENCODINGS:
        chars |= set(bytes(range(0x80, 0x100)).decode(encoding, errors="ignore"))
    chars |= {c for c in "".join(_ftfy_categories()) if not c.isspace()}
    chars |= set("éèàçùâêîôûëïüÿœæÉÈÀÇ’‘“”«»–—…€™ ½²°×")
    chars |= set("aeAZlt .,;:!?'\"&<>#;0123456789\t\u00a0\u0301\u0327")
    return "".join(sorted(chars))


def _ftfy_categories() -> list[str]:
    from ftfy.badness import MOJIBAKE_CATEGORIES

    return list(MOJIBAKE_CATEGORIES.values())


MOJIBAKE = _mojibake_alphabet()


def ftfy_leaves(text: str) -> bool:
    return ftfy.fix_and_explain(text, CORPUS_PROFILE).text == text


def real_lines() -> list[str]:
    files = [*sorted(SEEDS.glob("*.txt")), ROOT / "README.md", ROOT / "benchmarks" / "README.md"]
    lines = [ln for p in files for ln in p.read_text(encoding="utf-8").split("\n")]
    for case in FTFY_CASES.read_text(encoding="utf-8").strip("\n").split("\n"):
        record = json.loads(case)
        lines += record["original"].split("\n") + record["fixed"].split("\n")
    return lines


def check_document(lines: list[str]) -> int:
    """Assert the claims on the lines of one document; the number of lines left alone."""
    left_alone = 0
    for line in lines:
        if leaves_alone(line):
            left_alone += 1
            assert fix_line(line) == (line, []), repr(line)
        if not needs_fixing(line):
            assert ftfy_leaves(line), repr(line)
    return left_alone


def test_real_lines() -> None:
    lines = real_lines()
    assert len(lines) > 3_000
    assert check_document(lines) > len(lines) // 2
    assert sum(not needs_fixing(line) for line in lines) > 0.9 * len(lines)


def test_every_ascii_character() -> None:
    for code in range(128):
        char = chr(code)
        check_document([char, f"a{char}b", f"Tom {char}amp; Jerry", "plain"])
    assert not leaves_alone("a\x0cb") and not leaves_alone("AT&T") and leaves_alone("a\tb")


@settings(max_examples=800, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet=MOJIBAKE, max_size=24), max_size=6))
def test_documents_over_the_mojibake_alphabets(lines: list[str]) -> None:
    check_document(lines)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.binary(max_size=16), min_size=1, max_size=4), st.sampled_from(ENCODINGS))
def test_utf8_read_in_a_single_byte_encoding(chunks: list[bytes], encoding: str) -> None:
    """Real mojibake: French UTF-8 with random bytes, read with another encoding."""
    lines = [
        ("été à Noël " + chunk.decode("utf-8", errors="replace"))
        .encode("utf-8")
        .decode(encoding, errors="replace")
        for chunk in chunks
    ]
    check_document(lines)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.text(max_size=30), max_size=5))
def test_documents_of_any_characters(lines: list[str]) -> None:
    check_document(lines)


def test_line_ends_and_long_lines() -> None:
    # "Ã " was "à" before its no-break space became a space; "Ã" alone is no sign of it.
    assert (
        needs_fixing("voilÃ le travail") and not needs_fixing("voilÃ") and not needs_fixing("été")
    )
    long = "mot " * (PIECE_CHARS // 2)
    assert leaves_alone(long) and not leaves_alone(long + "é")
    check_document([long, "été", long + "é", "e\u0301"])


def test_every_code_point_in_context() -> None:
    """For each assigned code point (private planes 15-16 aside): wherever the shortcut says
    ftfy has nothing to do, ftfy's badness test (what its encoding repair starts from) finds
    nothing, or ftfy leaves the text as it is. The only character badness flags alone among ASCII
    is "œ"/"Œ" before a non-letter, and ftfy leaves that."""
    flagged = set()
    for code in range(0xF0000):
        char = chr(code)
        if unicodedata.category(char) == "Cn":
            continue
        for text in (f"a{char} b", f"{char}.", f"été {char}"):
            if needs_fixing(text):
                continue
            if BADNESS_RE.search(text):
                flagged.add(char)
                assert ftfy_leaves(text), (hex(code), text)
    assert flagged == {"Œ", "œ"}
    # The tables the shortcut reads from ftfy are the ones this version of ftfy uses.
    assert set(chardata.LIGATURES) and set(chardata.CONTROL_CHARS)
