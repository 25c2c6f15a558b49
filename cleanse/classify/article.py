"""The kind of a document (an extracted article or a raw page dump) and the treatment of articles:
only obvious furniture (share bars, counters with their word) is dropped from an article."""

from __future__ import annotations

from collections.abc import Sequence

from cleanse.classify.config import ClassifyConfig
from cleanse.classify.features import LineFeatures
from cleanse.classify.lookalikes import reads_as_content
from cleanse.classify.score_table import ArticleScores
from cleanse.classify.verdict import LineVerdict

# Cues that only page furniture shows: a document with none of them is not a page dump.
_FURNITURE_CUES = frozenset({"nav", "share", "social", "notice", "tail"})
# Cues that drop a line even in an extracted article: nothing a reader could miss.
_ARTICLE_CUES = frozenset({"share", "counter"})


def detect_kind(
    feats: Sequence[LineFeatures | None], cfg: ClassifyConfig, lines: Sequence[str] = ()
) -> str:
    """'article' for an extracted text (prose paragraphs, few and short runs of other lines, or
    no sign of page furniture at all); 'page' for a page dump."""
    total_chars = prose_chars = n_lines = in_runs = 0
    # Two distinct labels repeated count as one furniture line (a changelog repeats 'Fixed').
    furniture = _repeated_labels(feats, lines) // 2
    run = longest = 0
    min_prose, max_run, furniture_cues = cfg.min_prose, cfg.article_max_run, _FURNITURE_CUES
    for f in feats:
        if f is None:
            continue
        total_chars += f.n_chars
        furniture += f.cue in furniture_cues
        n_lines += 1
        if f.prose >= min_prose:
            prose_chars += f.n_chars
            in_runs += run if run > max_run else 0
            run = 0
        else:
            run += 1
            if run > longest:
                longest = run
    in_runs += run if run > max_run else 0
    if total_chars == 0 or furniture < cfg.min_furniture_lines:
        # No menu, share bar, notice or 'Related' header, no label repeated (a menu in the header
        # and the footer): a text (a poem, a recipe, an interview), not a page dump, whatever the
        # shape of its lines.
        return "article"
    if prose_chars / total_chars >= cfg.article_min_prose_chars and (
        longest <= cfg.article_max_run or in_runs <= cfg.article_max_run_share * n_lines
    ):
        # A novel's title page or table of contents is a long run of short lines, but a small
        # part of the book.
        return "article"
    return "page"


def _repeated_labels(feats: Sequence[LineFeatures | None], lines: Sequence[str]) -> int:
    """How many distinct short lines (at most 4 words, no sentence end) occur twice or more: menu
    items and buttons a page dump repeats, in any language."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for f, line in zip(feats, lines, strict=False):
        if f is None or f.n_words > 4 or f.end_punct == 1.0:
            continue
        key = line.strip()
        if key in seen:
            repeated.add(key)
        seen.add(key)
    return len(repeated)


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
