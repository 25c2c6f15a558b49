"""Generic boilerplate line classifier for plain text: `classify_lines` says, per line, keep or drop.

It first decides what kind of document it sees (an extracted article with a little residue, or a
raw page dump), then, on pages, finds the content regions and judges each line by its own features
and by its place: inside a region a short line is a heading or a list item, outside it is furniture.
Page context on top: the header that ends the article (comments, other articles), link boxes under
'Related' headers, slideshows, and leads cut off from the body by a player. On pages the fitted
line model (cleanse.classify.model) then decides from the rule pass's verdicts and the context
features, under the guard (cleanse.classify.guard): a page is never emptied nor gutted of its prose.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cleanse.classify.context import feature_matrix
from cleanse.classify.features import LineFeatures, lines_features
from cleanse.classify.guard import PROTECTED_WORDS, page_keeps, unsure_keeps
from cleanse.classify.lookalikes import reads_as_content
from cleanse.classify.model import DEFAULT_MODEL, LineModel
from cleanse.classify.regions import find_regions
from cleanse.classify.stopwords import stopwords_for
from cleanse.classify.wordscore import word_scores
from cleanse.errors import ConfigError
from cleanse.lang import detect_language

MODES = ("auto", "article", "page", "off")
# Cues that drop a line even inside a content region (a share bar between two paragraphs).
_HARD_CUES = frozenset(
    {"tail", "share", "nav", "counter", "social", "notice", "byline", "credit", "date"}
)
# Cues that only page furniture shows: a document with none of them is not a page dump.
_FURNITURE_CUES = frozenset({"nav", "share", "social", "notice", "tail"})
# Cues that drop a line even in an extracted article: nothing a reader could miss.
_ARTICLE_CUES = frozenset({"share", "counter"})


@dataclass(frozen=True, slots=True)
class ClassifyConfig:
    """Settings of the line classifier; the defaults are safe on articles and on raw pages.

    `mode`: 'auto' detects the kind of document, 'article' only drops obvious furniture, 'page'
    always looks for content regions, 'off' keeps everything.
    """

    mode: str = "auto"
    min_prose: float = 0.5  # a line at least this prose-like anchors a content region
    gap_penalty: float = 0.7  # weight of a non-prose line when finding regions
    cue_penalty: float = 1.2  # weight of a line with a furniture cue
    min_region_score: float = 1.5
    min_region_share: float = 0.35  # a secondary region must score this share of the best one
    near_lines: int = 15  # ... or lie at most this many lines from it
    article_max_run: int = 5  # longest run of non-prose lines an extracted article may show
    article_min_prose_chars: float = 0.7  # share of characters in prose lines of an article
    article_max_run_share: float = 0.25  # ... or at most this share of its lines in longer runs
    outside_min_prose: float = 0.9  # outside regions keep only long, clearly prose lines
    outside_min_words: int = 40
    tail_penalty: float = 4.0  # weight of a 'related'/'comments' header when finding regions
    continue_share: float = 0.5  # prose below an ending header, as a share of the article above,
    # that shows the article goes on (a 'Recommended' box inside the text)
    min_furniture_lines: int = 1  # lines of menus, share bars, notices a page dump shows at least
    min_table_numeric: float = 0.25  # share of numeric lines that makes a short-line run a table
    guess_lang: bool = True  # for lang 'und' or unknown codes, guess from stop words
    # On page dumps the fitted model decides (cleanse.classify.model, fitted on wcxb-dev and
    # readability-pages): it beats the rule pass on sites it never saw and guts far fewer pages
    # (benchmarks/README.md). False: the rule pass alone, the explained fallback.
    use_model: bool = True
    threshold: float | None = None  # the model's keep threshold; None: the fitted one

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            msg = f"ClassifyConfig.mode must be one of {MODES}, got {self.mode!r}"
            raise ConfigError(msg)
        for name in (
            "min_prose",
            "min_region_share",
            "article_min_prose_chars",
            "article_max_run_share",
            "outside_min_prose",
            "continue_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                msg = f"ClassifyConfig.{name} must be in [0, 1], got {value!r}"
                raise ConfigError(msg)
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            msg = f"ClassifyConfig.threshold must be in [0, 1] or None, got {self.threshold!r}"
            raise ConfigError(msg)
        if self.article_max_run < 0 or self.outside_min_words < 0:
            msg = "ClassifyConfig.article_max_run and outside_min_words must be >= 0"
            raise ConfigError(msg)


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """The classifier's decision on one line: keep it or not, why, and the scores behind it."""

    keep: bool
    reason: str
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """The number behind the verdict: the model's content probability when the model
        decided, else how prose-like the line is (None for a blank line or mode 'off')."""
        value = self.scores.get("p_content", self.scores.get("prose"))
        return None if value is None else round(value, 4)


