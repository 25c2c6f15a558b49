"""find_duplicates: the seeds, planted clusters, near-misses, keep policies, determinism."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.dedup import DedupConfig, engine, find_duplicates
from cleanse.dedup import workers as sign_workers
from cleanse.dedup.shingles import shingles
from cleanse.errors import ConfigError, InputError

from .conftest import mutate, random_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
HEADLINE = "La mise en scène du rapprochement entre Moscou et Pyongyang"


def seed_docs() -> list[tuple[str, list[str]]]:
    return [
        (p.name, [line for line in p.read_text(encoding="utf-8").splitlines() if line.strip()])
        for p in sorted(SEEDS.glob("*.txt"))
    ]


def true_jaccard(x: str, y: str) -> float:
    a, b = set(shingles(x)), set(shingles(y))
    return len(a & b) / len(a | b)


def partition(result: engine.DedupResult) -> set[frozenset[str]]:
    """Clusters of documents as sets of ids, rebuilt from the duplicate_of links."""
    groups: dict[str, set[str]] = {}
    for doc, dup in result.documents.items():
        merged = groups.get(doc, {doc}) | groups.get(dup.duplicate_of, {dup.duplicate_of})
        for member in merged:
            groups[member] = merged
    return {frozenset(g) for g in groups.values()}


def test_seed_001_headline_kept_once() -> None:
    docs = seed_docs()
    result = find_duplicates(docs)
    assert result.documents == {}
    assert {doc for doc, _ in result.paragraphs} == {"001_86e46f91a25bda8f.txt"}
    paras = dict(docs)["001_86e46f91a25bda8f.txt"]
    kept = [
        i
        for i, p in enumerate(paras)
        if HEADLINE in p and ("001_86e46f91a25bda8f.txt", i) not in result.paragraphs
    ]
    assert len(kept) == 1
    assert sum(HEADLINE in p for p in paras) == 5
    for dup in result.paragraphs.values():
        assert dup.duplicate_of == "001_86e46f91a25bda8f.txt"
        assert dup.duplicate_of_paragraph is not None
        assert dup.similarity >= 0.8


def test_short_paragraphs_are_never_duplicates() -> None:
    body = "A long enough paragraph about one thing and another that will not repeat at all here"
    docs = [
        ("a", ["Chapter One", "Source link", body + " alpha"]),
        (
            "b",
            [
                "Chapter One",
                "Source link",
                body.replace("thing", "matter") + " beta",
                "Chapter One",
            ],
        ),
    ]
    result = find_duplicates(docs, DedupConfig(level="paragraph"))
    assert all(docs[0][1][0] not in k for k in result.paragraphs)
    assert ("b", 0) not in result.paragraphs and ("b", 3) not in result.paragraphs
    assert ("b", 1) not in result.paragraphs


def test_planted_clusters(rng: random.Random) -> None:
    config = DedupConfig()
    docs: list[tuple[str, list[str]]] = []
    expected_dup: set[str] = set()
    near_misses: list[str] = []
    for c in range(12):
        base = random_text(rng, 300)
        docs.append((f"c{c}-orig", [base]))
        docs.append((f"c{c}-exact", [base.upper().replace(".", " ! ")]))
        expected_dup.add(f"c{c}-exact")
        for rate in (0.002, 0.01, 0.02):
            copy = mutate(rng, base, rate)
            name = f"c{c}-near{rate}"
            docs.append((name, [copy]))
            if true_jaccard(base, copy) >= config.threshold:
                expected_dup.add(name)
        # a near-miss: edit until the true Jaccard falls just below the threshold
        rate, miss = 0.02, base
        while true_jaccard(base, miss) >= config.threshold - 0.005:
            miss = mutate(random.Random(rate), base, rate)
            rate += 0.001
        docs.append((f"c{c}-miss", [miss]))
        near_misses.append(f"c{c}-miss")
    for d in range(20):
        docs.append((f"distinct{d}", [random_text(rng, 200)]))
    result = find_duplicates(docs, config)
    flagged = set(result.documents)
    assert expected_dup <= flagged
    for name in flagged:
        dup = result.documents[name]
        assert dup.similarity >= config.threshold
        orig = dict(docs)[dup.duplicate_of][0]
        assert true_jaccard(dict(docs)[name][0], orig) == pytest.approx(dup.similarity, abs=1e-3)
    # a near-miss may only be flagged through a verified edge to some other copy, never to its base
    for name in near_misses:
        if name in flagged:
            target = result.documents[name].duplicate_of
            assert true_jaccard(dict(docs)[name][0], dict(docs)[target][0]) >= config.threshold
    assert not any(n.startswith("distinct") for n in flagged)
    for name in flagged:  # duplicate_of links lead to a kept document, never round in circles
        seen = {name}
        while name in result.documents:
            name = result.documents[name].duplicate_of
            assert name not in seen
            seen.add(name)
    assert all(result.documents[f"c{c}-exact"].kind == "exact" for c in range(12))


def test_near_miss_pair_alone_does_not_merge(rng: random.Random) -> None:
    base = random_text(rng, 400)
    rate = 0.025
    miss = mutate(random.Random(1), base, rate)
    while true_jaccard(base, miss) >= 0.8:
        rate += 0.001
        miss = mutate(random.Random(1), base, rate)
    assert true_jaccard(base, miss) > 0.7
    result = find_duplicates([("a", [base]), ("b", [miss])])
    assert result.documents == {}
    lower = find_duplicates([("a", [base]), ("b", [miss])], DedupConfig(threshold=0.7))
    assert set(lower.documents) == {"b"}


def _cluster_docs(rng: random.Random) -> list[tuple[str, list[str]]]:
    docs = []
    for c in range(6):
        base = [random_text(rng, 60) for _ in range(4)]
        docs.append((f"c{c}-a", base))
        docs.append(
            (f"c{c}-b", [*base, "An extra closing paragraph that the copy adds at its end."])
        )
        docs.append((f"c{c}-c", [mutate(rng, p, 0.01) for p in base]))
        docs.append((f"u{c}", [random_text(rng, 60) for _ in range(3)]))
    shared = random_text(rng, 40)
    for i in range(4):
        docs.append((f"syndicated{i}", [random_text(rng, 50), shared, random_text(rng, 50)]))
    return docs


def test_keep_policies(rng: random.Random) -> None:
    docs = _cluster_docs(rng)
    first = find_duplicates(docs, DedupConfig(keep="first"))
    assert {d for d in first.documents if d.startswith("c0")} == {"c0-b", "c0-c"}
    assert first.documents["c0-b"].duplicate_of == "c0-a"
    longest = find_duplicates(docs, DedupConfig(keep="longest"))
    assert "c0-b" not in longest.documents and "c0-a" in longest.documents
    assert longest.documents["c0-a"].duplicate_of == "c0-b"
    none = find_duplicates(docs, DedupConfig(keep="none"))
    assert {"c0-a", "c0-b", "c0-c"} <= set(none.documents)
    # the syndicated paragraph stays in the first article only
    for result in (first,):
        assert ("syndicated0", 1) not in result.paragraphs
        for i in (1, 2, 3):
            dup = result.paragraphs[(f"syndicated{i}", 1)]
            assert (dup.duplicate_of, dup.duplicate_of_paragraph, dup.kind) == (
                "syndicated0",
                1,
                "exact",
            )


def test_deterministic_across_workers_and_order(
    rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _cluster_docs(rng)
    one = find_duplicates(docs, workers=1)
    monkeypatch.setattr(
        sign_workers, "CHUNK_CHARS", 500
    )  # many chunks, so two workers really share
    two = find_duplicates(docs, workers=2)
    assert one.documents == two.documents and one.paragraphs == two.paragraphs
    assert one.clusters == two.clusters
    shuffled = docs[:]
    random.Random(3).shuffle(shuffled)
    other = find_duplicates(shuffled, workers=2)
    assert partition(other) == partition(one)
    assert len(other.documents) == len(one.documents)


def test_level_switches(rng: random.Random) -> None:
    docs = _cluster_docs(rng)
    assert find_duplicates(docs, DedupConfig(level="document")).paragraphs == {}
    only_paras = find_duplicates(docs, DedupConfig(level="paragraph"))
    assert only_paras.documents == {} and only_paras.paragraphs


def test_bad_input_and_config() -> None:
    with pytest.raises(InputError, match="unique"):
        find_duplicates([("a", ["x"]), ("a", ["y"])])
    with pytest.raises(ConfigError, match="threshold"):
        DedupConfig(threshold=1.5)
    with pytest.raises(ConfigError, match="keep"):
        DedupConfig(keep="last")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
        ),
        min_size=8,
        max_size=40,
    )
)
def test_exact_copies_always_caught(words: list[str]) -> None:
    text = " ".join(words)
    result = find_duplicates([("a", [text]), ("b", ["Something else entirely."]), ("c", [text])])
    assert result.documents["c"].duplicate_of == "a"
    assert result.documents["c"].similarity == 1.0


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_whitespace_noise_does_not_change_results(data: st.DataObject) -> None:
    rng = random.Random(data.draw(st.integers(0, 10**6)))
    docs = [(f"d{i}", [random_text(rng, 30), random_text(rng, 30)]) for i in range(4)]
    docs.append(("copy", [docs[0][1][0], mutate(rng, docs[1][1][1], 0.0)]))
    noisy = [
        (
            name,
            [
                "  " + p.replace(" ", data.draw(st.sampled_from([" ", "  ", "\t", " \n "]))) + " \n"
                for p in paras
            ],
        )
        for name, paras in docs
    ]
    assert find_duplicates(docs).paragraphs == find_duplicates(noisy).paragraphs
    assert find_duplicates(docs).documents == find_duplicates(noisy).documents


def test_empty_inputs() -> None:
    assert find_duplicates([]).documents == {}
    result = find_duplicates([("a", []), ("b", ["  ", ""]), ("c", []), ("d", ["x y z"])])
    assert result.documents == {} and result.paragraphs == {}
