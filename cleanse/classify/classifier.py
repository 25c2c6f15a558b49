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
import operator
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from cleanse.classify.article import article_verdicts, detect_kind
from cleanse.classify.config import MODES, ClassifyConfig
from cleanse.classify.context import (
    OWN_CHARS,
    OWN_PROSE,
    OWN_WORDS,
    REASONS,
    LineColumns,
    PageRows,
    feature_matrix,
    page_rows,
    pages_matrix,
    reason_codes,
)
from cleanse.classify.features import LineFeatures, lines_features
from cleanse.classify.guard import PROTECTED_WORDS, model_keeps, page_keeps
from cleanse.classify.model import DEFAULT_MODEL, LineModel
from cleanse.classify.page_rules import (
    PageLayout,
    page_layout,
    rule_decisions,
    rule_verdicts,
    scored_verdicts,
)
from cleanse.classify.stopwords import stopwords_for
from cleanse.classify.verdict import LineVerdict
from cleanse.classify.wordscore import word_scores
from cleanse.cycle_gc import paused_collection
from cleanse.lang import detect_language
from cleanse.score_rounding import round_floats

__all__ = [
    "GUESS_SAMPLE_CHARS",
    "MODES",
    "ClassifyConfig",
    "LineVerdict",
    "PageLayout",
    "classify_documents",
    "classify_lines",
    "page_features",
    "page_layout",
    "page_matrix",
    "rule_verdicts",
]


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
    return classify_documents([(lines, lang)], config, model=model)[0]


def classify_documents(
    docs: Sequence[tuple[Sequence[str], str]],
    config: ClassifyConfig | None = None,
    *,
    model: LineModel | None = None,
) -> list[list[LineVerdict]]:
    """`classify_lines` of each (lines, language) document, the same verdicts, computed together:
    the features of the documents' new lines in one pass per stop-word list, their word scores
    in one pass and the line model's trees once over all their rows, so the fixed costs of those
    steps are paid once per call instead of once per document. The rule pass, the context
    features and the decision stay per document (they read the page as a whole)."""
    cfg = config or ClassifyConfig()
    if cfg.mode == "off":
        return [[LineVerdict(True, "off") for _ in lines] for lines, _ in docs]
    # The cycle collector paused (cleanse.cycle_gc): a call builds a tuple or two per line (the
    # features, the verdicts), whose count set it off, and each of its passes walked every
    # object of the process (numba's some 80,000 too), some 10-15 % of the classifier's time
    # on page dumps, for nothing: the classifier makes no reference cycles.
    with paused_collection():
        return _classify(docs, cfg, model or DEFAULT_MODEL)


def _classify(
    docs: Sequence[tuple[Sequence[str], str]], cfg: ClassifyConfig, model: LineModel | None
) -> list[list[LineVerdict]]:
    all_feats = _documents_features(docs, cfg)
    out: list[list[LineVerdict]] = [[] for _ in docs]
    pages: list[_Page] = []
    for k, ((lines, _lang), feats) in enumerate(zip(docs, all_feats, strict=True)):
        rows = page_rows(feats)
        mode = cfg.mode if cfg.mode != "auto" else detect_kind(feats, cfg, lines, rows)
        if mode == "article":
            out[k] = _never_empty(article_verdicts(feats, lines))
            continue
        lay = page_layout(feats, cfg, rows)
        rule_keep, rule_reason, kinds = rule_decisions(feats, lay, cfg)
        pages.append(_Page(k, lines, feats, lay, rule_keep, rule_reason, kinds, rows))
    probas: list[_Scored | None] = [None] * len(pages)
    if pages and cfg.use_model and model is not None:
        probas = list(_pages_proba(pages, model))
    threshold = (
        (model.threshold if model is not None else 0.5)
        if cfg.threshold is None
        else (cfg.threshold)
    )
    for page, proba in zip(pages, probas, strict=True):
        out[page.doc] = _decide(page, proba, threshold)
    return out


class _Page(NamedTuple):
    """A page dump of a `classify_documents` call after the rule pass."""

    doc: int  # its place in the call's documents
    lines: Sequence[str]
    feats: list[LineFeatures | None]
    lay: PageLayout
    rule_keep: list[bool]
    rule_reason: list[str]
    kinds: list[int]
    rows: PageRows  # its non-blank lines and their own features


