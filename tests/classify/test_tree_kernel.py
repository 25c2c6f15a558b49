"""The compiled tree scoring gives numpy's margins bit for bit (cleanse.classify.tree_kernel)."""

from __future__ import annotations

import numpy as np
import pytest

from cleanse.classify.classifier import page_features
from cleanse.classify.model import DEFAULT_MODEL
from cleanse.classify.tree_kernel import tree_margins

from .test_model import PAGE


def _numpy_margins(
    x: np.ndarray, features: np.ndarray, cuts: np.ndarray, leaves: np.ndarray, bias: float
) -> np.ndarray:
    """The reference: every comparison at once, the leaf index by powers of two, numpy's sum."""
    trees, depth = features.shape
    bits = (x[:, features.T.ravel()] > cuts.T.ravel()).reshape(len(x), depth, trees)
    index = (bits.astype(np.int64) << np.arange(depth)[:, None]).sum(axis=1)
    index += np.arange(trees) * leaves.shape[1]
    return bias + leaves.ravel().take(index).sum(axis=1)


@pytest.mark.parametrize(
    ("trees", "rows"),
    # 4,200 rows: more than one chunk; 300 and 1,100 trees: sums by halves above 128 values
    [(1, 300), (7, 300), (8, 300), (13, 300), (100, 4200), (128, 300), (129, 300), (300, 300),
     (1100, 200)],
)  # fmt: skip
def test_random_trees_give_numpy_sums(trees: int, rows: int) -> None:
    rng = np.random.default_rng(trees)
    depth, columns = 5, 12
    x = rng.normal(size=(rows, columns))
    x[rng.random(x.shape) < 0.05] = np.nan  # a NaN compares False, as in numpy
    x = np.asfortranarray(x)  # the feature matrix is column-major
    features = rng.integers(0, columns, size=(trees, depth))
    cuts = rng.normal(size=(trees, depth))
    # Values of very different sizes, so that any other order of the additions shows.
    leaves = rng.normal(size=(trees, 2**depth)) * 10.0 ** rng.integers(-9, 9, (trees, 2**depth))
    got = tree_margins(x, features, cuts, leaves, 0.25)
    assert got.tobytes() == _numpy_margins(x, features, cuts, leaves, 0.25).tobytes()


def test_shipped_model_on_a_page_gives_numpy_sums() -> None:
    model = DEFAULT_MODEL
    assert model is not None
    x, _idx, _rules, _kind = page_features(PAGE * 3, "en")
    want = _numpy_margins(x, model.features, model.cuts, model.leaves, model.bias)
    assert model.margin(x).tobytes() == want.tobytes()
    assert tree_margins(x[:0], model.features, model.cuts, model.leaves, 1.0).shape == (0,)