def classify_lines(
    lines: Sequence[str],
    lang: str,
    config: ClassifyConfig | None = None,
    *,
    model: LineModel | None = None,
) -> list[LineVerdict]:
    """Classify each line of one document as content (keep) or boilerplate (drop).

    `lines` are the document's lines, blank ones included; the result is aligned with them.
    `model` replaces the shipped line model (benchmarks fit one per cross-validation fold).

    >>> page = ["Home", "News", "Sport", "Weather", "Contact", "Sign in",
    ...         "The council voted on Tuesday to close the old bridge to cars, after an "
    ...         "inspection found that two of its supports had cracked during the winter.",
    ...         "Share on Facebook"]
    >>> [v.keep for v in classify_lines(page, "en")]
    [False, False, False, False, False, False, True, False]
    """
    cfg = config or ClassifyConfig()
    if cfg.mode == "off":
        return [LineVerdict(True, "off") for _ in lines]
    stops = _stopwords(lines, lang, cfg)
    feats = lines_features(lines, stops)
    mode = cfg.mode if cfg.mode != "auto" else _detect_kind(feats, cfg, lines)
    if mode == "article":
        return _never_empty(
            [_article_verdict(f, line) for f, line in zip(feats, lines, strict=True)]
        )
    lay = page_layout(feats, cfg)
    rules = rule_verdicts(feats, lay, cfg)
    model = model or DEFAULT_MODEL
    idx = [i for i, f in enumerate(feats) if f is not None]
    proba = None
    if cfg.use_model and model is not None:
        x, idx = page_matrix(lines, feats, lay, rules, model.words)
        proba = model.proba(x)
    threshold = (
        (model.threshold if model is not None else 0.5)
        if cfg.threshold is None
        else (cfg.threshold)
    )
    return _decide(feats, rules, idx, proba, threshold)


def _decide(
    feats: Sequence[LineFeatures | None],
    rules: list[LineVerdict],
    idx: list[int],
    proba: np.ndarray | None,
    threshold: float,
) -> list[LineVerdict]:
    """The verdicts on a page dump: the model's (or the rule pass's) keep decisions under the
    guard (cleanse.classify.guard), each with its reason and scores."""
    prose = np.array([feats[i].prose for i in idx])  # type: ignore[union-attr]
    chars = np.array([feats[i].n_chars for i in idx], dtype=np.float64)  # type: ignore[union-attr]
    rule_keep = [rules[i].keep for i in idx]
    words = [feats[i].n_words for i in idx]  # type: ignore[union-attr]
    protected = np.array(
        [rules[i].reason == "content" and w >= PROTECTED_WORDS for i, w in zip(idx, words)],
        dtype=bool,
    )
    keeps = page_keeps(rule_keep, proba, threshold, prose, chars, protected)
    wanted = rule_keep if proba is None else (proba >= threshold).tolist()
    unsure = (
        unsure_keeps(proba, chars, threshold)
        if proba is not None
        else np.zeros(len(idx), dtype=bool)
    )
    out = list(rules)
    # Plain lists: indexing a numpy array one element at a time costs more than the loop's work.
    p_content = list(map(round, proba.tolist(), itertools.repeat(4))) if proba is not None else []
    unsure_l, protected_l = unsure.tolist(), protected.tolist()
    for n, i in enumerate(idx):
        rule, keep = rules[i], keeps[n]
        scores = rule.scores
        if proba is not None:
            scores["p_content"] = p_content[n]
            scores["threshold"] = threshold
        if keep and not wanted[n] and not (proba is not None and protected_l[n]):
            # The model was unsure of the whole page (kept for its expected content), or the
            # page would lose most of its prose.
            reason = "guard-unsure" if unsure_l[n] else "guard-prose"
        elif keep == rule.keep:
            reason = rule.reason
        else:  # the model overrules the rule pass
            reason = "model-content" if keep else "model-boilerplate"
        if keep != rule.keep or reason != rule.reason:  # else the rule's verdict, scores added
            out[i] = LineVerdict(keep, reason, scores)
    return _never_empty(out)


