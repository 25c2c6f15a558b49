"""cleanse.batched with a real `datasets.Dataset` built here (no network): the map keeps every
row and marks the removed ones, the filter drops them, a near duplicate of a document from an
earlier batch is found, num_proc > 1 is refused when deduplicating, and the README's example runs."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse import ConfigError, DedupConfig, Pipeline

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
datasets = pytest.importorskip("datasets", reason="the hf extra is not installed")
datasets.disable_progress_bars()

from cleanse.batched import REASON_COLUMN, REMOVED_COLUMN, BatchFilter, BatchMap

ROOT = Path(__file__).resolve().parent.parent
SHARE = "Partager cet article"  # a line the French rules drop
WORDS = (
    "le la les un une des gouvernement projet loi réforme retraite syndicat ville région école "
    "maire conseil budget année semaine hôpital médecin élève route train port marché prix "
    "salaire emploi entreprise usine récolte pluie saison rivière forêt musée livre auteur"
).split()


def documents(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{SHARE}\nLe texte {i} : " + " ".join(rng.choice(WORDS) for _ in range(60)) + "."
        for i in range(n)
    ]


def near_copy(text: str) -> str:
    words = text.split(" ")
    words[10] = "autrement"
    return " ".join(words)


def corpus() -> datasets.Dataset:
    """Ten rows; row 9 is a near copy of row 1 and row 5 an exact copy of row 4."""
    texts = documents(10)
    texts[9] = near_copy(texts[1])
    texts[5] = texts[4]
    return datasets.Dataset.from_dict(
        {"id": [f"d{i}" for i in range(10)], "text": texts, "n": list(range(10))}
    )


def pipeline() -> Pipeline:
    return Pipeline(lang="fr", dedup=DedupConfig(level="document"))


def test_map_keeps_every_row_and_marks_what_it_removes():
    ds = corpus()
    with BatchMap(pipeline()) as cleaner:
        out = ds.map(cleaner, batched=True, batch_size=3)  # row 9's original is 3 batches back
    assert len(out) == len(ds)
    assert out.column_names == ["id", "text", "n", REMOVED_COLUMN, REASON_COLUMN, "cleanse"]
    assert out["id"] == ds["id"] and out["n"] == ds["n"]
    assert [i for i, r in enumerate(out[REMOVED_COLUMN]) if r] == [5, 9]
    assert out[REASON_COLUMN][9] == "dedup.document-near" and out["text"][9] == ""
    assert out[REASON_COLUMN][5] == "dedup.document-exact"
    assert out[REASON_COLUMN][0] == "" and out["text"][0] == ds["text"][0].split("\n", 1)[1]
    audit = json.loads(out["cleanse"][9])
    assert audit["status"] == "removed" and "1" in json.dumps(audit)  # names row 1, the original
    # The same verdicts as one Pipeline run over all the rows.
    whole = list(
        Pipeline(lang="fr", dedup=DedupConfig(level="document"), include_removed=True).run(ds.to_list())
    )
    assert [r["cleanse"]["status"] == "removed" for r in whole] == out[REMOVED_COLUMN]
    assert [r["text"] for r in whole] == out["text"]


def test_filter_drops_the_rows_the_map_removes():
    ds = corpus()
    with BatchFilter(pipeline()) as keep:
        kept = ds.filter(keep, batched=True, batch_size=4)
        summary = keep.summary
    assert kept["id"] == [f"d{i}" for i in range(10) if i not in (5, 9)]
    assert kept["text"] == [ds["text"][i] for i in range(10) if i not in (5, 9)]  # unchanged
    assert summary["documents"]["in"] == 10 and summary["documents"]["removed"] == 2


def test_a_persistent_index_carries_over_when_the_pass_is_closed(tmp_path):
    ds = corpus()
    first = BatchMap(Pipeline(lang="fr", dedup=DedupConfig(level="document"), index=tmp_path / "idx"))
    ds.select(range(5)).map(first, batched=True, batch_size=2)
    first.close()
    second = BatchMap(Pipeline(lang="fr", dedup=DedupConfig(level="document"), index=tmp_path / "idx"))
    out = ds.select(range(5, 10)).map(second, batched=True, batch_size=2)
    second.close()
    assert out[REMOVED_COLUMN] == [True, False, False, False, True]  # copies of rows 4 and 1


def test_num_proc_is_refused_when_deduplicating_and_fine_without():
    ds = corpus()
    with pytest.raises(ConfigError, match="num_proc"):
        ds.map(BatchMap(pipeline()), batched=True, batch_size=2, num_proc=2)
    one = ds.map(BatchMap(Pipeline(lang="fr")), batched=True, batch_size=2)
    two = ds.map(BatchMap(Pipeline(lang="fr")), batched=True, batch_size=2, num_proc=2)
    assert one.to_list() == two.to_list()
    assert not any(one[REMOVED_COLUMN]) and SHARE not in one["text"][0]


def test_annotate_is_refused():
    with pytest.raises(ConfigError, match="annotate"):
        BatchMap(Pipeline(dedup=True, annotate=True))


def test_the_readme_example_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Hugging Face `datasets`", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[:1]
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3 2 [False, False, True]", done.stdout


def test_the_cache_fingerprint_changes_once_a_pass_has_state(tmp_path):
    from datasets.fingerprint import Hasher

    fresh = Hasher.hash(BatchMap(pipeline()))
    used = BatchMap(pipeline())
    assert Hasher.hash(used) == fresh  # the same settings give the same result: cached safely
    used({"text": documents(1)})
    assert Hasher.hash(used) != fresh  # it remembers a batch now: its results differ
    used.close()
    with_index = Pipeline(lang="fr", dedup=True, index=tmp_path / "idx")
    assert Hasher.hash(BatchMap(with_index)) != Hasher.hash(BatchMap(with_index))
