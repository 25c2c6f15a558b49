"""Kernels load from numba's cache without its registries, and compile as usual on a miss.

Each check runs in a fresh interpreter (what is loaded is per process); NUMBA_CACHE_DIR points at
a folder of the test's, so the first process compiles (a miss) and the second loads the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run the kernels of signing and of grouping, then say which numba modules got loaded.
PROBE = """
import json, sys
from cleanse.dedup.jit import kernels_only
kernels_only()
import numpy as np
from cleanse.dedup import DedupConfig
from cleanse.dedup.signatures import band_keys, sign_texts
from cleanse.dedup.cluster import _jaccards, candidate_pairs
texts = ["the same words of one paragraph repeated make a duplicate", "the same words of one "
         "paragraph repeated make a duplicate", "another text of its own, nothing alike", "日本語の文章"]
shingled, sigs = sign_texts(texts, DedupConfig(), with_sets=True)
keys = band_keys(sigs, 16, 8)
pairs = candidate_pairs(keys, np.arange(len(texts)), 0, 1000)
sims = _jaccards(shingled.values, shingled.set_offsets, pairs[:, 0].copy(), pairs[:, 1].copy())
print(json.dumps({"sigs": sigs.tolist(), "pairs": pairs.tolist(), "sims": sims.tolist(),
                  "registries": "numba.np.arraymath" in sys.modules,
                  "blas": "scipy.linalg.cython_blas" in sys.modules, "scipy": "scipy" in sys.modules,
                  "arrayobj": "numba.np.arrayobj" in sys.modules,
                  "unneeded": sorted({"yaml", "importlib.metadata"} & set(sys.modules))}))
import numba.core.entrypoints as entrypoints
from importlib.metadata import entry_points
assert entrypoints.importlib_metadata.entry_points is entry_points  # imported when first used
"""


def run_probe(cache: Path) -> dict[str, object]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_miss_compiles_and_a_hit_loads_the_same_code_without_registries(tmp_path: Path) -> None:
    compiled = run_probe(tmp_path)
    assert compiled["registries"]  # compiling loads numba's registries...
    assert not compiled["blas"]  # ...without the BLAS probe, after kernels_only()
    loaded = run_probe(tmp_path)
    assert not loaded["registries"]  # the cached machine code needs only numba's runtime
    assert not loaded["blas"]
    assert not loaded["scipy"]  # numba's import checks scipy's version only if it is loaded
    assert not loaded["arrayobj"]  # the environments of numba's functions: rebuilt unimported
    assert loaded["unneeded"] == []  # nor PyYAML, nor numba's extensions and importlib.metadata
    for key in ("sigs", "pairs", "sims"):
        assert loaded[key] == compiled[key]
    assert compiled["pairs"] == [[0, 1]] and compiled["sims"] == [1.0]
