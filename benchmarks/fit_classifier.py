"""Fit the boilerplate line model (boosted oblivious trees, numpy only) on the labelled real pages
of ../shared/eval/wcxb-dev and ../shared/eval/readability-pages, report domain-held-out scores per
page type, and write cleanse/classify/weights.json.

    python benchmarks/fit_classifier.py [--folds 5] [--trees 120] [--depth 4] [--rate 0.15]
                                        [--max-gutted 0.01] [--dry-run] [--cache FILE]

Folds are split by domain (GroupKFold): a domain is never in both the training and the
validation pages of a fold, so every score below is on sites the model never saw. The keep
threshold is the one that maximises micro F1 on the out-of-fold predictions of wcxb-dev while
gutting at most --max-gutted of its pages (keeping under half of a page's content characters); the
shipped model is then refitted on all pages and stores that threshold.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from boilerplate_eval import DEFAULT_DATA, Page, load_pages
from wcxb_eval import WCXB, c4_keeps, load_wcxb, print_type_table, score_by_type

from cleanse.classify import ClassifyConfig
from cleanse.classify.classifier import page_features
from cleanse.classify.context import FEATURE_NAMES, WORD_FEATURES, word_columns
from cleanse.classify.guard import PROTECTED_WORDS, page_keeps
from cleanse.classify.model import LineModel
from cleanse.classify.wordscore import line_words

WEIGHTS = REPO / "cleanse" / "classify" / "weights.json"


@dataclass
class PageData:
    page: Page
    x: np.ndarray
    idx: list[int]
    y: np.ndarray
    rule_keep: list[bool]
    kind: str
    prose: np.ndarray  # prose score of each non-blank line (for the keep decision's guard)
    chars: np.ndarray  # characters of each non-blank line
    words: list[list[str]]  # each non-blank line's words (cleanse.classify.wordscore)


def domain_folds(data: Sequence[PageData], k: int) -> list[int]:
    """Deal domains to `k` folds, biggest first, each to the fold with the fewest lines so far."""
    sizes: dict[str, int] = {}
    for d in data:
        sizes[d.page.domain] = sizes.get(d.page.domain, 0) + len(d.idx)
    load = [0] * k
    fold_of: dict[str, int] = {}
    for domain in sorted(sizes, key=lambda s: (-sizes[s], s)):
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[domain] = f
        load[f] += sizes[domain]
    return [fold_of[d.page.domain] for d in data]


# --- boosting ---------------------------------------------------------------------------------
def candidate_cuts(x: np.ndarray, n_bins: int) -> list[np.ndarray]:
    """Per feature, up to n_bins - 1 cut points between observed values (quantiles)."""
    cuts = []
    for j in range(x.shape[1]):
        vals = np.unique(x[:, j])
        if len(vals) <= n_bins:
            c = (vals[:-1] + vals[1:]) / 2.0
        else:
            q = np.quantile(x[:, j], np.linspace(0, 1, n_bins + 1)[1:-1])
            c = np.unique(q)
        cuts.append(c)
    return cuts


def fit_trees(
    x: np.ndarray,
    y: np.ndarray,
    trees: int,
    depth: int,
    rate: float = 0.1,
    lam: float = 2.0,
    n_bins: int = 32,
    weight: np.ndarray | None = None,
    exclude: Sequence[str] = (),
    init_feature: str | None = "rule_keep",
    sample: float = 0.3,
    seed: int = 12,
) -> LineModel:
    """Gradient-boosted oblivious trees for the logistic loss (Newton leaf values).

    The first tree only asks `init_feature > 0.5` (the rule pass's verdict) and holds the
    calibrated log-odds of its two answers: the trees after it learn corrections to the rules.
    Each later tree chooses its questions on a random `sample` of the rows (seeded: the same data
    gives the same model) and sets its leaves on all of them.
    """
    n, m = x.shape
    w = np.ones(n) if weight is None else weight
    cuts = candidate_cuts(x, n_bins)
    nb = n_bins + 1
    # bins[i, j] = number of cuts below x[i, j]: x > cuts[j][k]  <=>  bins > k
    bins = np.stack([np.searchsorted(cuts[j], x[:, j], side="left") for j in range(m)], axis=1)
    base = (np.arange(m, dtype=np.int64)[None, :] * nb + bins).astype(np.int64)
    valid = np.zeros((m, nb - 1), dtype=bool)
    for j in range(m):
        valid[j, : len(cuts[j])] = FEATURE_NAMES[j] not in exclude
    mean = float(np.clip(np.average(y, weights=w), 1e-3, 1 - 1e-3))
    bias = float(np.log(mean / (1 - mean)))
    f = np.full(n, bias)
    feat_out = np.zeros((trees, depth), dtype=np.int64)
    cut_out = np.zeros((trees, depth))
    leaf_out = np.zeros((trees, 2**depth))
    rng = np.random.default_rng(seed)
    start = 0
    if init_feature is not None and trees:
        j = FEATURE_NAMES.index(init_feature)
        side = (x[:, j] > 0.5).astype(np.int64)
        for b in (0, 1):
            rate_b = (np.sum(w * y * (side == b)) + 1) / (np.sum(w * (side == b)) + 2)
            leaf_out[0, (2**depth - 1) * b] = np.log(rate_b / (1 - rate_b)) - bias
        feat_out[0] = j
        cut_out[0] = 0.5
        f = f + leaf_out[0, (2**depth - 1) * side]
        start = 1
    for t in range(start, trees):
        p = 1.0 / (1.0 + np.exp(-f))
        g = (p - y) * w
        h = np.maximum(p * (1.0 - p), 1e-6) * w
        rows = np.flatnonzero(rng.random(n) < sample) if sample < 1.0 else np.arange(n)
        g_s, h_s, base_s = g[rows], h[rows], base[rows]
        leaf_s = np.zeros(len(rows), dtype=np.int64)
        leaf = np.zeros(n, dtype=np.int64)
        for d in range(depth):
            width = 2**d
            key = (base_s + (leaf_s * (m * nb))[:, None]).ravel()
            size = width * m * nb
            gs = np.bincount(key, np.repeat(g_s, m), size).reshape(width, m, nb)
            hs = np.bincount(key, np.repeat(h_s, m), size).reshape(width, m, nb)
            gl = np.cumsum(gs, axis=2)[:, :, :-1]
            hl = np.cumsum(hs, axis=2)[:, :, :-1]
            gt, ht = gs.sum(axis=2, keepdims=True), hs.sum(axis=2, keepdims=True)
            gain = (gl**2 / (hl + lam) + (gt - gl) ** 2 / (ht - hl + lam)).sum(axis=0)
            gain[~valid] = -np.inf
            j, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
            feat_out[t, d] = j
            cut_out[t, d] = cuts[j][k]
            leaf = leaf + ((bins[:, j] > k).astype(np.int64) << d)
            leaf_s = leaf_s + ((bins[rows, j] > k).astype(np.int64) << d)
        gsum = np.bincount(leaf, g, 2**depth)
        hsum = np.bincount(leaf, h, 2**depth)
        values = -rate * gsum / (hsum + lam)
        leaf_out[t] = values
        f = f + values[leaf]
    return LineModel(feat_out, cut_out, leaf_out, bias, 0.5)


DOC_FEATURES = tuple(n for n in FEATURE_NAMES if n.startswith("doc_"))


# --- evaluation ---------------------------------------------------------------------------------
_REASON_CONTENT = FEATURE_NAMES.index("reason_content")
_LOG_WORDS = FEATURE_NAMES.index("log_words")
_REASONS = [FEATURE_NAMES.index(n) for n in FEATURE_NAMES if n.startswith("reason_")]


def keeps_at(
    data: Sequence[PageData], proba: Sequence[np.ndarray | None], thr: float
) -> list[list[bool]]:
    """What classify_lines keeps with threshold `thr`, from precomputed probabilities (None: the
    rule pass's verdicts); extracted articles keep what the article pass keeps (every line here)."""
    out = []
    for d, p in zip(data, proba, strict=True):
        keep = [True] * len(d.page.lines)  # blank lines are kept
        if d.kind == "article":
            out.append(keep)
            continue
        protected = (d.x[:, _REASON_CONTENT] > 0.5) & (
            d.x[:, _LOG_WORDS] >= np.log1p(PROTECTED_WORDS)
        )
        floor_ok = (d.x[:, _REASONS] > 0.5).any(axis=1)  # not dropped for a named reason
        line_keep = page_keeps(d.rule_keep, p, thr, d.prose, d.chars, protected, floor_ok)
        for i, k in zip(d.idx, line_keep, strict=True):
            keep[i] = k
        out.append(keep)
    return out


def gutted_share(data: Sequence[PageData], keeps: Sequence[Sequence[bool]]) -> float:
    rows = score_by_type([d.page for d in data], list(map(list, keeps)))["all"]
    return rows["gutted"] / max(rows["pages"], 1)


def pick_threshold(
    data: Sequence[PageData], proba: Sequence[np.ndarray], max_gutted: float
) -> float:
    """The threshold of best micro F1 on `data` among those gutting at most `max_gutted` pages."""
    best = (-1.0, 0.5)
    pages = [d.page for d in data]
    for thr in np.round(np.arange(0.1, 0.801, 0.025), 3):
        keeps = keeps_at(data, proba, float(thr))
        rows = score_by_type(pages, keeps)["all"]
        ok = rows["gutted"] <= max_gutted * rows["pages"]
        print(f"  threshold {thr:.3f}: F1 {rows['F1']:.4f} gutted {int(rows['gutted'])}")
        if ok and rows["F1"] > best[0]:
            best = (rows["F1"], float(thr))
    return best[1]


def featurize(pages: Sequence[Page]) -> list[PageData]:
    cfg = ClassifyConfig(use_model=False)
    data = []
    for page in pages:
        x, idx, rules, kind = page_features(page.lines, page.lang, cfg)
        y = np.array([page.labels[i] for i in idx], dtype=np.float64)
        prose = x[:, FEATURE_NAMES.index("prose")] if len(idx) else np.zeros(0)
        chars = np.array([len(page.lines[i].strip()) for i in idx], dtype=np.float64)
        words = [line_words(page.lines[i].strip()) for i in idx]
        data.append(
            PageData(page, x, idx, y, [rules[i].keep for i in idx], kind, prose, chars, words)
        )
    return data


def load_data(cache: Path | None) -> list[PageData]:
    if cache is not None and cache.is_file():
        with cache.open("rb") as fh:
            return pickle.load(fh)  # our own cache file
    pages = load_wcxb(WCXB)
    pages += [replace(p, page_type="article", domain="readability:" + p.domain)
              for p in load_pages(DEFAULT_DATA)]
    data = featurize(pages)
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(data, fh)
    return data


WS_COLS = [FEATURE_NAMES.index(n) for n in WORD_FEATURES]


def fit_words(
    data: Sequence[PageData], min_domains: int = 5, max_words: int = 6000, eps: float = 2e-3
) -> dict[str, float]:
    """Word log-odds, content vs furniture: a word's share of a page's content lines (and of its
    furniture lines), averaged over pages so no site weighs more than its pages; only words seen
    on at least `min_domains` domains, the `max_words` most frequent."""
    freq = [{}, {}]  # type: list[dict[str, float]]
    pages = [0, 0]
    domains: dict[str, set[str]] = {}
    for d in data:
        for c in (0, 1):
            members = [w for w, y in zip(d.words, d.y, strict=True) if y == c]
            if not members:
                continue
            pages[c] += 1
            share = 1.0 / len(members)
            for words in members:
                for w in set(words):
                    freq[c][w] = freq[c].get(w, 0.0) + share
                    domains.setdefault(w, set()).add(d.page.domain)
    common = [w for w, ds in domains.items() if len(ds) >= min_domains]
    common.sort(key=lambda w: -(freq[0].get(w, 0.0) + freq[1].get(w, 0.0)))
    table = {}
    for w in common[:max_words]:
        f1 = freq[1].get(w, 0.0) / max(pages[1], 1)
        f0 = freq[0].get(w, 0.0) / max(pages[0], 1)
        table[w] = float(np.clip(np.log((f1 + eps) / (f0 + eps)), -4.0, 4.0))
    return table


def with_words(d: PageData, table: dict[str, float]) -> np.ndarray:
    """The page's rows with the word columns computed from `table`."""
    ws = np.zeros(len(d.idx))
    get = table.get
    for i, words in enumerate(d.words):
        known = [v for v in map(get, words) if v is not None]
        if known:
            ws[i] = sum(known) / len(known)
    x = d.x.copy()
    if len(ws):
        x[:, WS_COLS] = np.stack(word_columns(ws), axis=1)
    return x


def fit(data: Sequence[PageData], args: argparse.Namespace) -> LineModel:
    train = [d for d in data if d.kind != "article" and len(d.idx)]
    table = fit_words(train) if args.words else {}
    weight = None
    if args.page_weight:
        # Each page weighs len(lines) ** (1 - page_weight) in all: a catalogue of 1,500 lines no
        # longer outweighs a hundred short pages (mean line weight 1).
        weight = np.concatenate(
            [np.full(len(d.idx), len(d.idx) ** -args.page_weight) for d in train]
        )
        weight *= len(weight) / weight.sum()
    model = fit_trees(
        np.concatenate([with_words(d, table) for d in train]),
        np.concatenate([d.y for d in train]),
        args.trees,
        args.depth,
        args.rate,
        weight=weight,
    )
    return replace(model, words=table)


def report(name: str, data: Sequence[PageData], keeps: list[list[bool]]) -> dict:
    pages = [d.page for d in data]
    rows = score_by_type(pages, keeps)
    print_type_table(name, rows, score_by_type(pages, c4_keeps(pages)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=120)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0.15)
    ap.add_argument("--max-gutted", type=float, default=0.035, help="share of pages (wcxb-dev)")
    ap.add_argument(
        "--page-weight", type=float, default=0.0,
        help="weigh each line by its page's line count ** -X (0: every line 1; 1: every page 1)",
    )
    ap.add_argument("--cache", type=Path, default=None, help="pickle of the page features")
    ap.add_argument("--dry-run", action="store_true", help="report CV only, write nothing")
    ap.add_argument("--no-words", dest="words", action="store_false", help="no word evidence")
    ap.add_argument("--oof", type=Path, default=None, help="save the out-of-fold probabilities")
    ap.add_argument(
        "--only-folds", default=None, metavar="K,K",
        help="fit these folds only and save their pages' probabilities to --oof (a dict: page "
        "index -> probabilities), to run folds in parallel; --report-oof merges such files",
    )
    ap.add_argument(
        "--report-oof", type=Path, nargs="+", default=None, metavar="FILE",
        help="fit nothing: report saved out-of-fold probabilities (--oof of earlier runs, merged) "
        "at --threshold, with the page kinds the current code detects",
    )
    ap.add_argument("--threshold", type=float, default=None, help="with --report-oof")
    ap.add_argument(
        "--write", action="store_true",
        help="with --report-oof: then fit the shipped model on all pages and write it (pass the "
        "options of the run that saved the predictions)",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data = load_data(args.cache)
    print(f"{len(data)} pages featurised, {time.perf_counter() - t0:.0f} s")
    folds = domain_folds(data, args.folds)
    proba: list[np.ndarray | None] = [None] * len(data)
    folds_used = args.folds
    if args.report_oof is not None:
        for path in args.report_oof:
            with path.open("rb") as fh:
                saved = pickle.load(fh)  # our own file
            for i, p in saved.items() if isinstance(saved, dict) else enumerate(saved):
                proba[i] = p
        if any(p is None for p in proba):
            ap.error("--report-oof: some pages have no probabilities (a fold is missing)")
        folds_used, args.folds = args.folds, 0
        args.dry_run = not args.write
    only = None if args.only_folds is None else {int(k) for k in args.only_folds.split(",")}
    for k in range(args.folds):
        if only is not None and k not in only:
            continue
        model = fit([d for d, f in zip(data, folds, strict=True) if f != k], args)
        for i, d in enumerate(data):
            if folds[i] == k:
                proba[i] = model.proba(with_words(d, dict(model.words)))
        print(f"fold {k} fitted, {time.perf_counter() - t0:.0f} s")
    if args.oof is not None:
        with args.oof.open("wb") as fh:
            if only is None:
                pickle.dump(proba, fh)
            else:
                pickle.dump({i: p for i, p in enumerate(proba) if folds[i] in only}, fh)
    if only is not None:
        print(f"{time.perf_counter() - t0:.1f} s")
        return 0
    wcxb = [i for i, d in enumerate(data) if not d.page.domain.startswith("readability:")]
    read = [i for i, d in enumerate(data) if d.page.domain.startswith("readability:")]
    sub = {name: ([data[i] for i in ix], [proba[i] for i in ix]) for name, ix in
           (("wcxb-dev", wcxb), ("readability-pages", read))}
    thr = (
        args.threshold
        if args.report_oof is not None and args.threshold is not None
        else pick_threshold(*sub["wcxb-dev"], args.max_gutted)
    )
    figures: dict[str, dict] = {"threshold": {"value": thr}}
    for name, (part, p) in sub.items():
        figures[f"{name}/rules"] = report(f"{name}: rules", part, keeps_at(part, [None] * len(part), thr))
        figures[f"{name}/model-cv"] = report(
            f"{name}: model, domain-held-out @{thr:.3f}", part, keeps_at(part, p, thr)
        )
    if not args.dry_run:
        final = replace(fit(data, args), threshold=thr)
        meta = {
            "fitted_by": "benchmarks/fit_classifier.py",
            "data": "wcxb-dev + readability-pages",
            "trees": args.trees,
            "depth": args.depth,
            "rate": args.rate,
            "page_weight": args.page_weight,
            "folds": f"{folds_used}, grouped by domain",
            "cv_f1_wcxb": round(figures["wcxb-dev/model-cv"]["all"]["F1"], 4),
            "cv_f1_readability": round(figures["readability-pages/model-cv"]["all"]["F1"], 4),
        }
        WEIGHTS.write_text(json.dumps(final.to_json(meta), indent=0) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(REPO)} (threshold {thr:.3f})")
    print(f"{time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
