"""The line model: boosted oblivious trees (every tree asks the same question at each depth) over
the context features, scored with a few numpy operations per page. The weights are fitted by
`benchmarks/fit_classifier.py` and shipped as `weights.json`, loaded once at import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np

from cleanse.classify.context import FEATURE_NAMES
from cleanse.errors import ConfigError


@dataclass(frozen=True)
class LineModel:
    """Oblivious trees: tree t sends a row to leaf sum_d 2**d * (x[feature[t, d]] > cut[t, d])."""

    features: np.ndarray  # (trees, depth) column indexes into FEATURE_NAMES
    cuts: np.ndarray  # (trees, depth)
    leaves: np.ndarray  # (trees, 2 ** depth) additive log-odds
    bias: float
    threshold: float  # keep a line when its content probability is at least this
    words: Mapping[str, float] = field(default_factory=dict)  # cleanse.classify.wordscore table

    def margin(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of 'content' for each row of `x` (shape: lines x FEATURE_NAMES)."""
        n = x.shape[0]
        if n == 0 or self.features.shape[0] == 0:
            return np.full(n, self.bias)
        # Compiled (cleanse.classify.tree_kernel): the same sums as numpy's, one row at a time.
        from cleanse.classify.tree_kernel import tree_margins  # here: loads numba

        return tree_margins(x, self.features, self.cuts, self.leaves, self.bias)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row is a content line."""
        return cast(np.ndarray, 1.0 / (1.0 + np.exp(-self.margin(x))))  # np.exp: Any to numpy

    def to_json(self, meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """The weights file's content (cuts rounded so the file stays small and stable)."""
        return {
            "format": "oblivious-trees-1",
            "feature_names": list(FEATURE_NAMES),
            "bias": round(float(self.bias), 6),
            "threshold": round(float(self.threshold), 4),
            "trees": [
                {
                    "features": [FEATURE_NAMES[j] for j in self.features[t]],
                    "cuts": [round(float(c), 6) for c in self.cuts[t]],
                    "leaves": [round(float(v), 6) for v in self.leaves[t]],
                }
                for t in range(self.features.shape[0])
            ],
            "words": {w: round(float(v), 3) for w, v in sorted(self.words.items())},
            "meta": meta or {},
        }


def model_from_json(data: dict[str, Any], source: str = "weights") -> LineModel:
    """Build a `LineModel` from the weights file's content; refuse a file for other features."""
    if data.get("format") != "oblivious-trees-1" or tuple(data["feature_names"]) != FEATURE_NAMES:
        msg = (
            f"{source}: the model was fitted on other features than cleanse.classify.context "
            "computes; refit it with `python benchmarks/fit_classifier.py`"
        )
        raise ConfigError(msg)
    index = {name: i for i, name in enumerate(FEATURE_NAMES)}
    trees = data["trees"]
    depth = len(trees[0]["features"]) if trees else 1
    return LineModel(
        features=np.array(
            [[index[f] for f in t["features"]] for t in trees], dtype=np.int64
        ).reshape(len(trees), depth),
        cuts=np.array([t["cuts"] for t in trees], dtype=np.float64).reshape(len(trees), depth),
        leaves=np.array([t["leaves"] for t in trees], dtype=np.float64).reshape(
            len(trees), 2**depth
        ),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        words={str(w): float(v) for w, v in data.get("words", {}).items()},
    )


def load_model(path: Path | None = None) -> LineModel:
    """Read a weights file (default: the one shipped in the package)."""
    if path is None:
        text = resources.files("cleanse.classify").joinpath("weights.json").read_text("utf-8")
        return model_from_json(json.loads(text), "cleanse/classify/weights.json")
    return model_from_json(json.loads(Path(path).read_text("utf-8")), str(path))


def _build_model() -> LineModel | None:
    try:
        return load_model()
    except FileNotFoundError:  # not fitted yet: the rule pass decides alone
        return None


DEFAULT_MODEL: LineModel | None = _build_model()
