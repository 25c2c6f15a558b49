"""The synthetic benchmark (benchmarks/dedup_quality.py) at a small scale, as a unit test.

Planted copies of real novel paragraphs keep the original's line breaks, so this set no longer
decides anything (benchmarks/dedup_real.py does); it still guards precision and recall.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
CORPORA = BENCH.parents[1] / "shared" / "corpora"


@pytest.mark.skipif(not (CORPORA / "eltec-eng").is_dir(), reason="needs ../shared/corpora")
@pytest.mark.parametrize("level", ["paragraph", "document"])
def test_planted_near_duplicates_of_real_text(level: str, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.syspath_prepend(str(BENCH.parent))
    import dedup_quality

    from cleanse.dedup import DedupConfig

    config = DedupConfig(level=level)
    docs, family = dedup_quality.build(level, 40, 400, seed=11)
    scores = dedup_quality.evaluate(level, config, docs, family)
    assert scores["precision"] == 1.0
    assert scores["recall"] >= 0.99
    sys.modules.pop("dedup_quality", None)