def _never_empty(out: list[LineVerdict]) -> list[LineVerdict]:
    """`out`, or every line kept (reason `guard-all-dropped`) when it keeps no non-blank line:
    nothing looks like content, and the classifier has no ground to empty a document."""
    if any(v.keep and v.reason != "blank" for v in out) or all(v.reason == "blank" for v in out):
        return out
    return [v if v.keep else LineVerdict(True, "guard-all-dropped", v.scores) for v in out]


def page_features(
    lines: Sequence[str], lang: str, config: ClassifyConfig | None = None
) -> tuple[np.ndarray, list[int], list[LineVerdict], str]:
    """The model's input for one document: (feature rows, their line indexes, the rule pass's
    verdicts, the detected kind), as `benchmarks/fit_classifier.py` needs it."""
    cfg = config or ClassifyConfig()
    stops = _stopwords(lines, lang, cfg)
    feats = lines_features(lines, stops)
    kind = _detect_kind(feats, cfg, lines)
    lay = page_layout(feats, cfg)
    rules = rule_verdicts(feats, lay, cfg)
    x, idx = page_matrix(lines, feats, lay, rules)
    return x, idx, rules, kind


def page_matrix(
    lines: Sequence[str],
    feats: Sequence[LineFeatures | None],
    lay: PageLayout,
    rules: Sequence[LineVerdict],
    words: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, list[int]]:
    """Feature rows of the non-blank lines, and their indexes in `lines` (`words`: the model's
    word table, see cleanse.classify.wordscore)."""
    idx = [i for i, f in enumerate(feats) if f is not None]
    texts = [lines[i].strip() for i in idx]
    x = feature_matrix(
        texts,
        [feats[i] for i in idx],  # type: ignore[misc]
        [lay.weights[i] for i in idx],
        [lay.runs[i] for i in idx],
        [lay.tables[i] for i in idx],
        [lay.list_runs[i] for i in idx],
        [lay.region_rank[i] for i in idx],
        lay.region_scores,
        [rules[i].keep for i in idx],
        [rules[i].reason for i in idx],
        word_scores(texts, words or {}),
    )
    return x, idx


# Characters of a page the language guess reads when the caller gives none: more than a run's
# first guess (cleanse.lang.SAMPLE_CHARS), as a page dump's head is often all menu.
GUESS_SAMPLE_CHARS = 20_000


def _stopwords(lines: Sequence[str], lang: str, cfg: ClassifyConfig) -> frozenset[str] | None:
    stops = stopwords_for(lang or "und")
    if stops is None and cfg.guess_lang:
        sample = "\n".join(itertools.islice((x for x in lines if x.strip()), 400))
        stops = stopwords_for(detect_language(sample, GUESS_SAMPLE_CHARS))
    return stops


def _detect_kind(
    feats: Sequence[LineFeatures | None], cfg: ClassifyConfig, lines: Sequence[str] = ()
) -> str:
    """'article' for an extracted text (prose paragraphs, few and short runs of other lines, or
    no sign of page furniture at all); 'page' for a page dump."""
    total_chars = prose_chars = n_lines = in_runs = 0
    # Two distinct labels repeated count as one furniture line (a changelog repeats 'Fixed').
    furniture = _repeated_labels(feats, lines) // 2
    run = longest = 0
    for f in feats:
        if f is None:
            continue
        total_chars += f.n_chars
        furniture += f.cue in _FURNITURE_CUES
        n_lines += 1
        if f.prose >= cfg.min_prose:
            prose_chars += f.n_chars
            in_runs += run if run > cfg.article_max_run else 0
            run = 0
        else:
            run += 1
            longest = max(longest, run)
    in_runs += run if run > cfg.article_max_run else 0
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


def _scores(f: LineFeatures, **extra: float) -> dict[str, float]:
    scores = {"prose": f.prose, "words": f.n_words, "stop": f.stop_ratio, "end_punct": f.end_punct}
    scores.update(extra)
    return scores