def _documents_features(
    docs: Sequence[tuple[Sequence[str], str]],
    cfg: ClassifyConfig,
) -> list[list[LineFeatures | None]]:
    """`lines_features` of each document, one call for the documents of one stop-word list."""
    groups: dict[frozenset[str] | None, list[int]] = {}
    for k, (lines, lang) in enumerate(docs):
        groups.setdefault(_stopwords(lines, lang, cfg), []).append(k)
    out: list[list[LineFeatures | None]] = [[] for _ in docs]
    for stops, members in groups.items():
        if len(members) == 1:
            out[members[0]] = lines_features(docs[members[0]][0], stops)
            continue
        joined = list(itertools.chain.from_iterable(docs[k][0] for k in members))
        feats = lines_features(joined, stops)
        start = 0
        for k in members:
            end = start + len(docs[k][0])
            out[k] = feats[start:end]
            start = end
    return out


# Rows the trees score at once over several pages: enough to pay their fixed costs once for
# many small pages, few enough that the comparisons stay a few MB (a large page goes alone).
_MODEL_ROWS = 1_024


# A page's model output: the probabilities of its non-blank lines, their `own_rows` and
# `reason_codes` (the guard reads them too), and the probabilities rounded for the scores.
_Scored = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _pages_proba(pages: Sequence[_Page], model: LineModel) -> list[_Scored]:
    """The model's content probability of each page's non-blank lines: the word scores of all
    the pages' lines in one pass, then the feature rows and the trees once over consecutive
    pages, about _MODEL_ROWS rows at a time (each row's features are its page's, each
    probability its row's)."""
    inputs = [
        _matrix_inputs(p.lines, p.feats, p.lay, p.rule_keep, p.rule_reason, p.rows.idx)
        for p in pages
    ]
    sizes = [len(idx) for idx, _ in inputs]
    scores = word_scores(
        list(itertools.chain.from_iterable(cols.texts for _, cols in inputs)), model.words
    )
    out: list[_Scored] = []
    first = rows = done = 0
    for k, size in enumerate(sizes):
        rows += size
        if rows < _MODEL_ROWS and k < len(pages) - 1:
            continue
        joined = LineColumns.joined([cols for _, cols in inputs[first : k + 1]])
        own = np.concatenate([p.rows.own for p in pages[first : k + 1]])
        codes = reason_codes(joined.rule_reason)
        x = pages_matrix(
            joined,
            scores[done : done + rows],
            sizes[first : k + 1],
            [p.lay.region_scores for p in pages[first : k + 1]],
            own,
            codes,
        )
        bounds = np.cumsum(sizes[first:k])
        proba = model.proba(x)
        rounded = np.array(round_floats(proba.tolist(), 4))  # each round(p, 4), all at once
        columns = (proba, own, codes, rounded)
        parts = zip(*(np.split(a, bounds) for a in columns), strict=True)
        out += parts
        first, done, rows = k + 1, done + rows, 0
    return out


def _decide(
    page: _Page,
    scored: _Scored | None,
    threshold: float,
) -> list[LineVerdict]:
    """The verdicts on a page dump: the model's (or the rule pass's) keep decisions under the
    guard (cleanse.classify.guard), each with its reason and scores."""
    _, _, feats, lay, rule_keep, rule_reason, kinds, (idx, page_own) = page
    n = len(idx)
    whole = n == len(feats)
    judged_keep = rule_keep if whole else list(map(rule_keep.__getitem__, idx))
    if scored is None:
        reasons = rule_reason if whole else list(map(rule_reason.__getitem__, idx))
        proba, own, codes, rounded = None, page_own, reason_codes(reasons), None
    else:
        proba, own, codes, rounded = scored
    prose, chars = own[:, OWN_PROSE], own[:, OWN_CHARS]
    protected = (codes == _CONTENT) & (own[:, OWN_WORDS] >= PROTECTED_WORDS)
    # The floors may add a line the rule pass dropped as a menu or an orphan, not one it
    # dropped for a named reason (after the article's end, a related box, a cue).
    floor_ok = codes >= 0
    ruled = np.fromiter(judged_keep, bool, n)
    if proba is None:
        keep_l = page_keeps(judged_keep, proba, threshold, prose, chars, protected, floor_ok)
        keep = np.fromiter(keep_l, bool, n)
        # The guard added it: the page would lose most of its prose.
        guard = keep & ~ruled
        unsure = np.zeros(n, dtype=bool)
    else:
        keep_l, unsure = model_keeps(proba, threshold, prose, chars, protected, floor_ok)
        keep = np.fromiter(keep_l, bool, n)
        # Kept though under the threshold and not protected: the model was unsure of the whole
        # page (kept for its expected content), or the page would lose most of its prose.
        guard = keep & ~(proba >= threshold) & ~protected
    overruled = ~guard & (keep != ruled)  # the model overrules the rule pass
    final_keep, final_reason = list(rule_keep), list(rule_reason)
    for k in (guard | overruled).nonzero()[0].tolist():
        i = idx[k]
        final_keep[i] = keep_l[k]
        if guard[k]:
            final_reason[i] = "guard-unsure" if unsure[k] else "guard-prose"
        else:
            final_reason[i] = "model-content" if keep_l[k] else "model-boilerplate"
    p_content: list[float] | None = None
    if rounded is not None:
        if whole:
            p_content = rounded.tolist()
        else:
            aligned = np.zeros(len(feats))
            aligned[idx] = rounded
            p_content = aligned.tolist()
    verdicts = scored_verdicts(feats, lay, final_keep, final_reason, kinds, p_content, threshold)
    return _never_empty(verdicts)


