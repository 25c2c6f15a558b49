"""The line features of many lines at once, column by column: what `features.line_features`
computes for one line, as one C-level pass (a regex or a string method mapped over the lines) or
one numpy operation per feature, instead of some thirty Python steps per line.

Each column follows the per-line reference exactly: the same patterns (or ones proved to match
the same, with a faster opening), the same gates, the same float operations in the same order, so
every row equals `line_features` of its line. The counts per character (words, letters, stop
and cue words, digits, capitals, sentence ends) and the gates of the separator, link and bullet
regexes come from one compiled pass over the batch (cleanse.classify.line_kernel) for the lines
it handles; the few others (CJK, emoji, Σ, İ) from the regexes.
`tests/classify/test_line_table.py` and `benchmarks/classify_hash.py` (the `page-features` digest) check the equality on real pages.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Sequence

import numpy as np

from cleanse.classify import features as lf
from cleanse.classify import patterns
from cleanse.classify.features import LineFeatures

_FIRST = operator.itemgetter(0)
_LAST = operator.itemgetter(-1)
# features._may_link as one search (the same conditions).
_MAY_LINK_RE = re.compile(r"://|www\.|\.(?:com|org|net|fr|de|co\.uk|io)")
_END_VALUE = {**dict.fromkeys(patterns.SENT_PUNCT, 1.0), ":": 0.5, ";": 0.5}
_TAIL_CHARS = patterns.CLOSERS + " "

_REPEAT_ZERO = itertools.repeat(0)

# features.SENT_END_RE opening with one set of marks (the engine then skips to the next mark at
# once); the look-behind picks the branch the mark belongs to.
_SENT_END_RE = re.compile(
    r"[.!?…。！？](?:(?<=[.!?…])[\"'”’»)\]）」』】]*(?:\s|$)|(?<=[。！？])[\"'”’»)\]）」』】]*)"
)

_STOP, _SOCIAL, _NOTICE, _CREDIT = 1, 2, 4, 8
_word_flags: dict[frozenset[str] | None, dict[str, int]] = {}


def _flags_for(stopwords: frozenset[str] | None) -> dict[str, int]:
    """word -> bits: a stop word of the page's language, a social, notice or credit cue word."""
    table = _word_flags.get(stopwords)
    if table is None:
        table = {}
        for bit, words in (
            (_STOP, stopwords or ()),
            (_SOCIAL, patterns.SOCIAL_WORDS),
            (_NOTICE, patterns.NOTICE_WORDS),
            (_CREDIT, patterns.CREDIT_WORDS),
        ):
            for w in words:
                table[w] = table.get(w, 0) | bit
        if len(_word_flags) > 16:
            _word_flags.clear()
        _word_flags[stopwords] = table
    return table


def _counts(pattern: re.Pattern[str], values: list[str]) -> np.ndarray:
    """Matches of `pattern` in each value."""
    return np.array(list(map(len, map(pattern.findall, values))), dtype=np.int64)


def _rows(where: np.ndarray) -> np.ndarray:
    """Indexes of the true elements of a boolean column (np.flatnonzero without its wrappers,
    whose cost shows on pages of a few dozen lines)."""
    return where.nonzero()[0]


def _bools(values: Iterable[object]) -> np.ndarray:
    return np.fromiter(values, dtype=bool)


def _hits(
    test: object, values: Sequence[str], where: np.ndarray, n: int, invert: bool = False
) -> np.ndarray:
    """Boolean column: `test(value)` is truthy (falsy with `invert`), evaluated on `where` only."""
    out = np.zeros(n, dtype=bool)
    idx = _rows(where)
    if len(idx):
        subset = list(map(values.__getitem__, idx.tolist()))
        flags = _bools(map(bool, map(test, subset)))  # type: ignore[call-overload]
        out[idx] = ~flags if invert else flags
    return out


def _py_max(a: np.ndarray, b: float) -> np.ndarray:
    """Python's max(a, b) per element: a unless b is greater."""
    return np.where(b > a, b, a)


def _py_min(a: np.ndarray, b: float) -> np.ndarray:
    """Python's min(a, b) per element: a unless b is smaller."""
    return np.where(b < a, b, a)