def _article_verdict(f: LineFeatures | None, text: str) -> LineVerdict:
    if f is None:
        return LineVerdict(True, "blank")
    if f.cue in _ARTICLE_CUES and (
        f.cue != "counter" or (f.alpha_ratio > 0 and not reads_as_content(text))
    ):
        # A counter with its word ('12 comments', '1.2K'); a bare number or mark in a text is a
        # year, a footnote call '[5]' or a scene break '* * *', and a measure, a price or an
        # attribution ('86 x 54 x 6 mm', '$7 to $10', '— RD, 2023') is content.
        return LineVerdict(False, f.cue, _scores(f, article=1.0))
    return LineVerdict(True, "article", _scores(f, article=1.0))


# Cues of furniture that sits next to the article (dropped anyway): cheap when finding regions, so
# a byline or a share bar does not cut the lead paragraph off the body.
_SOFT_CUES = frozenset({"byline", "credit", "date", "share", "social"})


def _weight(
    f: LineFeatures | None, run: int, list_run: int, table: bool, cfg: ClassifyConfig
) -> float:
    """Weight of a line when finding regions: prose counts by length, other lines by their run."""
    if f is None:
        return 0.0
    if f.prose >= cfg.min_prose and f.cue not in _HARD_CUES:
        # Longer paragraphs carry more evidence, with diminishing returns.
        return f.prose * math.log1p(f.n_words / 6.0)
    if list_run >= 3 and f.n_words >= 2 and not f.cue:
        return 0.1  # an item of a bulleted list
    if f.cue == "tail":
        return -cfg.tail_penalty  # related links or comments follow: the article ended
    if table and f.cue in ("", "counter", "date"):
        return -0.05  # a cell of a table: names and numbers in turn
    if f.cue in _SOFT_CUES and run <= 4:
        return -0.2
    if f.cue and f.cue != "counter":
        return -cfg.cue_penalty
    # A lone short line between paragraphs is a heading; twenty in a row are a menu.
    return -cfg.gap_penalty * (1.0 - f.prose) * min(1.0, run / 4.0)


@dataclass(slots=True)
class PageLayout:
    """What the rule pass sees on a page: line weights, runs of short lines, tables, bulleted
    runs, the content regions (rank of each line's region, -1 outside) and the region titles."""

    weights: list[float]
    runs: list[int]
    tables: list[bool]
    list_runs: list[int]
    region_rank: list[int]
    region_scores: list[float]
    titles: set[int]
    end: int  # the line that ends the article (a comments or related header), or len(lines)
    gallery: list[bool]  # lines of a slideshow: counters 'k/n' with their captions and credits
    boxes: list[bool]  # the links under a 'Related' / 'Read more' header inside a region


def page_layout(feats: Sequence[LineFeatures | None], cfg: ClassifyConfig) -> PageLayout:
    """Run the hand-set rule pass: weigh every line and find the content regions."""
    runs, tables = _short_runs(feats, cfg)
    list_runs = _bullet_runs(feats)
    weights = [_weight(f, runs[i], list_runs[i], tables[i], cfg) for i, f in enumerate(feats)]
    gallery = _slideshows(feats)
    if any(gallery):
        # A slideshow's captions are prose but not the article's: they neither make a region
        # nor cut one (the text often goes on below the slideshow).
        weights = [0.0 if g else w for w, g in zip(weights, gallery, strict=True)]
    regions = _near_regions(
        feats, find_regions(weights, cfg.min_region_score, 0.0, max_regions=12), cfg
    )
    end = _article_end(feats, weights, regions, cfg)
    if end < len(feats):
        # Nothing after a comment section's or a related block's header belongs to the article.
        regions = [(a, min(b, end), sc) for a, b, sc in regions if a < end]
    rank = [-1] * len(feats)
    titles: set[int] = set()
    for k, (start, stop, _score) in enumerate(regions):
        rank[start:stop] = [k] * (stop - start)
        title = _title_before(feats, start, runs)
        if title is not None:
            titles.add(title)
    scores = [r[2] for r in regions]
    boxes = _boxes(feats, rank, weights)
    return PageLayout(weights, runs, tables, list_runs, rank, scores, titles, end, gallery, boxes)