def _never_empty(out: list[LineVerdict]) -> list[LineVerdict]:
    """`out`, or every line kept (reason `guard-all-dropped`) when it keeps no non-blank line:
    nothing looks like content, and the classifier has no ground to empty a document."""
    if any(v.keep and v.reason != "blank" for v in out) or all(v.reason == "blank" for v in out):
        return out
    return [v if v.keep else v.decided(True, "guard-all-dropped") for v in out]


def page_features(
    lines: Sequence[str], lang: str, config: ClassifyConfig | None = None
) -> tuple[np.ndarray, list[int], list[LineVerdict], str]:
    """The model's input for one document: (feature rows, their line indexes, the rule pass's
    verdicts, the detected kind), as `benchmarks/fit_classifier.py` needs it."""
    cfg = config or ClassifyConfig()
    stops = _stopwords(lines, lang, cfg)
    feats = lines_features(lines, stops)
    rows = page_rows(feats)
    kind = detect_kind(feats, cfg, lines, rows)
    lay = page_layout(feats, cfg, rows)
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
    keeps, reasons = list(map(_KEEP, rules)), list(map(_REASON, rules))
    idx, cols = _matrix_inputs(lines, feats, lay, keeps, reasons)
    return feature_matrix(cols, lay.region_scores, word_scores(cols.texts, words or {})), idx


def _matrix_inputs(
    lines: Sequence[str],
    feats: Sequence[LineFeatures | None],
    lay: PageLayout,
    rule_keep: list[bool],
    rule_reason: list[str],
    idx: list[int] | None = None,
) -> tuple[list[int], LineColumns]:
    """The indexes of a page's non-blank lines (`idx` when the caller has them) and their
    columns (`feature_matrix`'s input)."""
    idx = [i for i, f in enumerate(feats) if f is not None] if idx is None else idx
    if len(idx) == len(feats):  # no blank line: every list as it is
        return idx, LineColumns(
            list(map(str.strip, lines)),
            feats,  # type: ignore[arg-type]
            lay.weights,
            lay.runs,
            lay.tables,
            lay.list_runs,
            lay.region_rank,
            rule_keep,
            rule_reason,
        )
    return idx, LineColumns(
        list(map(str.strip, map(lines.__getitem__, idx))),
        list(map(feats.__getitem__, idx)),  # type: ignore[arg-type]
        list(map(lay.weights.__getitem__, idx)),
        list(map(lay.runs.__getitem__, idx)),
        list(map(lay.tables.__getitem__, idx)),
        list(map(lay.list_runs.__getitem__, idx)),
        list(map(lay.region_rank.__getitem__, idx)),
        list(map(rule_keep.__getitem__, idx)),
        list(map(rule_reason.__getitem__, idx)),
    )


_KEEP = operator.attrgetter("keep")
_REASON = operator.attrgetter("reason")
_CONTENT = REASONS.index("content")

# Characters of a page the language guess reads when the caller gives none: more than a run's
# first guess (cleanse.lang.SAMPLE_CHARS), as a page dump's head is often all menu.
GUESS_SAMPLE_CHARS = 20_000


def _stopwords(lines: Sequence[str], lang: str, cfg: ClassifyConfig) -> frozenset[str] | None:
    stops = stopwords_for(lang or "und")
    if stops is None and cfg.guess_lang:
        sample = "\n".join(itertools.islice((x for x in lines if x.strip()), 400))
        stops = stopwords_for(detect_language(sample, GUESS_SAMPLE_CHARS))
    return stops
