"""The report's word diff: short texts exactly as difflib gives them, long ones aligned by
sentences first so that their cost stays bounded (a report on 40 MB of real duplicates spent
230 s in difflib before)."""

from __future__ import annotations

import difflib
import html
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from cleanse.report import diff
from cleanse.report.diff import DIRECT_WORK, tokens, word_diff

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def plain(rendered: str) -> str:
    """The text a side shows, without marks (cuts are off in these tests)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def marked(rendered: str, tag: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(rf"<{tag}>(.*?)</{tag}>", rendered, flags=re.S)]


def reference(before: str, after: str) -> tuple[str, str]:
    """The diff as written before pieces existed: difflib over all tokens at once."""
    a, b = tokens(before)[: diff.MAX_TOKENS], tokens(after)[: diff.MAX_TOKENS]
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    original = diff._opcodes
    try:
        diff._opcodes = lambda x, y: ops  # type: ignore[assignment]
        return word_diff(before, after)
    finally:
        diff._opcodes = original


def test_short_texts_are_diffed_as_before() -> None:
    rng = random.Random(7)
    words = "le la un chat chien . , « » the of and a".split()
    for _ in range(300):
        a = " ".join(rng.choice(words) for _ in range(rng.randint(0, 90)))
        b = " ".join(rng.choice(words) for _ in range(rng.randint(0, 90)))
        assert len(tokens(a)) * len(tokens(b)) <= DIRECT_WORK
        assert word_diff(a, b) == reference(a, b)


@pytest.fixture
def long_pair() -> tuple[str, str]:
    """A real article and its copy: re-wrapped at 60 columns, one word changed, a line added."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:2])
    words = text.split(" ")
    words[len(words) // 2] = "REMPLACÉ"
    copy, line = [], ""
    for word in re.split(r"[ \n]+", " ".join(words)):  # other spaces (no-break) stay as they are
        if len(line) + len(word) > 60:
            copy.append(line)
            line = ""
        line = f"{line} {word}" if line else word
    copy.append(line)
    copy.insert(len(copy) // 3, "Publicité : abonnez-vous à notre lettre.")
    return text, "\n".join(copy)


def test_long_texts_keep_every_character_and_mark_the_edits(long_pair, monkeypatch) -> None:
    before, after = long_pair
    assert len(tokens(before)) * len(tokens(after)) > DIRECT_WORK  # the piece path is taken
    sizes: list[int] = []
    real = difflib.SequenceMatcher

    def recording(isjunk, a, b, autojunk=True):
        sizes.append(len(a) * len(b))
        return real(isjunk, a, b, autojunk=autojunk)

    monkeypatch.setattr(difflib, "SequenceMatcher", recording)
    left, right = word_diff(before, after, shorten=False)
    assert max(sizes) <= DIRECT_WORK  # no comparison grows with the square of the whole text
    assert plain(left) == before
    assert plain(right) == after
    deleted = Counter(w for d in marked(left, "del") for w in d.split())
    inserted = Counter(w for d in marked(right, "ins") for w in d.split())
    # Words marked on both sides only moved across a space the re-wrapping changed; what is left
    # is the changed word and the added line.
    added = "REMPLACÉ Publicité : abonnez-vous à notre lettre.".split()
    assert inserted - deleted == Counter(added)
    assert sum((deleted - inserted).values()) <= 2  # the replaced word (with what was glued to it)


def test_identical_long_texts_are_one_unchanged_run(long_pair) -> None:
    before, _ = long_pair
    left, right = word_diff(before, before)
    assert "<del>" not in left and "<ins>" not in right
    assert left == right and left.count('class="cut"') == 1  # one run, shortened once
