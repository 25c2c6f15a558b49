"""Word-level differences between two texts, as escaped HTML with <del> and <ins> marks.

Long unchanged stretches are shortened to their ends around a "…", so an edit in a long
paragraph shows with its context and not the whole paragraph. Long texts are aligned sentence by
sentence before words are compared, so that a report on long duplicate documents takes
milliseconds, not minutes (see `_opcodes`).
"""

from __future__ import annotations

import difflib
import html

import regex

TOKEN_RE = regex.compile(r"\s+|\w+|[^\w\s]")
CONTEXT = 24  # tokens kept on each side of an edit
LONG_RUN = 80  # unchanged runs shorter than this are shown whole
MAX_TOKENS = 4000  # each side; past it the rest is shown as cut
# Token pairs (len(a) * len(b)) up to which two texts, or two aligned pieces of them, are compared
# token by token in one go. difflib's matcher revisits every position of a repeated token, and a
# space is every other token: two 4,000-token documents took it 6 s, and a report on 40 MB of
# real duplicates 230 s. Shorter texts (every rule change, most paragraphs) are diffed as before.
DIRECT_WORK = 40_000
# A long text is cut into pieces after a sentence's end (and at least every this many words), and
# pieces are aligned by their words alone, so a re-wrapped copy still lines up piece by piece.
PIECE_WORDS = 100
_SENTENCE_END = frozenset(".!?…。！？")


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
    ops = _opcodes(a, b)
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


Opcode = tuple[str, int, int, int, int]


def _opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """difflib's opcodes from `a` to `b`; for long texts, piece by piece (pieces of sentences).

    Texts within DIRECT_WORK get difflib's own answer. Longer ones are cut into pieces
    (`_pieces`), the pieces aligned by their words, and the tokens of aligned pieces compared;
    a run of changed pieces is compared token by token when small enough, pairwise when both
    sides have as many pieces, and shown as deleted and inserted otherwise.

    >>> _opcodes(["a", " ", "b"], ["a", " ", "c"])
    [('equal', 0, 2, 0, 2), ('replace', 2, 3, 2, 3)]
    """
    if len(a) * len(b) <= DIRECT_WORK:
        return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    pa, pb = _pieces(a), _pieces(b)
    keys_a = [" ".join(t for t in a[s:e] if not t.isspace()) for s, e in pa]
    keys_b = [" ".join(t for t in b[s:e] if not t.isspace()) for s, e in pb]
    ops: list[Opcode] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, keys_a, keys_b, autojunk=False
    ).get_opcodes():
        a1 = pa[i1][0] if i1 < len(pa) else len(a)
        a2 = pa[i2 - 1][1] if i2 > i1 else a1
        b1 = pb[j1][0] if j1 < len(pb) else len(b)
        b2 = pb[j2 - 1][1] if j2 > j1 else b1
        if tag == "equal" or (
            tag == "replace" and i2 - i1 == j2 - j1 and (a2 - a1) * (b2 - b1) > DIRECT_WORK
        ):
            for (s1, e1), (s2, e2) in zip(pa[i1:i2], pb[j1:j2], strict=True):
                ops += _compare(a, b, s1, e1, s2, e2)
        else:
            ops += _compare(a, b, a1, a2, b1, b2)
    return _merge(ops)


def _compare(a: list[str], b: list[str], a1: int, a2: int, b1: int, b2: int) -> list[Opcode]:
    """Opcodes of a[a1:a2] against b[b1:b2] (in the whole texts' positions)."""
    if a1 == a2 and b1 == b2:
        return []
    if a[a1:a2] == b[b1:b2]:
        return [("equal", a1, a2, b1, b2)]
    if a1 == a2 or b1 == b2:
        return [("insert" if a1 == a2 else "delete", a1, a2, b1, b2)]
    if (a2 - a1) * (b2 - b1) > DIRECT_WORK:  # too long for difflib: keep the common ends
        head = 0
        while a1 + head < a2 and b1 + head < b2 and a[a1 + head] == b[b1 + head]:
            head += 1
        tail = 0
        while (
            a2 - tail > a1 + head and b2 - tail > b1 + head and a[a2 - tail - 1] == b[b2 - tail - 1]
        ):
            tail += 1
        middle = (a2 - tail - a1 - head) * (b2 - tail - b1 - head)
        inner = (
            _compare(a, b, a1 + head, a2 - tail, b1 + head, b2 - tail)
            if middle <= DIRECT_WORK
            else [("replace", a1 + head, a2 - tail, b1 + head, b2 - tail)]
        )
        ends = [("equal", a1, a1 + head, b1, b1 + head)] if head else []
        ends_after = [("equal", a2 - tail, a2, b2 - tail, b2)] if tail else []
        return ends + inner + ends_after
    matcher = difflib.SequenceMatcher(None, a[a1:a2], b[b1:b2], autojunk=False)
    return [
        (tag, i1 + a1, i2 + a1, j1 + b1, j2 + b1) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _merge(ops: list[Opcode]) -> list[Opcode]:
    """Adjacent equal runs joined into one, so that shortening sees the whole unchanged run."""
    merged: list[Opcode] = []
    for op in ops:
        if merged and op[0] == "equal" and merged[-1][0] == "equal":
            last = merged[-1]
            merged[-1] = ("equal", last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return merged


def _pieces(toks: list[str]) -> list[tuple[int, int]]:
    """(start, end) token ranges covering `toks`: each ends with the space after a sentence's
    end, or after PIECE_WORDS words; spaces never decide a cut, so re-wrapping moves none.

    >>> _pieces(tokens("One. Two three! Four"))
    [(0, 3), (3, 8), (8, 9)]
    """
    pieces, start, words = [], 0, 0
    for i, tok in enumerate(toks):
        if not tok.isspace():
            words += 1
            continue
        if i > start and (toks[i - 1] in _SENTENCE_END or words >= PIECE_WORDS):
            pieces.append((start, i + 1))
            start, words = i + 1, 0
    if start < len(toks):
        pieces.append((start, len(toks)))
    return pieces


def removed_line(text: str, limit: int = 600) -> str:
    """A dropped line, escaped and marked as removed, cut after `limit` characters.

    >>> removed_line("<script>x</script>")
    '<span class="dropped">&lt;script&gt;x&lt;/script&gt;</span>'
    """
    shown = text if len(text) <= limit else text[:limit] + "…"
    return f'<span class="dropped">{html.escape(shown)}</span>'
