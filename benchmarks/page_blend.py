"""Combine two sets of out-of-fold content probabilities (the trees' and a second model's) so that
the second model changes only the order of lines *within* each page, never the page's level, and
write the result in the `--oof` format that `fit_classifier.py --report-oof` and `guard_scan.py`
read.

    python benchmarks/page_blend.py --trees OOF.pkl --other NET.pkl --mode transplant --out OUT.pkl
    python benchmarks/page_blend.py --trees OOF.pkl --other NET.pkl --mode centered --weight 0.5 --out OUT.pkl

Modes (z: log-odds, per page; mean and order are taken over the page's lines):
- `mean`: (1 - w) z_trees + w z_other (s9's blend at w = 0.5: moves the page's level too);
- `centered`: z_trees + w ((z_other - mean z_other) - (z_trees - mean z_trees)): the page's mean
  log-odds stays the trees', its lines' deviations are mixed;
- `transplant`: the page's lines ordered by the `mean` blend receive the trees' own probabilities
  of that page, sorted: the page keeps exactly the trees' set of probabilities (so the guard's
  confident-lines share and the like do not move by construction), the blend decides which line
  gets which.
Several `--other` files are averaged (mean log-odds) first.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def read(path: Path) -> dict[int, np.ndarray]:
    with path.open("rb") as fh:
        saved = pickle.load(fh)  # our own file
    return saved if isinstance(saved, dict) else dict(enumerate(saved))


def combine(trees: np.ndarray, other: np.ndarray, mode: str, w: float) -> np.ndarray:
    """One page's combined probabilities."""
    if len(trees) == 0 or len(trees) != len(other):
        return trees
    zt, zo = logit(trees), logit(other)
    mixed = (1 - w) * zt + w * zo
    if mode == "mean":
        return sigmoid(mixed)
    if mode == "centered":
        return sigmoid(zt + w * ((zo - zo.mean()) - (zt - zt.mean())))
    if mode == "transplant":
        out = np.empty_like(trees)
        # ties in the blend keep the trees' order (stable sort on the trees' order first)
        by_trees = np.argsort(-zt, kind="stable")
        order = by_trees[np.argsort(-mixed[by_trees], kind="stable")]
        out[order] = np.sort(trees)[::-1]
        return out
    raise ValueError(mode)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trees", type=Path, required=True)
    ap.add_argument("--other", type=Path, nargs="+", required=True)
    ap.add_argument("--mode", choices=("mean", "centered", "transplant"), required=True)
    ap.add_argument("--weight", type=float, default=0.5, help="the other model's weight")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    trees = read(args.trees)
    others = [read(p) for p in args.other]
    out = {}
    for i, t in trees.items():
        zs = [logit(o[i]) for o in others if i in o and len(o[i]) == len(t)]
        other = sigmoid(np.mean(zs, axis=0)) if len(zs) == len(others) else t
        out[i] = combine(t, other, args.mode, args.weight)
    with args.out.open("wb") as fh:
        pickle.dump(out, fh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
