"""What a paragraph is: a run of lines joined by soft line breaks, found the same wrapped or not.

Text comes one line per paragraph (most extractors) or hard-wrapped at a fixed width (html2text,
mail, Project Gutenberg). A line break is *soft* when the text is hard-wrapped at some width `w`
and the next line's first word would not have fitted on the line before it: a greedy filler
broke there. A paragraph is a maximal run of non-blank lines joined by soft breaks; a blank line,
a hard break, or a line that opens a list item, heading, quote or table row always starts a new
one. In a text that is not hard-wrapped every non-blank line is its own paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

#: Widths a hard-wrapped text may have (html2text 78, textwrap 70, mail 72, Gutenberg ~70).
MIN_WIDTH = 50
MAX_WIDTH = 160
#: A width is the text's wrap width when at most this share of breakable lines is longer than it,
FULL_SLACK = 15  # and when enough lines end within this many characters of it (they are "full").
MIN_FULL_SHARE = 0.25
MIN_FULL_LINES = 3
MAX_OVER_SHARE = 0.02
#: A line opening one of these starts a paragraph even after a full line (Markdown-ish blocks).
BLOCK_START_RE = regex.compile(r"\s*(?:[*+•·‣▪–—-]\s|#{1,6}\s|>|\||\d{1,3}[.)]\s|\[\d+\]:)")


def _width(lengths: list[int], breakable: list[bool]) -> int | None:
    """The width the lines were wrapped at, or None when they were not hard-wrapped.

    `lengths` are those of the prose lines (0 for the others), `breakable` whether a line holds a
    space (a single long token, such as a URL, may pass the width in a wrapped text).

    >>> _width([78, 75, 77, 30, 76, 74, 12], [True] * 7)
    78
    >>> _width([300, 120, 80, 45], [True] * 4) is None
    True
    """
    n = sum(1 for x in lengths if x)
    if n < MIN_FULL_LINES:
        return None
    # Histograms up to MAX_WIDTH + 1 (longer lines counted in the last bin): one pass over lines.
    top = MAX_WIDTH + 1
    count = [0] * (top + 1)
    breakable_count = [0] * (top + 1)
    for x, b in zip(lengths, breakable, strict=True):
        if x:
            count[min(x, top)] += 1
            breakable_count[min(x, top)] += b
    over = sum(breakable_count[MIN_WIDTH + 1 :])  # breakable lines longer than w
    for w in range(MIN_WIDTH, MAX_WIDTH + 1):
        if w > MIN_WIDTH:
            over -= breakable_count[w]
        if over > MAX_OVER_SHARE * n:
            continue
        full = sum(count[max(0, w - FULL_SLACK + 1) : w + 1])
        if full >= max(MIN_FULL_LINES, MIN_FULL_SHARE * n):
            return w
        return None  # the narrowest width that holds the lines is not filled: not wrapped
    return None


def paragraph_spans(lines: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) line index of each paragraph of `lines` (see the module docstring).

    >>> text = ("word " * 15).strip()
    >>> lines = [text, "word word word", "", text, text, "word", "* item"]
    >>> paragraph_spans(lines)  # wrapped at 74: "word" did not fit after a 74-character line
    [(0, 1), (3, 5), (6, 6)]
    >>> paragraph_spans(["one line per paragraph", "another one", "", "and a third"])
    [(0, 0), (1, 1), (3, 3)]
    """
    stripped = [line.rstrip() for line in lines]
    # List items, headings and the like are often left unwrapped: only prose lines tell the width.
    lengths = [len(s) if s.strip() and not BLOCK_START_RE.match(s) else 0 for s in stripped]
    breakable = [" " in s.strip() for s in stripped]
    width = _width(lengths, breakable)
    spans: list[tuple[int, int]] = []
    for i, line in enumerate(stripped):
        if not line.strip():
            continue
        if width is not None and spans and spans[-1][1] == i - 1:
            before = stripped[i - 1]
            first_word = line.split(maxsplit=1)[0]
            soft = len(before) + 1 + len(first_word) > width and not BLOCK_START_RE.match(line)
            if soft:
                spans[-1] = (spans[-1][0], i)
                continue
        spans.append((i, i))
    return spans


def paragraph_texts(lines: Sequence[str]) -> list[str]:
    """The text of each paragraph: its lines joined by single spaces."""
    return [" ".join(s.strip() for s in lines[a : b + 1]) for a, b in paragraph_spans(lines)]
