"""Fit the boilerplate line model (boosted oblivious trees, numpy only) on the labelled real pages
and write cleanse/classify/weights.json; report leave-sites-out cross-validated scores first.

    python benchmarks/fit_classifier.py [--data DIR] [--folds 5] [--trees 100] [--depth 3]
                                        [--min-chars 0.955] [--dry-run]

Pages are grouped by site (the id's first dash-separated token: nytimes-1..5, wikipedia-2..4 and
yahoo-1..4 each form one group) and the groups dealt to folds, so a fold's pages come from sites
the fold's model never saw. The keep threshold is the one that maximises micro F1 on the
out-of-fold predictions while keeping at least --min-chars of the content characters; the
shipped model is then refitted on all pages and stores that threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from boilerplate_eval import DEFAULT_DATA, Page, evaluate_keeps, load_pages, print_table

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.classifier import page_features
from cleanse.classify.context import FEATURE_NAMES
from cleanse.classify.model import LineModel

WEIGHTS = REPO / "cleanse" / "classify" / "weights.json"


@dataclass
class PageData:
    page: Page
    x: np.ndarray
    idx: list[int]
    y: np.ndarray
    rule_keep: list[bool]
    kind: str


def site_of(page_id: str) -> str:
    return page_id.split("-")[0]


def make_folds(data: Sequence[PageData], k: int) -> list[int]:
    """Deal sites to `k` folds, biggest first, each to the fold with the fewest lines so far."""
    sizes: dict[str, int] = {}
    for d in data:
        sizes[site_of(d.page.id)] = sizes.get(site_of(d.page.id), 0) + len(d.idx)
    load = [0] * k
    fold_of: dict[str, int] = {}
    for site in sorted(sizes, key=lambda s: (-sizes[s], s)):
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[site] = f
        load[f] += sizes[site]
    return [fold_of[site_of(d.page.id)] for d in data]


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
) -> LineModel:
    """Gradient-boosted oblivious trees for the logistic loss (Newton leaf values).

    The first tree only asks `init_feature > 0.5` (the rule pass's verdict) and holds the
    calibrated log-odds of its two answers: the trees after it learn corrections to the rules.
    """
    n, m = x.shape
    w = np.ones(n) if weight is None else weight
    cuts = candidate_cuts(x, n_bins)
    nb = n_bins + 1
    # bins[i, j] = number of cuts below x[i, j]: x > cuts[j][k]  <=>  bins > k
    bins = np.stack([np.searchsorted(cuts[j], x[:, j], side="left") for j in range(m)], axis=1)
    valid = np.zeros((m, nb - 1), dtype=bool)
    for j in range(m):
        valid[j, : len(cuts[j])] = FEATURE_NAMES[j] not in exclude
    mean = float(np.clip(np.average(y, weights=w), 1e-3, 1 - 1e-3))
    bias = float(np.log(mean / (1 - mean)))
    f = np.full(n, bias)
    feat_out = np.zeros((trees, depth), dtype=np.int64)
    cut_out = np.zeros((trees, depth))
    leaf_out = np.zeros((trees, 2**depth))
    cols = np.arange(m)[None, :]
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
        leaf = np.zeros(n, dtype=np.int64)
        for d in range(depth):
            width = 2**d
            key = ((cols * width + leaf[:, None]) * nb + bins).ravel()
            size = m * width * nb
            gs = np.bincount(key, np.repeat(g, m), size).reshape(m, width, nb)
            hs = np.bincount(key, np.repeat(h, m), size).reshape(m, width, nb)
            gl = np.cumsum(gs, axis=2)[:, :, :-1]
            hl = np.cumsum(hs, axis=2)[:, :, :-1]
            gt, ht = gs.sum(axis=2, keepdims=True), hs.sum(axis=2, keepdims=True)
            gain = (gl**2 / (hl + lam) + (gt - gl) ** 2 / (ht - hl + lam)).sum(axis=1)
            gain[~valid] = -np.inf
            j, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
            feat_out[t, d] = j
            cut_out[t, d] = cuts[j][k]
            leaf = leaf + ((bins[:, j] > k).astype(np.int64) << d)
        gsum = np.bincount(leaf, g, 2**depth)
        hsum = np.bincount(leaf, h, 2**depth)
        values = -rate * gsum / (hsum + lam)
        leaf_out[t] = values
        f = f + values[leaf]
    return LineModel(feat_out, cut_out, leaf_out, bias, 0.5)


DOC_FEATURES = tuple(n for n in FEATURE_NAMES if n.startswith("doc_"))


# --- evaluation ---------------------------------------------------------------------------------
def keeps_at(data: Sequence[PageData], proba: Sequence[np.ndarray], thr: float) -> list[list[bool]]:
    """What classify_lines keeps with threshold `thr`, from precomputed probabilities."""
    out = []
    for d, p in zip(data, proba, strict=True):
        if d.kind == "article":
            out.append([v.keep for v in classify_lines(d.page.lines, d.page.lang)])
            continue
        keep = [True] * len(d.page.lines)  # blank lines are kept
        for i, q in zip(d.idx, p, strict=True):
            keep[i] = bool(q >= thr)
        out.append(keep)
    return out


def pick_threshold(
    data: Sequence[PageData], proba: Sequence[np.ndarray], min_chars: float
) -> tuple[float, dict[str, float]]:
    best: tuple[float, float, dict[str, float]] = (-1.0, 0.5, {})
    for thr in np.round(np.arange(0.05, 0.951, 0.025), 3):
        m = evaluate_keeps([d.page for d in data], keeps_at(data, proba, float(thr)))
        if m["chars"] >= min_chars and m["F1"] > best[0]:
            best = (m["F1"], float(thr), m)
    return best[1], best[2]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="readability-pages folder")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--min-chars", type=float, default=0.955, help="content chars to keep (CV)")
    ap.add_argument("--dry-run", action="store_true", help="report CV only, write nothing")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    pages = load_pages(args.data)
    cfg = ClassifyConfig(use_model=False)
    data = []
    for page in pages:
        x, idx, rules, kind = page_features(page.lines, page.lang, cfg)
        y = np.array([page.labels[i] for i in idx], dtype=np.float64)
        data.append(PageData(page, x, idx, y, [rules[i].keep for i in idx], kind))
    folds = make_folds(data, args.folds)
    proba: list[np.ndarray] = [np.zeros(0)] * len(data)
    for k in range(args.folds):
        train = [d for d, f in zip(data, folds, strict=True) if f != k]
        model = fit_trees(
            np.concatenate([d.x for d in train]),
            np.concatenate([d.y for d in train]),
            args.trees,
            args.depth,
            args.rate,
        )
        for i, d in enumerate(data):
            if folds[i] == k:
                proba[i] = model.proba(d.x)
    all_pages = [d.page for d in data]
    rules_only = [[v.keep for v in classify_lines(p.lines, p.lang, cfg)] for p in all_pages]
    thr, cv = pick_threshold(data, proba, args.min_chars)
    rows = {
        "rules-only": evaluate_keeps(all_pages, rules_only),
        "cv@0.5": evaluate_keeps(all_pages, keeps_at(data, proba, 0.5)),
        f"cv@{thr:.3f}": cv,
    }
    final = fit_trees(
        np.concatenate([d.x for d in data]),
        np.concatenate([d.y for d in data]),
        args.trees,
        args.depth,
        args.rate,
    )
    final = LineModel(final.features, final.cuts, final.leaves, final.bias, thr)
    insample = [final.proba(d.x) for d in data]
    rows[f"in-sample@{thr:.3f}"] = evaluate_keeps(all_pages, keeps_at(data, insample, thr))
    print(f"{len(data)} pages, {args.folds} folds by site, {len(FEATURE_NAMES)} features")
    print_table(rows)
    if not args.dry_run:
        meta = {
            "fitted_by": "benchmarks/fit_classifier.py",
            "trees": args.trees,
            "depth": args.depth,
            "rate": args.rate,
            "folds": args.folds,
            "min_chars": args.min_chars,
            "cv_micro_f1": round(cv["F1"], 4),
        }
        WEIGHTS.write_text(json.dumps(final.to_json(meta), indent=0) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(REPO)} (threshold {thr:.3f})")
    print(f"{time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
