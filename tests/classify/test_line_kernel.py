"""The compiled line pass (cleanse.classify.line_kernel) counts what the Python definitions count,
on every line it says it handled, for arbitrary Unicode lines; it hands back every line it cannot
count exactly; and its character tables are the definitions' own, character by character.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.classify import char_classes as cc
from cleanse.classify import features as lf
from cleanse.classify import line_kernel as lk
from cleanse.classify import patterns

FLAGS = {"the": 1, "share": 2, "privacy": 4 | 1, "photo": 8, "été": 1, "ǆx": 2, "σοφ": 8}
SCORES = {"the": 0.1, "share": -1.25, "été": 0.3, "because": 0.75, "zéro": -0.0, "ǆx": 2.5}
# Characters whose tests differ from their neighbours': letters, digits and spaces of several
# scripts, capitals, case changes that change length or depend on context, marks and closers.
TRICKY = (
    "aZé É ß ſ K İ ı Σ σ ς ǅ ǆ ⅷ Ⅷ ² ٣ ١ ０ _ \t\xa0\u2003\u3000\x1c\x85\u200b . ! ? … 。！？"
    " \" ' ” ’ » ) ] ） 」 』 】 * | • ▪ · › - / – — : w ©.com .co.uk www. :// 東 계 😀 \ud800"
)
LINES = st.lists(
    st.text(st.one_of(st.characters(), st.sampled_from(TRICKY)), min_size=1, max_size=60).map(
        str.strip
    ),
    min_size=1,
    max_size=20,
).map(lambda ls: [s for s in ls if s])


def _expected(text: str) -> list[int]:
    """The kernel's columns after HANDLED, from the features' Python definitions."""
    low = text.lower()
    words = patterns.WORD_RE.findall(low)
    split = text.split()
    flags = [FLAGS.get(w, 0) for w in words]
    cues = 0
    for f in flags:
        cues |= f
    return [
        len(words),
        sum(map(len, words)),
        len(patterns.DIGIT_RE.findall(text)),
        len(split),
        sum(w[0].isupper() for w in split),
        sum(f & lk.STOP_BIT for f in flags),
        cues,
        len(patterns.SENT_END_RE.findall(text)),
        int(lf._may_separate(text)),
        int(lf._may_link(low)),
    ]


def _bullet_kept(text: str, may_bullet: int) -> bool:
    """MAY_BULLET is a necessary condition of BULLET_RE.match."""
    return may_bullet == 1 or patterns.BULLET_RE.match(text) is None


def _expected_score(text: str) -> float:
    known = [SCORES[w] for w in patterns.WORD_RE.findall(text[:400].lower())[:40] if w in SCORES]
    return sum(known) / len(known) if known else 0.0


def _in_tables(text: str) -> bool:
    bits, _ = cc.char_classes()
    return all(ord(c) < cc.LIMIT and not bits[ord(c)] & cc.OUTSIDE for c in text)


@settings(max_examples=80, deadline=None)
@given(LINES)
def test_counts_equal_the_python_definitions(lines: list[str]) -> None:
    if not lines:
        return
    out = lk.line_counts(lines, FLAGS)
    for text, row in zip(lines, out.tolist(), strict=True):
        assert row[lk.HANDLED] == int(_in_tables(text))
        if row[lk.HANDLED]:
            assert row[1 : lk.MAY_BULLET] == _expected(text), text
            assert _bullet_kept(text, row[lk.MAY_BULLET]), text


@settings(max_examples=80, deadline=None)
@given(LINES)
def test_word_scores_equal_the_python_definition(lines: list[str]) -> None:
    if not lines:
        return
    scores, done = lk.line_scores(lines, SCORES, 40)
    for text, score, handled in zip(lines, scores.tolist(), done.tolist(), strict=True):
        assert handled == _in_tables(text)
        if handled:
            assert repr(score) == repr(_expected_score(text)), text


def test_fixed_lines_are_counted() -> None:
    lines = [
        "Share the privacy. Photo: Reuters",
        "Mr. Smith went to Washington. He said “no.” Then he left!",
        'He left." Then \'she\' said: "yes.") [end.] ok',
        "Home | News - Sport / x – y",
        "-- item",
        "- item",
        "(a) b",
        "b) c",
        "١. first",
        "visit WWW.Example.COM now",
        "L’ŒUVRE\xa0: 12 € — « Ça » fin…",
        "été " * 50,
        "ΟΔΟΣ",  # Σ: left to the caller
        "İstanbul",  # lower() gives two characters: left to the caller
        "東京",  # beyond the tables: left to the caller
    ]
    out = lk.line_counts(lines, FLAGS)
    assert out[:, lk.HANDLED].tolist() == [1] * 12 + [0] * 3
    assert out[:, lk.MAY_BULLET].tolist() == [0] * 4 + [0, 1, 1, 1, 1] + [0] * 6
    for text, row in zip(lines[:12], out[:12].tolist(), strict=True):
        assert row[1 : lk.MAY_BULLET] == _expected(text), text
    assert out[0, lk.CUE_BITS] == 1 | 2 | 4 | 8 and out[0, lk.N_STOP] == 2
    scores, _ = lk.line_scores(["the Share été " * 20], SCORES, 40)  # 60 words: the first 40
    assert repr(float(scores[0])) == repr(_expected_score("the Share été " * 20))


def test_tables_are_the_definitions() -> None:
    bits, lower = cc.char_classes()
    for cp in range(cc.LIMIT):
        c = chr(cp)
        b = int(bits[cp])
        assert bool(b & cc.LETTER) == bool(patterns.WORD_RE.fullmatch(c)), hex(cp)
        assert bool(b & cc.DIGIT) == bool(patterns.DIGIT_RE.fullmatch(c)), hex(cp)
        assert bool(b & cc.SPACE) == c.isspace(), hex(cp)
        assert bool(b & cc.RE_SPACE) == bool(re.fullmatch(r"\s", c)), hex(cp)
        assert bool(b & cc.UPPER) == c.isupper(), hex(cp)
        if not b & cc.OUTSIDE:
            assert chr(int(lower[cp])) == c.lower(), hex(cp)
        # A closer is what SENT_END_RE lets stand between a sentence mark and the space.
        closes = patterns.SENT_END_RE.fullmatch("." + c + " ") is not None
        assert bool(b & cc.CLOSER) == closes, hex(cp)
    assert all(ord(c) < cc.LIMIT for c in lf._SEPARATOR_CHARS)
    for c in cc.SENTENCE_CLOSERS:
        assert patterns.SENT_END_RE.fullmatch("." + c + " ") is not None
    assert cc.code_points(["ab", "", "😀"])[1].tolist() == [0, 2, 2, 3]
    # Two lone surrogates stay two code points: every later text keeps its offsets.
    cps, starts = cc.code_points(["a\ud83d\ude00b", "cd"])
    assert starts.tolist() == [0, 4, 6] and len(cps) == 6
