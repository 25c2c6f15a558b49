"""DuplicateIndex: incremental runs, refusal of mismatched settings, crash safety."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cleanse.dedup import DedupConfig, DuplicateIndex, find_duplicates
from cleanse.dedup.signatures import signature
from cleanse.errors import ConfigError

from .conftest import mutate, random_text

ROOT = Path(__file__).resolve().parents[2]


def _day(rng: random.Random, prefix: str, n: int) -> list[tuple[str, list[str]]]:
    return [(f"{prefix}{i}", [random_text(rng, 50), random_text(rng, 50)]) for i in range(n)]


def _with_near_copies(rng: random.Random, docs: list[tuple[str, list[str]]], copies: int) -> list[tuple[str, list[str]]]:
    """`docs` and a near copy (2 % of words changed) of each of the first `copies`."""
    return docs + [(f"near{k}", [mutate(rng, p, 0.02) for p in docs[k][1]]) for k in range(copies)]


def test_second_run_flags_what_the_first_saw(tmp_path: Path, rng: random.Random) -> None:
    config = DedupConfig()
    day1 = _day(rng, "day1-", 10)
    index = DuplicateIndex.open(tmp_path / "idx", config)
    first = find_duplicates(day1, config, index=index)
    assert first.documents == {} and first.paragraphs == {}
    assert index.count("document") == 10 and index.count("paragraph") == 20

    again = DuplicateIndex.open(tmp_path / "idx", config)
    day2 = _day(rng, "day2-", 5)
    day2 += [
        ("copy-of-3", list(day1[3][1])),
        ("near-of-4", [mutate(rng, p, 0.01) for p in day1[4][1]]),
        ("reuses-a-paragraph", [random_text(rng, 40), day1[7][1][1]]),
    ]
    second = find_duplicates(day2, config, index=again)
    assert second.documents["copy-of-3"].duplicate_of == "day1-3"
    assert (
        second.documents["copy-of-3"].from_index and second.documents["copy-of-3"].kind == "exact"
    )
    assert second.documents["near-of-4"].duplicate_of == "day1-4"
    assert second.documents["near-of-4"].similarity >= 0.8
    para = second.paragraphs[("reuses-a-paragraph", 1)]
    assert (para.duplicate_of, para.duplicate_of_paragraph, para.from_index) == ("day1-7", 1, True)
    assert not any(d.startswith("day2-") for d in second.documents)
    # what run 2 kept is now indexed too; duplicates are not
    assert again.count("document") == 10 + 5 + 1
    sig = again.signature("document", 0)
    np.testing.assert_array_equal(sig, signature(day1[0][1], config))


def test_mismatched_settings_are_refused(tmp_path: Path) -> None:
    DuplicateIndex.open(tmp_path / "idx", DedupConfig())
    with pytest.raises(ConfigError, match=r"num_perm: index has 128, this run has 256"):
        DuplicateIndex.open(tmp_path / "idx", DedupConfig(num_perm=256))
    with pytest.raises(ConfigError, match="seed"):
        DuplicateIndex.open(tmp_path / "idx", DedupConfig(seed=2))
    with pytest.raises(ConfigError, match="word_ngram"):
        DuplicateIndex.open(tmp_path / "idx", DedupConfig(word_ngram=3, short_words=16))
    # keep and level do not change signatures: allowed
    DuplicateIndex.open(tmp_path / "idx", DedupConfig(keep="longest", level="document"))


def test_not_an_index(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a directory"):
        DuplicateIndex.open(tmp_path / "file")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{")
    with pytest.raises(ConfigError, match="unreadable"):
        DuplicateIndex.open(tmp_path / "bad")


CRASH = textwrap.dedent(
    """
    import os, random, signal, sys
    sys.path.insert(0, {root!r})
    from cleanse.dedup import index as ix, DedupConfig, DuplicateIndex, find_duplicates
    from tests.dedup.conftest import random_text
    real = ix._publish
    def publish(src, dst):
        if dst.name == {when!r} or (dst.name.startswith("seg-") and {when!r} == "segment"):
            os.kill(os.getpid(), signal.SIGKILL)  # killed midway, like kill -9
        real(src, dst)
    ix._publish = publish
    rng = random.Random(5)
    docs = [(f"day2-{{i}}", [random_text(rng, 50)]) for i in range(30)]
    find_duplicates(docs, DedupConfig(), index=DuplicateIndex.open({path!r}))
    """
)


@pytest.mark.parametrize("when", ["segment", "manifest.json"])
def test_killed_run_leaves_index_usable(tmp_path: Path, rng: random.Random, when: str) -> None:
    path = str(tmp_path / "idx")
    day1 = _day(rng, "day1-", 8)
    find_duplicates(day1, index=DuplicateIndex.open(path))
    before = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    proc = subprocess.run(
        [sys.executable, "-c", CRASH.format(root=str(ROOT), path=path, when=when)],
        capture_output=True,
        check=False,
    )
    assert proc.returncode == -9, proc.stderr.decode()
    assert json.loads((tmp_path / "idx" / "manifest.json").read_text()) == before
    index = DuplicateIndex.open(path)  # usable, and what the dead run left behind is swept away
    assert index.count("document") == 8
    assert not [
        p for p in (tmp_path / "idx").iterdir() if p.name.startswith((".tmp-", ".manifest-"))
    ]
    result = find_duplicates([("again", list(day1[2][1]))], index=index)
    assert result.documents["again"].duplicate_of == "day1-2"
    assert index.count("document") == 8  # a duplicate adds nothing


def test_index_contents_do_not_depend_on_workers(
    tmp_path: Path, rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleanse.dedup import workers as engine

    monkeypatch.setattr(engine, "CHUNK_CHARS", 300)
    docs = _day(rng, "d", 12)
    docs.append(("copy", list(docs[0][1])))
    results, indexes = [], []
    for workers in (1, 2):
        index = DuplicateIndex.open(tmp_path / f"idx{workers}")
        results.append(find_duplicates(docs, index=index, workers=workers))
        indexes.append(index)
    assert results[0].documents == results[1].documents == {"copy": results[0].documents["copy"]}
    for level in ("document", "paragraph"):
        for x, y in zip(indexes[0].entries(level), indexes[1].entries(level), strict=True):
            np.testing.assert_array_equal(x, y)
        n = indexes[0].count(level)
        np.testing.assert_array_equal(
            indexes[0].signature(level, n - 1), indexes[1].signature(level, n - 1)
        )


def test_an_index_of_an_older_format_is_refused_with_the_rebuild_command(tmp_path: Path) -> None:
    import json

    DuplicateIndex.open(tmp_path / "idx", DedupConfig())
    manifest = tmp_path / "idx" / "manifest.json"
    old = json.loads(manifest.read_text())
    # 1: document sets were unions of lines; 2: no near duplicates (nor their targets) stored
    for version in (1, 2):
        old["version"] = version
        manifest.write_text(json.dumps(old))
        with pytest.raises(
            ConfigError, match=rf"older cleanse \(index format {version}.*cleanse dedup .* --index NEW_DIR"
        ):
            DuplicateIndex.open(tmp_path / "idx", DedupConfig())
    old["version"] = 99
    manifest.write_text(json.dumps(old))
    with pytest.raises(ConfigError, match="newer cleanse"):
        DuplicateIndex.open(tmp_path / "idx", DedupConfig())


def test_a_concurrent_run_does_not_shift_what_targets_point_at(tmp_path: Path, rng: random.Random) -> None:
    config = DedupConfig(level="document")
    first, second = DuplicateIndex.open(tmp_path / "idx", config), DuplicateIndex.open(tmp_path / "idx", config)
    a, e = random_text(rng, 200), random_text(rng, 200)
    near = lambda text: " ".join(w if k != 100 else "changed" for k, w in enumerate(text.split()))
    find_duplicates([("A", [a]), ("B", [near(a)])], config, index=first)
    # `second` was opened before `first` published: its entries come after first's in the index
    find_duplicates([("E", [e]), ("F", [near(e)])], config, index=second)
    _, _, targets = DuplicateIndex.open(tmp_path / "idx", config).entries("document")
    assert targets.tolist() == [-1, 0, -1, 2]


def test_an_index_entry_keeps_under_200_bytes_in_memory(tmp_path: Path, rng: random.Random) -> None:
    config = DedupConfig()
    docs = _with_near_copies(rng, _day(rng, "d", 40), 10)
    index = DuplicateIndex.open(tmp_path / "idx", config)
    find_duplicates(docs, config, index=index)
    for level in ("document", "paragraph"):
        again = DuplicateIndex.open(tmp_path / "idx", config)
        again.entries(level)
        held = sum(a.nbytes for a in again._entries[level] if a.ndim)  # what stays in memory
        per_entry = held / index.count(level)
        # exact hash, 21 band keys, the stored target (root's exact hash), the resolved one
        assert per_entry == 8 + 4 * config.banding[0] + 8 + 8 < 200


def test_targets_hold_whatever_order_runs_finish_in(tmp_path: Path, rng: random.Random) -> None:
    config = DedupConfig(level="document")
    texts = [random_text(rng, 200) for _ in range(3)]
    near = lambda text: " ".join(w if k != 100 else "changed" for k, w in enumerate(text.split()))
    first, second = DuplicateIndex.open(tmp_path / "idx", config), DuplicateIndex.open(tmp_path / "idx", config)
    first.start_run("r1")
    second.start_run("r2")
    find_duplicates([("A", [texts[0]]), ("B", [near(texts[0])])], config, index=first)
    find_duplicates([("X", [texts[1]]), ("E", [texts[2]]), ("F", [near(texts[2])])], config, index=second)
    second.finish_run()  # r2's segment joins the index before r1's, which was written first
    first.finish_run()
    index = DuplicateIndex.open(tmp_path / "idx", config)
    _, _, targets = index.entries("document")
    names = [index.describe("document", k)[0] for k in range(len(targets))]
    assert names == ["X", "E", "F", "A", "B"]
    assert targets.tolist() == [-1, -1, 1, -1, 3]
    later = find_duplicates([("B2", [near(near(texts[0]))])], config, index=index)
    assert later.documents["B2"].duplicate_of in {"A", "B"}


def test_a_released_index_reads_the_same_entries_again(tmp_path: Path, rng: random.Random) -> None:
    config = DedupConfig()
    docs = _with_near_copies(rng, _day(rng, "d", 20), 5)
    index = DuplicateIndex.open(tmp_path / "idx", config)
    find_duplicates(docs, config, index=index)
    items = np.array([0, 3, index.count("paragraph") - 1])
    before = {
        level: ([a.copy() for a in index.entries(level)], index.sets(level, items[:2]))
        for level in ("document", "paragraph")
    }
    described = [index.describe("paragraph", int(i)) for i in items]
    index.release()
    assert not index._entries and not index._files  # nothing held in memory
    for level, (arrays, (values, offsets)) in before.items():
        for old, new in zip(arrays, index.entries(level), strict=True):
            np.testing.assert_array_equal(old, new)
        again_values, again_offsets = index.sets(level, items[:2])
        np.testing.assert_array_equal(values, again_values)
        np.testing.assert_array_equal(offsets, again_offsets)
    assert [index.describe("paragraph", int(i)) for i in items] == described
    assert described[0] == ("d0", 0) and described[1] == ("d1", 1)
    # a later batch of the same run finds what the released index held
    later = find_duplicates([("copy", list(docs[2][1]))], config, index=index)
    assert later.documents["copy"].duplicate_of == "d2"
