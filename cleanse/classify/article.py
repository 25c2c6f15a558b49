"""The kind of a document (an extracted article or a raw page dump) and the treatment of articles:
only obvious furniture (share bars, counters with their word) is dropped from an article."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from cleanse.classify.config import ClassifyConfig
from cleanse.classify.context import (
    CUE_CODES,
    OWN_CHARS,
    OWN_CUE,
    OWN_END_PUNCT,
    OWN_PROSE,
    OWN_WORDS,
    PageRows,
    page_rows,
)
from cleanse.classify.features import LineFeatures
from cleanse.classify.lookalikes import reads_as_content
from cleanse.classify.score_table import ArticleScores
from cleanse.classify.verdict import LineVerdict

# Cues that only page furniture shows: a document with none of them is not a page dump.
_FURNITURE_CUES = frozenset({"nav", "share", "social", "notice", "tail"})
_FURNITURE_CODES = np.array(sorted(CUE_CODES[c] for c in _FURNITURE_CUES), dtype=np.float64)
# Cues that drop a line even in an extracted article: nothing a reader could miss.
_ARTICLE_CUES = frozenset({"share", "counter"})


def detect_kind(
    feats: Sequence[LineFeatures | None],
    cfg: ClassifyConfig,
    lines: Sequence[str] = (),
    rows: PageRows | None = None,
) -> str:
    """'article' for an extracted text (prose paragraphs, few and short runs of other lines, or
    no sign of page furniture at all); 'page' for a page dump. `rows`: the page's `page_rows`
    when the caller has them."""
    rows = page_rows(feats) if rows is None else rows
    own = rows.own
    chars, prose = own[:, OWN_CHARS], own[:, OWN_PROSE]
    # Two distinct labels repeated count as one furniture line (a changelog repeats 'Fixed').
    furniture = _repeated_labels(rows, lines) // 2
    furniture += int(np.isin(own[:, OWN_CUE], _FURNITURE_CODES).sum())
    # Sums of whole numbers of characters: exact in floats.
    total_chars = int(chars.sum())
    if total_chars == 0 or furniture < cfg.min_furniture_lines:
        # No menu, share bar, notice or 'Related' header, no label repeated (a menu in the header
        # and the footer): a text (a poem, a recipe, an interview), not a page dump, whatever the
        # shape of its lines.
        return "article"
    is_prose = prose >= cfg.min_prose
    prose_chars = int(chars[is_prose].sum())
    n_lines = len(own)
    # The runs of non-blank lines between two prose lines (and before the first, after the last).
    at = is_prose.nonzero()[0]
    runs = np.diff(np.concatenate(([-1], at, [n_lines]))) - 1
    longest = int(runs.max())
    in_runs = int(runs[runs > cfg.article_max_run].sum())
    if prose_chars / total_chars >= cfg.article_min_prose_chars and (
        longest <= cfg.article_max_run or in_runs <= cfg.article_max_run_share * n_lines
    ):
        # A novel's title page or table of contents is a long run of short lines, but a small
        # part of the book.
        return "article"
    return "page"


def _repeated_labels(rows: PageRows, lines: Sequence[str]) -> int:
    """How many distinct short lines (at most 4 words, no sentence end) occur twice or more: menu
    items and buttons a page dump repeats, in any language."""
    own = rows.own
    label = (own[:, OWN_WORDS] <= 4) & (own[:, OWN_END_PUNCT] != 1.0)
    idx = np.asarray(rows.idx, dtype=np.int64)[label]
    idx = idx[idx < len(lines)]  # only the lines given (none by default)
    keys = list(map(str.strip, map(lines.__getitem__, idx.tolist())))
    counts = Counter(keys).values()
    return int(np.count_nonzero(np.fromiter(counts, np.int64, len(counts)) > 1))


def article_verdicts(
    feats: Sequence[LineFeatures | None], lines: Sequence[str]
) -> list[LineVerdict]:
    """The verdict on each line of an extracted article: only obvious furniture is dropped. The
    scores (the line's own and `article` 1.0) are read from the page's table when asked for
    (cleanse.classify.score_table.ArticleScores)."""
    out: list[LineVerdict] = []
    add = out.append
    new, verdict = tuple.__new__, LineVerdict  # LineVerdict(...) without its Python frame
    table = ArticleScores(feats)
    for i, (f, text) in enumerate(zip(feats, lines, strict=True)):
        if f is None:
            add(new(verdict, (True, "blank", table, i)))
            continue
        cue = f.cue
        if cue in _ARTICLE_CUES and (
            cue != "counter" or (f.alpha_ratio > 0 and not reads_as_content(text))
        ):
            # A counter with its word ('12 comments', '1.2K'); a bare number or mark in a text
            # is a year, a footnote call '[5]' or a scene break '* * *', and a measure, a price
            # or an attribution ('86 x 54 x 6 mm', '$7 to $10', '— RD, 2023') is content.
            add(new(verdict, (False, cue, table, i)))
        else:
            add(new(verdict, (True, "article", table, i)))
    return out