def _near_regions(
    feats: Sequence[LineFeatures | None],
    candidates: Sequence[tuple[int, int, float]],
    cfg: ClassifyConfig,
) -> list[tuple[int, int, float]]:
    """Keep the best region and every candidate scoring `min_region_share` of it, or lying close
    above or below it (at most `near_lines` lines apart, no 'Related'/'Comments' header between):
    a lead paragraph cut off from the body by a video player or a share bar."""
    if not candidates:
        return []
    best = candidates[0]
    out = [best]
    for cand in candidates[1:]:
        if cand[2] >= cfg.min_region_share * best[2]:
            out.append(cand)
            continue
        lo, hi = (cand[1], best[0]) if cand[1] <= best[0] else (best[1], cand[0])
        between = [f for f in feats[lo:hi] if f is not None]
        if len(between) <= cfg.near_lines and not any(f.cue == "tail" for f in between):
            out.append(cand)
    return out


def _article_end(
    feats: Sequence[LineFeatures | None],
    weights: Sequence[float],
    regions: Sequence[tuple[int, int, float]],
    cfg: ClassifyConfig,
) -> int:
    """Index of the first header that ends the article (comments, other articles) after the start
    of the best region, or len(feats) when there is none.

    A header is not the end when the article goes on below it: a 'Recommended' box inside the
    text is followed by more paragraphs, as long as what came before, without the furniture of
    comments ('Reply', 'X says:', dated signatures).
    """
    if not regions:
        return len(feats)
    start = regions[0][0]
    for i in range(start + 1, len(feats)):
        f = feats[i]
        if f is None or not f.ends_article:
            continue
        before = sum(w for w in weights[start:i] if w > 0)
        if not _continues(feats, weights, i + 1, before, cfg):
            return i
    return len(feats)


def _continues(
    feats: Sequence[LineFeatures | None],
    weights: Sequence[float],
    start: int,
    before: float,
    cfg: ClassifyConfig,
) -> bool:
    """Whether a stretch of prose below `start`, before the next ending header, weighs as much as
    `before` (the article above) and shows no comment furniture."""
    prose = 0.0
    for j in range(start, len(feats)):
        g = feats[j]
        if g is None:
            continue
        if g.ends_article or g.comment_meta:
            return False
        if weights[j] > 0:
            prose += weights[j]
            if prose >= max(before * cfg.continue_share, cfg.min_region_score):
                return True
    return False


def rule_verdicts(
    feats: Sequence[LineFeatures | None], lay: PageLayout, cfg: ClassifyConfig
) -> list[LineVerdict]:
    """The rule pass's verdict on each line of a page (also the model's strongest feature)."""
    out: list[LineVerdict] = []
    add = out.append
    rank, weights, runs, end = lay.region_rank, lay.weights, lay.runs, lay.end
    gallery, boxes, tables, titles = lay.gallery, lay.boxes, lay.tables, lay.titles
    min_prose, outside_prose = cfg.min_prose, cfg.outside_min_prose
    outside_words = cfg.outside_min_words
    for i, f in enumerate(feats):
        if f is None:
            add(LineVerdict(True, "blank"))
            continue
        in_region = rank[i] >= 0
        # _scores(f, weight=..., region=...), written out: this runs for every line of a page.
        scores = {
            "prose": f.prose,
            "words": f.n_words,
            "stop": f.stop_ratio,
            "end_punct": f.end_punct,
            "weight": weights[i],
            "region": float(in_region),
        }
        cue = f.cue
        if gallery[i]:
            add(LineVerdict(False, "slideshow", scores))
        elif boxes[i]:
            add(LineVerdict(False, "related-box", scores))
        elif in_region:
            if tables[i] and cue in ("counter", "date"):
                add(LineVerdict(True, "table-cell", scores))
            elif cue in _HARD_CUES and f.prose < outside_prose:
                add(LineVerdict(False, cue, scores))
            elif f.prose >= min_prose:
                add(LineVerdict(True, "content", scores))
            else:
                add(LineVerdict(True, "in-region", scores))
        else:
            scores["run"] = float(runs[i])
            if i >= end and not cue:
                scores["after_end"] = float(i - end)
                add(LineVerdict(False, "after-end", scores))
            elif i in titles:
                add(LineVerdict(True, "title", scores))
            elif cue:
                add(LineVerdict(False, cue, scores))
            elif f.prose >= outside_prose and f.n_words >= outside_words:
                add(LineVerdict(True, "prose-outside", scores))
            elif runs[i] >= 5:
                add(LineVerdict(False, "menu-run", scores))
            elif f.prose >= min_prose:
                add(LineVerdict(False, "prose-orphan", scores))
            else:
                add(LineVerdict(False, "short-orphan", scores))
    return out


