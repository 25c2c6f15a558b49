"""Precision and recall of cleanse's duplicate stages on planted near-duplicates of real text.

Real paragraphs and documents from ../shared/corpora get seeded copies at known edit rates; the
truth is the exact Jaccard of reference shingle sets. Usage: python benchmarks/dedup_quality.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_common import edit, jaccard, noise, read_novels, shingle_set

from cleanse.dedup import DedupConfig, find_duplicates
from cleanse.dedup.bands import candidate_probability, format_curves
from cleanse.dedup.normalize import normalize

RATES = (0.0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.06, 0.1)


def build(
    level: str, n_families: int, n_background: int, seed: int
) -> tuple[list[tuple[str, list[str]]], dict[str, str]]:
    """Documents in shuffled order, and the family of each planted item."""
    rng = random.Random(seed)
    novels = read_novels(60)
    paras = [p for _, ps in novels for p in ps if len(normalize(p).split()) >= 10]
    items: list[tuple[str, list[str]]] = []
    family: dict[str, str] = {}
    if level == "paragraph":
        picks = rng.sample(paras, n_families + n_background)
        for f, text in enumerate(picks[:n_families]):
            family[f"f{f}-orig"] = f"f{f}"
            items.append((f"f{f}-orig", [text]))
            for k in range(3):
                rate = rng.choice(RATES)
                copy = noise(rng, text) if rate == 0 else edit(rng, text, rate)
                family[f"f{f}-c{k}-{rate}"] = f"f{f}"
                items.append((f"f{f}-c{k}-{rate}", [copy]))
        items += [(f"bg{i}", [t]) for i, t in enumerate(picks[n_families:])]
        rng.shuffle(items)
        # ten paragraphs per pseudo-document: the duplicates are found across documents
        docs = [
            (f"doc{d}", [p for _, ps in items[d * 10 : d * 10 + 10] for p in ps])
            for d in range((len(items) + 9) // 10)
        ]
        names = {
            (f"doc{d}", i): name
            for d in range(len(docs))
            for i, (name, _) in enumerate(items[d * 10 : d * 10 + 10])
        }
        return docs, {"__names__": names, **family}  # type: ignore[dict-item]
    starts = [rng.randrange(len(paras) - 20) for _ in range(n_families + n_background)]
    for f, s in enumerate(starts[:n_families]):
        doc = paras[s : s + 20]
        family[f"f{f}-orig"] = f"f{f}"
        items.append((f"f{f}-orig", doc))
        for k in range(3):
            rate = rng.choice(RATES)
            copy = [edit(rng, p, rate) if rate else noise(rng, p) for p in doc]
            if rng.random() < 0.3:  # a boilerplate paragraph added, like a syndicated copy
                copy.append("Read the full story and more on our partner site, updated every day.")
            family[f"f{f}-c{k}-{rate}"] = f"f{f}"
            items.append((f"f{f}-c{k}-{rate}", copy))
    items += [(f"bg{i}", paras[s : s + 20]) for i, s in enumerate(starts[n_families:])]
    rng.shuffle(items)
    return items, family


def evaluate(level: str, config: DedupConfig, docs: list, family: dict) -> dict[str, float]:  # type: ignore[type-arg]
    names = family.pop("__names__", None) if level == "paragraph" else None
    text = {}
    for doc_id, paras in docs:
        if names:
            for i, p in enumerate(paras):
                text[names[(doc_id, i)]] = [p]
        else:
            text[doc_id] = paras
    t0 = time.perf_counter()
    result = find_duplicates(docs, config)
    elapsed = time.perf_counter() - t0
    links = (
        [
            (names[k], names[(v.duplicate_of, v.duplicate_of_paragraph)])
            for k, v in result.paragraphs.items()
        ]
        if names
        else [(k, v.duplicate_of) for k, v in result.documents.items()]
    )
    if names:
        family["__names__"] = names
    sets: dict[str, set[bytes]] = {}

    def true_j(a: str, b: str) -> float:
        for x in (a, b):
            if x not in sets:
                sets[x] = shingle_set(text[x])
        return jaccard(sets[a], sets[b])

    good = sum(true_j(a, b) >= config.threshold for a, b in links)
    # clusters from the links; recall over planted pairs whose true Jaccard reaches the threshold
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    members = defaultdict(list)
    for name, fam in family.items():
        if name != "__names__":
            members[fam].append(name)
    found = total = 0
    by_bin: dict[float, list[int]] = defaultdict(lambda: [0, 0])

    def in_scope(name: str) -> bool:  # shorter paragraphs are out of scope by design
        return (
            level == "document"
            or len(normalize(text[name][0]).split()) >= config.min_paragraph_words
        )

    for group in members.values():
        group = [g for g in group if in_scope(g)]
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                j = true_j(a, b)
                hit = find(a) == find(b)
                bin_ = min(0.95, round(j * 20 - 0.5) / 20)
                by_bin[bin_][0] += hit
                by_bin[bin_][1] += 1
                if j >= config.threshold:
                    total += 1
                    found += hit
    return {
        "items": len(text),
        "reported": len(links),
        "precision": good / len(links) if links else 1.0,
        "recall": found / total if total else 1.0,
        "true_pairs": total,
        "seconds": elapsed,
        "bins": dict(sorted(by_bin.items())),  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=1500)
    parser.add_argument("--background", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    ours = DedupConfig()
    print(
        f"threshold {ours.threshold}, num_perm {ours.num_perm}, banding {ours.banding} "
        f"(recall at threshold {candidate_probability(ours.threshold, *ours.banding):.4f}); "
        f"datasketch default 9x13 ({candidate_probability(0.8, 9, 13):.4f})\n"
    )
    print(format_curves({"cleanse 21x6": ours.banding, "datasketch 9x13": (9, 13)}, marks=(0.8,)))
    print()
    for level, fam, bg in (
        ("paragraph", args.families, args.background),
        ("document", args.families // 5, args.background // 10),
    ):
        docs, family = build(level, fam, bg, args.seed)
        rows = []
        for name, config in (
            ("cleanse 21x6", DedupConfig(level=level)),
            ("datasketch-banding 9x13", DedupConfig(level=level, bands=9, rows=13)),
        ):
            r = evaluate(level, config, docs, dict(family))
            rows.append((name, r))
        print(
            f"== {level} level: {rows[0][1]['items']} items, {rows[0][1]['true_pairs']} planted pairs with true J >= 0.8"
        )
        print(f"{'banding':<26}{'reported':>9}{'precision':>11}{'recall':>9}{'seconds':>9}")
        for name, r in rows:
            print(
                f"{name:<26}{r['reported']:>9}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['seconds']:>9.2f}"
            )
        print("recall by true-Jaccard bin (pairs found / pairs):")
        print(f"{'J bin':>7}" + "".join(f"{name:>26}" for name, _ in rows))
        for b in rows[0][1]["bins"]:
            print(
                f"{b:7.2f}"
                + "".join(f"{r['bins'][b][0]:>13} / {r['bins'][b][1]:<10}" for _, r in rows)
            )
        print()


if __name__ == "__main__":
    main()
