"""Word-level differences between two texts, as escaped HTML with <del> and <ins> marks.

Long unchanged stretches are shortened to their ends around a "…", so an edit in a long
paragraph shows with its context and not the whole paragraph.
"""

from __future__ import annotations

import difflib
import html

import regex

TOKEN_RE = regex.compile(r"\s+|\w+|[^\w\s]")
CONTEXT = 24  # tokens kept on each side of an edit
LONG_RUN = 80  # unchanged runs shorter than this are shown whole
MAX_TOKENS = 4000  # each side; past it the rest is shown as cut


def tokens(text: str) -> list[str]:
    """Words, spaces and single punctuation marks, which joined give the text back.

    >>> tokens("Le « chat », 2")
    ['Le', ' ', '«', ' ', 'chat', ' ', '»', ',', ' ', '2']
    """
    return TOKEN_RE.findall(text)


def _escape(parts: list[str]) -> str:
    return html.escape("".join(parts))


def _shorten(parts: list[str], at_start: bool, at_end: bool) -> str:
    """An unchanged run of tokens, cut in the middle when long."""
    keep_left = 0 if at_start else CONTEXT
    keep_right = 0 if at_end else CONTEXT
    if len(parts) <= max(LONG_RUN, keep_left + keep_right + 4):
        return _escape(parts)
    left = _escape(parts[:keep_left])
    right = _escape(parts[len(parts) - keep_right :]) if keep_right else ""
    return f'{left}<span class="cut">…</span>{right}'


def word_diff(before: str, after: str, shorten: bool = True) -> tuple[str, str]:
    """The two texts as HTML, words only in `before` in <del>, words only in `after` in <ins>.

    >>> word_diff("a <b> c", "a c")
    ('a <del>&lt;b&gt; </del>c', 'a c')
    """
    a, b = tokens(before), tokens(after)
    cut_a, cut_b = len(a) > MAX_TOKENS, len(b) > MAX_TOKENS
    a, b = a[:MAX_TOKENS], b[:MAX_TOKENS]
    left: list[str] = []
    right: list[str] = []
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            if shorten:
                text_a = _shorten(a[i1:i2], n == 0, n == len(ops) - 1)
                text_b = _shorten(b[j1:j2], n == 0, n == len(ops) - 1)
            else:
                text_a, text_b = _escape(a[i1:i2]), _escape(b[j1:j2])
            left.append(text_a)
            right.append(text_b)
            continue
        if i2 > i1:
            left.append(f"<del>{_escape(a[i1:i2])}</del>")
        if j2 > j1:
            right.append(f"<ins>{_escape(b[j1:j2])}</ins>")
    more = '<span class="cut"> … (cut)</span>'
    return "".join(left) + (more if cut_a else ""), "".join(right) + (more if cut_b else "")


def removed_line(text: str, limit: int = 600) -> str:
    """A dropped line, escaped and marked as removed, cut after `limit` characters.

    >>> removed_line("<script>x</script>")
    '<span class="dropped">&lt;script&gt;x&lt;/script&gt;</span>'
    """
    shown = text if len(text) <= limit else text[:limit] + "…"
    return f'<span class="dropped">{html.escape(shown)}</span>'
