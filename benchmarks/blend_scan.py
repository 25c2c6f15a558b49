"""Blend the trees' out-of-fold probabilities with a second model's by `page_blend.combine` and
score the blend through the guard: at fixed blend weights with the shipped guard, and with the
blend weight and the guard's constants picked together by fold (on four folds: fewest page types
gutted past 1 %, then fewest gutted pages, then best wcxb-dev F1 plus half the readability-pages
F1, as `guard_scan.py nested`; scored on the fifth), so that the choice is itself held out.

    python benchmarks/blend_scan.py --cache FEATS.pkl --trees OOF.pkl --other NET1.pkl NET2.pkl --mode transplant

Several `--other` files are averaged (mean log-odds) first. Weight 0 is the trees alone.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fit_classifier as fc  # benchmarks/ is not a package
import guard_scan as gs
import page_blend as pb

WEIGHTS = (0.0, 0.25, 0.5, 0.75)
GUARD_GRID = list(
    itertools.product((0.05, 0.06, 0.07), (0.25, 0.3, 0.35), (0.7, 0.75, 0.8), (0.225, 0.25, 0.275))
)


def blended(
    pages: Sequence[gs.Page], trees: dict, other: dict, mode: str, w: float
) -> list[gs.Page]:
    out = []
    for i, p in enumerate(pages):
        q = gs.Page(**vars(p))
        if p.y is not None:
            q.proba = pb.combine(trees[i], other[i], mode, w)
        out.append(q)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--trees", type=Path, required=True)
    ap.add_argument("--other", type=Path, nargs="+", required=True)
    ap.add_argument("--mode", choices=("mean", "centered", "transplant"), default="transplant")
    ap.add_argument("--threshold", type=float, default=0.325)
    args = ap.parse_args(argv)
    sys.modules["__main__"].PageData = fc.PageData  # type: ignore[attr-defined]  # the pickle's class
    pages = gs.load(args.cache, [args.trees])
    trees = pb.read(args.trees)
    others = [pb.read(p) for p in args.other]
    other = {i: pb.sigmoid(np.mean([pb.logit(o[i]) for o in others], axis=0))
             for i in trees if all(i in o for o in others)}  # fmt: skip
    folds = np.array([p.fold for p in pages])
    rows: list[np.ndarray] = []
    choices: list[tuple] = []
    for w in WEIGHTS:
        bp = blended(pages, trees, other, args.mode, w)
        shipped = gs.page_rows(bp, gs.guard_keep(), args.threshold)
        print(gs.line(f"w {w}, shipped guard", gs.by_kind(bp, shipped)), flush=True)
        for u, lf, m, t in GUARD_GRID:
            keep = gs.guard_keep(unsure_page=u, line_floor=lf, mostly=m, unsure_thr=t)
            rows.append(gs.page_rows(bp, keep, args.threshold))
            choices.append((w, u, lf, m, t))
    for restrict, name in ((lambda c: c[0] == 0.0, "trees alone"), (lambda c: True, "blend")):
        cand = [c for c in range(len(choices)) if restrict(choices[c])]
        total = np.zeros_like(rows[0])
        for k in range(5):

            def key(c: int, k: int = k) -> tuple:
                f, fr, gut, worst = gs.summary(gs.by_kind(pages, rows[c], folds != k))
                return (worst > 0.01, gut, -(f + fr / 2))

            c = min(cand, key=key)
            print(f"  {name}, fold {k}: weight, UNSURE_PAGE, LINE_FLOOR, MOSTLY_KEPT, "
                  f"UNSURE_THRESHOLD = {choices[c]}")  # fmt: skip
            total[folds == k] = rows[c][folds == k]
        print(gs.line(f"nested: {name}", gs.by_kind(pages, total)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
