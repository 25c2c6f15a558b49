"""Per-line features for the boilerplate classifier: shape, punctuation, stop-word density and cues.

Everything here looks at one line only; the document context (neighbours, position, runs of
short lines) is the classifier's job. Cues are small multilingual word lists of what menus,
share bars, counters, bylines and credits say (cleanse.classify.patterns); they are evidence to
weigh, never a verdict alone.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from typing import NamedTuple

from cleanse.classify.patterns import (
    BULLET_RE,
    BYLINE_RE,
    CAP_START_RE,
    CJK_RE,
    CLOSERS,
    COMMENT_ACTIONS,
    COMMENT_META_RE,
    COMMENTS_ON_RE,
    COMMENTS_WORD_RE,
    COUNTER_RE,
    CREDIT_RE,
    CREDIT_WORDS,
    DATE_RE,
    DIGIT_RE,
    END_RE,
    FUNCTION_TAIL,
    IMAGE_FILE_RE,
    NAV_RE,
    NOTICE_RE,
    NOTICE_TRIGGER_RE,
    NOTICE_WORDS,
    SENT_END_RE,
    SENT_PUNCT,
    SEPARATOR_RE,
    SHARE_RE,
    SLIDE_RE,
    SOCIAL_RE,
    SOCIAL_WORDS,
    TAIL_RE,
    URL_RE,
    WORD_RE,
    YEAR_RE,
)

__all__ = ["WORD_RE", "LineFeatures", "clear_cache", "line_features", "lines_features"]

# Analyse at most this many characters of a line: a paragraph's first 800 characters say
# everything a feature needs, and it bounds the time spent on very long lines.
_MAX_SCAN = 800


class LineFeatures(NamedTuple):
    """What one line shows on its own; `prose` sums it up in [0, 1]. (A named tuple, immutable:
    built for every line of every page, it costs a third of a frozen dataclass.)"""

    n_chars: int
    n_words: float
    stop_ratio: float  # share of stop words among words; -1.0 when the language has no list
    end_punct: float  # 1 sentence end, 0.5 colon/semicolon, 0 none
    n_sentences: int
    cap_ratio: float
    digit_ratio: float
    alpha_ratio: float
    separators: int
    bullet: bool
    url: bool
    cue: str  # '' or one of: tail, share, nav, social, notice, byline, credit, date, counter
    prose: float
    # A 'tail' header after which nothing belongs to the article (comments, other articles).
    ends_article: bool = False
    comment_meta: bool = False  # a comment's 'Reply' link, 'X says:' or 'Name · date at time'
    links_header: bool = False  # a 'Related' / 'Read more' header (a 'tail' not about comments)
    slide: tuple[int, int] | None = None  # (k, n) of a slideshow counter 'k/n' opening the line


def _end_punct(text: str) -> float:
    stripped = text.rstrip(CLOSERS + " ")
    if not stripped:
        return 0.0
    last = stripped[-1]
    if last in SENT_PUNCT:
        return 1.0
    if last in ":;":
        return 0.5
    return 0.0


def _cue(
    low: str,
    text: str,
    words: list[str],
    n_words: float,
    digit_ratio: float,
    alpha_ratio: float,
) -> str:
    if n_words <= 8 and (TAIL_RE.match(low) or END_RE.match(low)):
        return "tail"
    if YEAR_RE.match(low):
        return ""  # a bare year: a table cell or a dateline more often than a counter
    if n_words <= 6 and (SHARE_RE.match(low) or NAV_RE.match(low)):
        return "nav" if NAV_RE.match(low) else "share"
    if n_words <= 4 and digit_ratio > 0 and COUNTER_RE.match(low):
        return "counter"
    if alpha_ratio < 0.35 and len(text) <= 40 and (digit_ratio > 0 or not words):
        # Digits and symbols ('12 ▲', '| • |'); not a line of dialogue such as '— Ah !', and a
        # dated heading ('2.4.0 - 2026-03-02') is a date.
        return "date" if digit_ratio > 0.05 and DATE_RE.search(low) else "counter"
    if (
        n_words <= 14
        and (not SOCIAL_WORDS.isdisjoint(words) or "newsletter" in low)
        and SOCIAL_RE.search(low)
    ):
        return "social"
    if (
        n_words <= 60
        and (
            not NOTICE_WORDS.isdisjoint(words) or "©" in low or "cookie" in low or "privacy" in low
        )
        and NOTICE_TRIGGER_RE.search(low)
        and NOTICE_RE.search(low)
    ):
        return "notice"
    if n_words <= 8 and BYLINE_RE.match(text) and _looks_like_name(text):
        return "byline"
    if (
        n_words <= 12
        and (not CREDIT_WORDS.isdisjoint(words) or _has_credit_name(low))
        and CREDIT_RE.search(text)
        and not SENT_END_RE.search(text[:-1] + " ")
    ):
        return "credit"
    if n_words <= 8 and "." in low and IMAGE_FILE_RE.search(low):
        return "credit"  # an image's file name: 'WEB18-Facebook-1160x768.jpg'
    if n_words <= 6 and digit_ratio > 0.05 and DATE_RE.search(low):
        return "date"
    return ""


def _slide(low: str) -> tuple[int, int] | None:
    """(k, n) when the line opens with a slideshow counter 'k/n' (1 <= k <= n, n >= 3)."""
    m = SLIDE_RE.match(low)
    if m is None:
        return None
    k, n = int(m.group(1)), int(m.group(2))
    return (k, n) if 1 <= k <= n and n >= 3 else None


def _has_credit_name(low: str) -> bool:
    """Agency names glued to the caption by the scrape ('New LeaderReuters TV')."""
    return any(map(low.__contains__, CREDIT_NAMES))


CREDIT_NAMES = ("reuters", "getty", "stock", "afp")


def _looks_like_name(text: str) -> bool:
    """A byline's tail is capitalised names, not a sentence ('By the time we left, ...')."""
    words = text.split()[1:]
    if not words or words[0].lower() in FUNCTION_TAIL:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w[:1] in "@(")
    return caps >= max(1, (len(words) + 1) // 2)


def line_features(line: str, stopwords: frozenset[str] | None) -> LineFeatures:
    """Compute the features of one stripped, non-empty line.

    >>> f = line_features("Share on Facebook", None)
    >>> (f.cue, f.prose < 0.3)
    ('social', True)
    """
    text = line[:_MAX_SCAN]
    n_chars = len(line)
    low = text.lower()
    words = WORD_RE.findall(low)
    ascii_text = text.isascii()
    n_cjk = len(CJK_RE.findall(text)) if not ascii_text else 0
    n_words = len(words) + n_cjk / 2.0 if n_cjk else float(len(words))
    if stopwords is None or not words or n_cjk > len(words):
        stop_ratio = -1.0
    else:
        stop_ratio = sum(map(stopwords.__contains__, words)) / len(words)
    # The same count as DIGIT_RE on ASCII text, without a regex pass.
    n_digits = (
        len(text) - len(text.translate(_NO_ASCII_DIGITS))
        if ascii_text
        else len(DIGIT_RE.findall(text))
    )
    n_alpha = len("".join(words)) + n_cjk
    scan_len = max(len(text), 1)
    digit_ratio = n_digits / scan_len
    alpha_ratio = n_alpha / scan_len
    if n_cjk * 3 >= scan_len:
        # CJK text has no spaces: a 'word' is a whole clause and its first letter, often a Latin
        # name ('DeepMind表示…'), says nothing about Title Case.
        cap_ratio = 0.0
    elif ascii_text:
        # On ASCII text a word opens with a capital exactly when CAP_START_RE matches there.
        n_raw = len(text.split())
        cap_ratio = len(CAP_START_RE.findall(text)) / n_raw if n_raw else 0.0
    else:
        raw_words = text.split()
        cap_ratio = sum([w[0].isupper() for w in raw_words]) / len(raw_words) if raw_words else 0.0
    end = _end_punct(text if n_chars <= _MAX_SCAN else line)
    n_sentences = (
        len(SENT_END_RE.findall(text))
        if not ascii_text or "." in text or "!" in text or "?" in text
        else 0
    )
    cue = _cue(low, text, words, n_words, digit_ratio, alpha_ratio)
    ends = (cue == "tail" and bool(END_RE.match(low))) or (
        n_words <= 20 and low[:1] in _COMMENTS_ON_FIRST and bool(COMMENTS_ON_RE.match(low))
    )
    if ends:
        cue = "tail"
    separators = len(SEPARATOR_RE.findall(text)) if _may_separate(text) else 0
    return LineFeatures(
        n_chars=n_chars,
        n_words=n_words,
        stop_ratio=stop_ratio,
        end_punct=end,
        n_sentences=n_sentences,
        cap_ratio=cap_ratio,
        digit_ratio=digit_ratio,
        alpha_ratio=alpha_ratio,
        separators=separators,
        bullet=bool(BULLET_RE.match(text)),
        url=_may_link(low) and bool(URL_RE.search(text)),
        cue=cue,
        ends_article=ends,
        comment_meta=n_words <= 14
        and (
            low in COMMENT_ACTIONS
            or (low[-1] in _META_LAST and COMMENT_META_RE.search(low) is not None)
        ),
        links_header=cue == "tail" and COMMENTS_WORD_RE.search(low) is None,
        slide=_slide(low) if low[:1].isdigit() and n_words <= 20 else None,
        prose=_prose(
            n_words, end, n_sentences, stop_ratio, cap_ratio, separators, alpha_ratio, cue
        ),
    )


_COMMENTS_ON_FIRST = frozenset("0123456789not")
_NO_ASCII_DIGITS = str.maketrans("", "", "0123456789")
_META_LAST = frozenset(":0123456789m")  # how COMMENT_META_RE's lines end

# Separator characters that count wherever they stand, and those that count only between spaces.
_SEPARATOR_CHARS = frozenset("|•▪·›»\t\xa0\u2009\u202f")  # noqa: RUF001 - separator characters on purpose


def _may_separate(text: str) -> bool:
    """Cheap necessary condition for SEPARATOR_RE: skips the regex on most lines of prose."""
    return (
        not _SEPARATOR_CHARS.isdisjoint(text)
        or " -" in text
        or " /" in text
        or " –" in text  # noqa: RUF001 - separator characters on purpose
        or text[0] in "/–-"  # noqa: RUF001 - separator characters on purpose
    )


def _may_link(low: str) -> bool:
    """Cheap necessary condition for URL_RE (on the lower-cased line)."""
    return (
        "://" in low
        or "www." in low
        or (
            "." in low
            and (
                ".com" in low
                or ".org" in low
                or ".net" in low
                or ".fr" in low
                or ".de" in low
                or ".co.uk" in low
                or ".io" in low
            )
        )
    )


_PROSE_PENALISED_CUES = frozenset(("tail", "share", "nav", "counter", "social", "notice", "byline"))


def _prose(
    n_words: float,
    end_punct: float,
    n_sentences: int,
    stop_ratio: float,
    cap_ratio: float,
    separators: int,
    alpha_ratio: float,
    cue: str,
) -> float:
    """Score how much a line reads like running prose (0 = label, 1 = sentence of a paragraph)."""
    length = min(max((n_words - 3.0) / 12.0, 0.0), 1.0)
    punct = max(end_punct, 0.6 if n_sentences >= 2 else 0.0)
    # No list for this language: a neutral 0.55.
    stop = 0.55 if stop_ratio < 0 else min(stop_ratio / 0.28, 1.0)
    # Title Case Lines Are Headlines Or Menus, sentences are mostly lower case.
    caps_penalty = max(cap_ratio - 0.45, 0.0) if n_words >= 4 else 0.0
    score = length * (0.3 + 0.35 * punct + 0.35 * stop) - caps_penalty
    if separators >= 2:
        score -= 0.15 * min(separators, 4)
    if alpha_ratio < 0.6:
        score -= 0.6 - alpha_ratio
    if cue in _PROSE_PENALISED_CUES:
        score -= 0.4
    return min(max(score, 0.0), 1.0)


# --- per-line cache -----------------------------------------------------------------------------
# Pages repeat lines (menus, share bars, footers), within a page and across the pages of a site:
# the features of a line depend only on its text and the stop-word list, so they are computed once.
# The cache is bounded by the characters it holds and emptied when full (deterministic: an entry
# is the same value `line_features` computes).
_CACHE_MAX_CHARS = 4_000_000
_NONES = itertools.repeat(None)
_BATCH_LINES = 8_192  # new lines computed at once (cleanse.classify.line_table)
_CACHE_MAX_LINE = 2_000  # longer lines are computed every time (rarely repeated, costly to hold)
_cache: dict[frozenset[str] | None, dict[str, LineFeatures]] = {}  # stop words -> line -> row
_cache_chars = 0
_HELD_LEN = _CACHE_MAX_LINE.__ge__  # a line this long or shorter is held in the cache


def lines_features(
    lines: Sequence[str], stopwords: frozenset[str] | None
) -> list[LineFeatures | None]:
    """`line_features` of each stripped line of a document (None for a blank line), computed once
    per distinct line, the lines not seen before all at once (cleanse.classify.line_table)."""
    from cleanse.classify.line_table import lines_table  # noqa: PLC0415 - it imports this module

    global _cache_chars
    cache = _cache.get(stopwords)
    if cache is None:
        cache = _cache[stopwords] = {}
    stripped = list(map(str.strip, lines))
    found = list(map(cache.get, stripped))
    new = dict.fromkeys(itertools.compress(stripped, map(operator.is_, found, _NONES)))
    new.pop("", None)  # blank lines have no features
    if new:
        todo = list(new)
        computed: dict[str, LineFeatures] = {}
        for start in range(0, len(todo), _BATCH_LINES):  # bounded memory on a huge page
            batch = todo[start : start + _BATCH_LINES]
            computed.update(zip(batch, lines_table(batch, stopwords), strict=True))
        held = list(itertools.compress(computed, map(_HELD_LEN, map(len, computed))))
        added = sum(map(len, held)) + 64 * len(held)
        if added <= _CACHE_MAX_CHARS:  # else a page of new lines alone would fill it: not kept
            if _cache_chars + added > _CACHE_MAX_CHARS:
                _cache.clear()
                cache = _cache[stopwords] = {}
                _cache_chars = 0
            cache.update(computed if len(held) == len(computed) else {s: computed[s] for s in held})
            _cache_chars += added
        return list(map(computed.get, stripped, found))  # a new line's row, else the cached one
    return found


def clear_cache() -> None:
    """Empty the per-line cache (benchmarks time cold runs)."""
    global _cache_chars
    _cache.clear()
    _cache_chars = 0