def lines_table(lines: Sequence[str], stopwords: frozenset[str] | None) -> list[LineFeatures]:
    """`line_features` of each of `lines` (stripped, non-empty), computed column by column."""
    n = len(lines)
    if n == 0:
        return []
    lens = list(map(len, lines))
    long = max(lens) > lf._MAX_SCAN
    texts = [s[: lf._MAX_SCAN] for s in lines] if long else list(lines)
    lows = list(map(str.lower, texts))

    # Words (of the lower-cased text), letters, stop and cue words, digits, capitals opening a
    # whitespace-separated word, sentence ends, the separator and link tests: the compiled pass
    # (cleanse.classify.line_kernel) for the lines it handles, the others (a character from
    # the CJK blocks on, or one whose lower case is not one character) by regex.
    from cleanse.classify import line_kernel  # here: numba loads with the first page classified

    counted = line_kernel.line_counts(texts, _flags_for(stopwords))
    handled = counted[:, line_kernel.HANDLED] > 0
    n_list = counted[:, line_kernel.N_WORDS].copy()
    n_alpha_words = counted[:, line_kernel.N_LETTERS].copy()
    n_digits = counted[:, line_kernel.N_DIGITS].copy()
    n_raw = counted[:, line_kernel.N_SPLIT].copy()
    n_upper = counted[:, line_kernel.N_CAPITALS].astype(np.float64)
    n_sentences = counted[:, line_kernel.N_SENTENCES].copy()
    maybe_sep = counted[:, line_kernel.MAY_SEPARATE] > 0
    may_link = counted[:, line_kernel.MAY_LINK] > 0
    may_bullet = (counted[:, line_kernel.MAY_BULLET] > 0) | ~handled
    cue_bits = counted[:, line_kernel.CUE_BITS]
    stop_n = counted[:, line_kernel.N_STOP].astype(np.float64)
    other = _rows(~handled).tolist()  # the lines the compiled pass left to the regexes
    n_cjk = np.zeros(n, dtype=np.int64)
    if other:
        _count_others(
            other, texts, lows, stopwords, n_list, n_alpha_words, n_digits, n_raw, n_upper,
            stop_n, cue_bits,
        )  # fmt: skip
        o_texts = [texts[i] for i in other]
        n_sentences[other] = _counts(_SENT_END_RE, o_texts)
        maybe_sep[other] = _bools(map(lf._may_separate, o_texts))
        may_link[other] = _bools(map(bool, map(_MAY_LINK_RE.search, [lows[i] for i in other])))
        n_cjk[other] = _counts(patterns.CJK_RE, o_texts)
    social_w = (cue_bits & _SOCIAL) > 0
    notice_w = (cue_bits & _NOTICE) > 0
    credit_w = (cue_bits & _CREDIT) > 0

    n_words = n_list + n_cjk / 2.0  # n_cjk == 0: float(len(words)), the same value
    if stopwords is None:
        stop_ratio = np.full(n, -1.0)
    else:
        no_ratio = (n_list == 0) | (n_cjk > n_list)
        stop_ratio = np.where(no_ratio, -1.0, stop_n / np.maximum(n_list, 1))
    n_alpha = n_alpha_words + n_cjk
    scan_len = np.maximum(np.minimum(np.asarray(lens), lf._MAX_SCAN), 1)
    digit_ratio = n_digits / scan_len
    alpha_ratio = n_alpha / scan_len

    cap_ratio = np.where(n_raw > 0, n_upper / np.maximum(n_raw, 1), 0.0)
    cap_ratio = np.where(n_cjk * 3 >= scan_len, 0.0, cap_ratio)

    tails = list(map(str.rstrip, lines, itertools.repeat(_TAIL_CHARS)))
    lasts = map(str.__getitem__, tails, itertools.repeat(slice(-1, None)))
    end = np.array(list(map(_END_VALUE.get, lasts, itertools.repeat(0.0))), dtype=np.float64)

    cue, ends = _cues(
        texts, lows, n, n_words, n_list, digit_ratio, alpha_ratio, social_w, notice_w, credit_w
    )
    firsts = list(map(_FIRST, lows))
    on = (n_words <= 20) & _bools(map(lf._COMMENTS_ON_FIRST.__contains__, firsts))
    ends = ends | (on & _hits(patterns.COMMENTS_ON_RE.match, lows, on, n))
    for i in _rows(ends).tolist():
        cue[i] = "tail"
    separators = np.zeros(n, dtype=np.int64)
    sep_idx = _rows(maybe_sep)
    if len(sep_idx):
        separators[sep_idx] = list(
            map(len, map(patterns.SEPARATOR_RE.findall, [texts[i] for i in sep_idx.tolist()]))
        )
    bullet = _hits(patterns.BULLET_RE.match, texts, may_bullet, n)
    url = _hits(patterns.URL_RE.search, texts, may_link, n)
    short14 = n_words <= 14
    actions = _bools(map(patterns.COMMENT_ACTIONS.__contains__, lows))
    meta_last = _bools(map(lf._META_LAST.__contains__, map(_LAST, lows)))
    comment_meta = short14 & (
        actions | _hits(patterns.COMMENT_META_RE.search, lows, short14 & ~actions & meta_last, n)
    )
    cue_arr = np.array(cue, dtype=object)
    is_tail = cue_arr == "tail"
    links_header = _hits(patterns.COMMENTS_WORD_RE.search, lows, is_tail, n, invert=True)
    slide_rows = _rows(_bools(map(str.isdigit, firsts)) & (n_words <= 20)).tolist()
    slides: list[tuple[int, int] | None] = [None] * n
    for i in slide_rows:
        slides[i] = lf._slide(lows[i])

    prose = _prose(
        n_words, end, n_sentences, stop_ratio, cap_ratio, separators, alpha_ratio, cue_arr
    )
    return list(
        map(
            tuple.__new__,
            itertools.repeat(LineFeatures),
            zip(
                lens,
                n_words.tolist(),
                stop_ratio.tolist(),
                end.tolist(),
                n_sentences.tolist(),
                cap_ratio.tolist(),
                digit_ratio.tolist(),
                alpha_ratio.tolist(),
                separators.tolist(),
                bullet.tolist(),
                url.tolist(),
                cue,
                prose.tolist(),
                ends.tolist(),
                comment_meta.tolist(),
                links_header.tolist(),
                slides,
                strict=True,
            ),
        )
    )