def _boxes(
    feats: Sequence[LineFeatures | None],
    rank: Sequence[int],
    weights: Sequence[float],
    max_lines: int = 10,
) -> list[bool]:
    """Mark the link boxes inside regions: the short lines right under a 'Related', 'Read more' or
    'Recommended' header, up to the next paragraph, a numbered or bulleted line (the article's
    own list goes on) or `max_lines` lines."""
    marks = [False] * len(feats)
    for i, f in enumerate(feats):
        if f is None or not f.links_header or rank[i] < 0:
            continue
        seen = 0
        j = i + 1
        while j < len(feats) and seen < max_lines:
            g = feats[j]
            if g is not None:
                if weights[j] > 0 or g.bullet:
                    break
                seen += 1
            j += 1
        if j < len(feats) and seen < max_lines:  # the box closes before the region goes on
            marks[i + 1 : j] = [True] * (j - i - 1)
    return marks


def _slideshows(feats: Sequence[LineFeatures | None], min_slides: int = 3) -> list[bool]:
    """Mark the slideshows of a page: from the first to the last of at least `min_slides` counters
    'k/n' of the same n, going up, plus the caption lines that follow the last one (as many as
    the typical gap between two counters)."""
    marks = [False] * len(feats)
    by_total: dict[int, list[tuple[int, int]]] = {}
    for i, f in enumerate(feats):
        if f is not None and f.slide is not None:
            by_total.setdefault(f.slide[1], []).append((i, f.slide[0]))
    for hits in by_total.values():
        if len({k for _, k in hits}) < min_slides:
            continue
        ups = sum(1 for (_, a), (_, b) in itertools.pairwise(hits) if b > a)
        if ups < (len(hits) - 1) * 0.8:
            continue  # not a sequence: dates or scores that happen to share a denominator
        gaps = sorted(j - i for (i, _), (j, _) in itertools.pairwise(hits))
        first, last = hits[0][0], hits[-1][0] + gaps[len(gaps) // 2]
        marks[first : min(last, len(feats))] = [True] * (min(last, len(feats)) - first)
    return marks


def _title_before(
    feats: Sequence[LineFeatures | None], start: int, runs: Sequence[int]
) -> int | None:
    """The headline of a region: a heading-like line just above it, past a byline, a dateline or
    share buttons (a lead paragraph cut off from its title by page furniture)."""
    seen = 0
    i = start - 1
    while i >= 0 and seen < 4:
        f = feats[i]
        i -= 1
        if f is None:
            continue
        seen += 1
        if f.cue in _SOFT_CUES or (f.separators >= 2 and f.digit_ratio > 0.05):
            continue
        if f.cue or not 3 <= f.n_words <= 25 or (f.end_punct == 1.0 and f.n_words > 12):
            return None
        return i + 1
    return None


def _short_runs(
    feats: Sequence[LineFeatures | None], cfg: ClassifyConfig
) -> tuple[list[int], list[bool]]:
    """For each line, the length of the run of consecutive non-prose lines it belongs to (0 for
    prose), and whether that run looks like a table (numbers mixed with labels) rather than a menu.
    """
    runs = [0] * len(feats)
    tables = [False] * len(feats)
    i = 0
    n = len(feats)
    while i < n:
        f = feats[i]
        if f is None or f.prose >= cfg.min_prose:
            i += 1
            continue
        j = i
        while j < n and (feats[j] is None or feats[j].prose < cfg.min_prose):  # type: ignore[union-attr]
            j += 1
        members = [g for g in feats[i:j] if g is not None]
        numeric = sum(1 for g in members if g.digit_ratio >= 0.15)
        table = len(members) >= 4 and cfg.min_table_numeric * len(members) <= numeric < len(members)
        for k in range(i, j):
            runs[k] = len(members)
            tables[k] = table
        i = j
    return runs, tables


def _bullet_runs(feats: Sequence[LineFeatures | None]) -> list[int]:
    """Length of the run of consecutive bulleted lines each line belongs to (0 if not bulleted)."""
    runs = [0] * len(feats)
    i = 0
    n = len(feats)
    while i < n:
        f = feats[i]
        if f is None or not f.bullet:
            i += 1
            continue
        j = i
        while j < n and (feats[j] is None or feats[j].bullet):  # type: ignore[union-attr]
            j += 1
        length = sum(1 for k in range(i, j) if feats[k] is not None)
        for k in range(i, j):
            runs[k] = length
        i = j
    return runs