def _count_others(
    rows: list[int],
    texts: list[str],
    lows: list[str],
    stopwords: frozenset[str] | None,
    n_list: np.ndarray,
    n_alpha_words: np.ndarray,
    n_digits: np.ndarray,
    n_raw: np.ndarray,
    n_upper: np.ndarray,
    stop_n: np.ndarray,
    cue_bits: np.ndarray,
) -> None:
    """The compiled pass's counts of the lines it left (`rows`), by regex, into the columns."""
    o_lows = [lows[i] for i in rows]
    o_texts = [texts[i] for i in rows]
    words_o = list(map(patterns.WORD_RE.findall, o_lows))
    counts = np.array(list(map(len, words_o)), dtype=np.int64)
    n_list[rows] = counts
    n_alpha_words[rows] = list(map(len, map("".join, words_o)))
    n_digits[rows] = list(map(len, map(patterns.DIGIT_RE.findall, o_texts)))
    raw = list(map(str.split, o_texts))
    raw_counts = np.array(list(map(len, raw)), dtype=np.int64)
    n_raw[rows] = raw_counts
    firsts_up = np.array(
        list(map(str.isupper, map(_FIRST, itertools.chain.from_iterable(raw)))), dtype=np.float64
    )
    n_upper[rows] = np.bincount(
        np.repeat(np.arange(len(rows)), raw_counts), weights=firsts_up, minlength=len(rows)
    )
    words_flat = list(itertools.chain.from_iterable(words_o))
    flags = np.array(list(map(_flags_for(stopwords).get, words_flat, _REPEAT_ZERO)), np.int64)
    word_line = np.repeat(np.asarray(rows, dtype=np.int64), counts)
    stop_n += np.bincount(word_line, weights=(flags & _STOP) > 0, minlength=len(stop_n))
    np.bitwise_or.at(cue_bits, word_line, flags)


def _cues(
    texts: list[str],
    lows: list[str],
    n: int,
    n_words: np.ndarray,
    n_list: np.ndarray,
    digit_ratio: np.ndarray,
    alpha_ratio: np.ndarray,
    social_w: np.ndarray,
    notice_w: np.ndarray,
    credit_w: np.ndarray,
) -> tuple[list[str], np.ndarray]:
    """features._cue and the 'ends the article' test, as columns: each test in the reference's
    order, on the lines no earlier test decided."""
    cue = [""] * n
    open_ = np.ones(n, dtype=bool)  # lines whose cue is not decided yet

    def decide(where: np.ndarray, name: str | None) -> None:
        nonlocal open_
        where = where & open_
        if name is not None:
            for i in _rows(where).tolist():
                cue[i] = name
        open_ = open_ & ~where

    le8, le6, le4 = n_words <= 8, n_words <= 6, n_words <= 4
    end_m = _hits(patterns.END_RE.match, lows, le8, n)
    tail = le8 & (_hits(patterns.TAIL_RE.match, lows, le8 & ~end_m, n) | end_m)
    decide(tail, "tail")
    four = np.array(list(map(len, lows)), dtype=np.int64) == 4  # YEAR_RE matches 4 characters
    decide(open_ & _hits(patterns.YEAR_RE.match, lows, open_ & four, n), None)
    nav = _hits(patterns.NAV_RE.match, lows, open_ & le6, n)
    share = _hits(patterns.SHARE_RE.match, lows, open_ & le6 & ~nav, n)
    decide(open_ & nav, "nav")
    decide(open_ & share, "share")
    decide(
        open_ & _hits(patterns.COUNTER_RE.match, lows, open_ & le4 & (digit_ratio > 0), n),
        "counter",
    )
    lens40 = np.fromiter(map(len, texts), dtype=np.int64, count=n) <= 40
    symbols = open_ & (alpha_ratio < 0.35) & lens40 & ((digit_ratio > 0) | (n_list == 0))
    dated = _hits(patterns.DATE_RE.search, lows, symbols & (digit_ratio > 0.05), n)
    decide(symbols & dated, "date")
    decide(symbols, "counter")
    le14 = open_ & (n_words <= 14)
    newsletter = _contains_any(lows, le14 & ~social_w, n, ("newsletter",))
    decide(
        le14 & _hits(patterns.SOCIAL_RE.search, lows, le14 & (social_w | newsletter), n), "social"
    )
    le60 = open_ & (n_words <= 60)
    hint = le60 & ~notice_w
    hint = hint & _contains_any(lows, hint, n, ("©", "cookie", "privacy"))
    gate = le60 & (notice_w | hint)
    gate = gate & _hits(patterns.NOTICE_TRIGGER_RE.search, lows, gate, n)
    decide(gate & _hits(patterns.NOTICE_RE.search, lows, gate, n), "notice")
    by = open_ & le8
    by = by & _hits(patterns.BYLINE_RE.match, texts, by, n)
    decide(by & _hits(lf._looks_like_name, texts, by, n), "byline")
    cr = open_ & (n_words <= 12)
    cr = cr & (credit_w | _contains_any(lows, cr & ~credit_w, n, lf.CREDIT_NAMES))
    cr = cr & _hits(patterns.CREDIT_RE.search, texts, cr, n)
    decide(cr & _hits(_sentence_end_inside, texts, cr, n, invert=True), "credit")
    img = open_ & le8 & _contains_any(lows, open_ & le8, n, (".",))
    decide(img & _hits(patterns.IMAGE_FILE_RE.search, lows, img, n), "credit")
    dt = open_ & le6 & (digit_ratio > 0.05)
    decide(dt & _hits(patterns.DATE_RE.search, lows, dt, n), "date")

    return cue, tail & end_m


def _contains_any(
    values: Sequence[str], where: np.ndarray, n: int, parts: Sequence[str]
) -> np.ndarray:
    """Boolean column: the value holds one of `parts`, evaluated on `where` only. The values
    are searched joined by a separator no part holds, so no occurrence spans two values: each
    occurrence is that of the value it lies in (one scan of the text per part instead of a call
    per value and part)."""
    out = np.zeros(n, dtype=bool)
    idx = _rows(where)
    if len(idx):
        subset = list(map(values.__getitem__, idx.tolist()))
        sep = "\n" if not any("\n" in part for part in parts) else "\x00"
        if any(sep in part for part in parts):  # no separator to use: value by value
            found = np.zeros(len(subset), dtype=bool)
            for part in parts:
                found |= _bools(map(operator.contains, subset, itertools.repeat(part)))
            out[idx] = found
            return out
        joined = sep.join(subset)
        # ends[k]: one past the separator after value k; an offset's value is the first end
        # above it.
        ends = np.cumsum(np.fromiter(map(len, subset), np.int64, len(subset)) + 1)
        for part in parts:
            at = list(map(_START, re.finditer(re.escape(part), joined)))
            if at:
                out[idx[np.searchsorted(ends, at, side="right")]] = True
    return out


_START = operator.methodcaller("start")


def _sentence_end_inside(text: str) -> bool:
    return patterns.SENT_END_RE.search(text[:-1] + " ") is not None


def _prose(
    n_words: np.ndarray,
    end_punct: np.ndarray,
    n_sentences: np.ndarray,
    stop_ratio: np.ndarray,
    cap_ratio: np.ndarray,
    separators: np.ndarray,
    alpha_ratio: np.ndarray,
    cue: np.ndarray,
) -> np.ndarray:
    """features._prose per element, with the same operations in the same order."""
    length = _py_min(_py_max((n_words - 3.0) / 12.0, 0.0), 1.0)
    punct = _py_max(end_punct, 0.0)
    punct = np.where(n_sentences >= 2, _py_max(end_punct, 0.6), punct)
    stop = np.where(stop_ratio < 0, 0.55, _py_min(stop_ratio / 0.28, 1.0))
    caps_penalty = np.where(n_words >= 4, _py_max(cap_ratio - 0.45, 0.0), 0.0)
    score = length * (0.3 + 0.35 * punct + 0.35 * stop) - caps_penalty
    sep = np.minimum(separators, 4)
    score = np.where(separators >= 2, score - 0.15 * sep, score)
    score = np.where(alpha_ratio < 0.6, score - (0.6 - alpha_ratio), score)
    penalised = _bools(map(lf._PROSE_PENALISED_CUES.__contains__, cue.tolist()))
    score = np.where(penalised, score - 0.4, score)
    return _py_min(_py_max(score, 0.0), 1.0)
