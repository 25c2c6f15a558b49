"""Duplicate stages on real extractions: the same wcxb-dev page through several extractors.

Runs the real `cleanse dedup` CLI (one worker) on a JSONL of every page's extractions (see
dedup_real_data.py; extractions are cached) in a seeded shuffled order, and scores it:

Documents (`--level document`). Truth: two extractions of the same page whose word 5-gram
Jaccard (lower-cased `\\w+` tokens of the whole text) is >= the threshold. Predicted: pairs in
one output cluster (removed documents linked to what they duplicate). Hard negatives: extractions
of different pages of one domain (they share its template).
- pair precision: predicted pairs that are the same page, or different pages whose texts reach
  the threshold all the same (one article under two URLs, a cookie notice extracted alone);
  also given: the share that are the same page, and that are true pairs (strict);
- pair recall: true pairs predicted;
- residual pairs: true pairs with both members in the output (what a corpus user sees).

Paragraphs (`--level paragraph`, same documents, document order). Units are paragraphs as
cleanse.dedup.paragraphs defines them (a hard-wrapped paragraph is one unit), of >= 8 words
(lower-cased `\w+` tokens of the text a reader sees: Markdown link targets and images left out).
- precision: removed units with an earlier unit at word 3-gram Jaccard >= 0.6;
- recall: units that have an earlier unit at word 3-gram Jaccard >= 0.9 and were removed.

    python benchmarks/dedup_real.py                  # 300 pages (~2,000 documents)
    python benchmarks/dedup_real.py --pages 0        # every page (1,337)
    git archive BASE cleanse | tar -x -C /tmp/base && python benchmarks/dedup_real.py --code /tmp/base
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_real_data import WORD_RE, extract_all, jaccard, pages, word_ngrams

from cleanse.dedup.paragraphs import paragraph_spans
from cleanse.dedup.stream import strip_markup

ROOT = Path(__file__).resolve().parents[1]
MIN_UNIT_WORDS = 8  # cleanse's min_paragraph_words: shorter lines are never paragraph duplicates


def build_set(limit: int | None, seed: int) -> list[dict[str, str]]:
    """Documents {id, page, domain, extractor, text}: non-empty extractions, shuffled (seeded)."""
    rows = pages(limit)
    texts = extract_all(rows, verbose=False)
    docs = [
        {"id": f"{r['id']}-{name}", "page": r["id"], "domain": r["domain"], "extractor": name,
         "text": by_page[r["id"]]}
        for r in rows
        for name, by_page in texts.items()
        if by_page[r["id"]].strip()
    ]  # fmt: skip
    random.Random(seed).shuffle(docs)
    return docs


def run_cli(
    docs: list[dict[str, str]],
    level: str,
    threshold: float,
    work: Path,
    code: Path = ROOT,
    batch_mb: float = 32,
) -> tuple[dict, float]:
    """Run `cleanse dedup` (the one in folder `code`) on the documents: {id: audit}, wall time."""
    src, out = work / f"in-{level}.jsonl", work / f"out-{level}.jsonl"
    src.write_text(
        "".join(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n" for d in docs),
        encoding="utf-8",
    )
    report = work / f"report-{level}"
    cmd = [sys.executable, "-m", "cleanse", "dedup", str(src), str(out), "--level", level,
           "--threshold", str(threshold), "--workers", "1", "--report", str(report), "-q",
           "--batch-mb", str(batch_mb)]  # fmt: skip
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=code, env=env)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        msg = f"cleanse dedup failed ({done.returncode}): {done.stderr[-2000:]}"
        raise SystemExit(msg)
    audit = {}
    for line in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        audit[rec["id"]] = rec
    return audit, wall


def _clusters(audit: dict[str, dict]) -> dict[str, str]:
    """Document id -> cluster root, from the removed documents' duplicate_of links."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for doc_id, rec in audit.items():
        if rec.get("status") == "removed" and "duplicate_of" in rec:
            a, b = find(doc_id), find(rec["duplicate_of"])
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {x: find(x) for x in audit}


def score_documents(docs: list[dict[str, str]], audit: dict[str, dict], threshold: float) -> dict:
    by_page: dict[str, list[dict[str, str]]] = defaultdict(list)
    pages_of_domain: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        by_page[d["page"]].append(d)
        pages_of_domain[d["domain"]].add(d["page"])
    truth: dict[tuple[str, str], float] = {}
    for group in by_page.values():  # sets built page by page: the whole set would not fit
        sets = {d["id"]: word_ngrams(d["text"], 5) for d in group}
        for x, y in itertools.combinations(sorted(sets), 2):
            j = jaccard(sets[x], sets[y])
            if j >= threshold:
                truth[(x, y)] = j
    negatives = negatives_over = 0
    for page_ids in pages_of_domain.values():
        if len(page_ids) < 2:
            continue
        sets = {d["id"]: word_ngrams(d["text"], 5) for p in page_ids for d in by_page[p]}
        for x, y in itertools.combinations(sorted(sets), 2):
            if x.split("-")[0] != y.split("-")[0]:
                negatives += 1
                negatives_over += jaccard(sets[x], sets[y]) >= threshold
    root = _clusters(audit)
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, r in root.items():
        members[r].append(doc_id)
    predicted = {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}
    page = {d["id"]: d["page"] for d in docs}
    same_page = sum(page[x] == page[y] for x, y in predicted)
    # Pairs of different pages whose texts are duplicates anyway (the same article under two
    # URLs, the same cookie notice extracted alone) are right to merge: checked one by one.
    text = {d["id"]: d["text"] for d in docs}
    cross = [(x, y) for x, y in predicted if page[x] != page[y]]
    cross_j = {(x, y): _reference_jaccard(text[x], text[y]) for x, y in cross}
    cross_dup = sum(j >= threshold for j in cross_j.values())
    strict = len(predicted & truth.keys())
    alive = {i for i, rec in audit.items() if rec.get("status") != "removed"}
    residual = sum(x in alive and y in alive for x, y in truth)
    wrong = sorted((round(j, 3), x, y) for (x, y), j in cross_j.items() if j < threshold)[:5]
    return {
        "documents": len(docs),
        "removed": len(docs) - len(alive),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "pair_precision": (same_page + cross_dup) / len(predicted) if predicted else 1.0,
        "pair_precision_same_page": same_page / len(predicted) if predicted else 1.0,
        "cross_page_pairs": len(cross),
        "cross_page_pairs_duplicate_text": cross_dup,
        "pair_precision_strict": strict / len(predicted) if predicted else 1.0,
        "pair_recall": len(predicted & truth.keys()) / len(truth) if truth else 1.0,
        "residual_pairs": residual,
        "residual_share": residual / len(truth) if truth else 0.0,
        "hard_negative_pairs": negatives,
        "hard_negative_pairs_over_threshold": negatives_over,
        "cross_page_below_threshold_examples": wrong,
    }


def _reference_jaccard(x: str, y: str) -> float:
    """Word 5-gram Jaccard; texts too short for one 5-gram count as 1.0 when their words match."""
    a, b = word_ngrams(x, 5), word_ngrams(y, 5)
    if not a and not b:
        return float(WORD_RE.findall(x.lower()) == WORD_RE.findall(y.lower()))
    return jaccard(a, b)


def removed_lines(rec: dict) -> set[int]:
    """1-based input line numbers a paragraph-level run dropped from one document."""
    if rec.get("status") == "removed":
        return {-1}  # the whole document
    out: set[int] = set()
    for change in rec.get("changes", []):
        if change.get("stage") == "dedup" and change.get("line") is not None:
            first = int(change["line"])
            last = int(change.get("last_line", first + change["before"].count("\n")))
            out.update(range(first, last + 1))
    return out


def _units(docs: list[dict[str, str]]) -> list[tuple[str, int, int, list[str]]]:
    """(doc id, first line, last line, words) of every paragraph of >= MIN_UNIT_WORDS words."""
    units = []
    for d in docs:
        lines = d["text"].split("\n")
        for a, b in paragraph_spans(lines):
            words = WORD_RE.findall(strip_markup(" ".join(lines[a : b + 1])).lower())
            if len(words) >= MIN_UNIT_WORDS:
                units.append((d["id"], a + 1, b + 1, words))
    return units


def earlier_copies(grams: list[list[int]], threshold: float) -> list[float]:
    """Best Jaccard of each set with any earlier set, when >= threshold (else 0): prefix filter."""
    freq: dict[int, int] = defaultdict(int)
    for g in grams:
        for x in g:
            freq[x] += 1
    index: dict[int, list[int]] = defaultdict(list)
    best = [0.0] * len(grams)
    as_sets = [set(g) for g in grams]
    for k, g in enumerate(grams):
        order = sorted(g, key=lambda x: (freq[x], x))
        prefix = order[: len(order) - math.ceil(threshold * len(order)) + 1]
        seen: set[int] = set()
        for x in prefix:
            for other in index[x]:
                if other not in seen:
                    seen.add(other)
                    j = len(as_sets[k] & as_sets[other]) / len(as_sets[k] | as_sets[other])
                    if j >= threshold and j > best[k]:
                        best[k] = j
            index[x].append(k)
    return best


def score_paragraphs(docs: list[dict[str, str]], audit: dict[str, dict]) -> dict:
    units = _units(docs)  # docs are in input order, which is "first seen"
    grams = [sorted({hash(tuple(w[i : i + 3])) for i in range(len(w) - 2)}) for *_, w in units]
    copy9 = earlier_copies(grams, 0.9)
    copy6 = earlier_copies(grams, 0.6)
    dropped = {i: removed_lines(rec) for i, rec in audit.items()}
    removed = partial = found = has_copy = right = 0
    misses: list[tuple[str, int, str]] = []
    wrong: list[tuple[str, int, str]] = []
    for (doc_id, a, b, words), j9, j6 in zip(units, copy9, copy6, strict=True):
        gone = dropped.get(doc_id, set())
        lines = set(range(a, b + 1))
        is_removed = -1 in gone or lines <= gone
        partial += bool(lines & gone) and not is_removed
        removed += is_removed
        right += is_removed and j6 > 0
        if is_removed and not j6 and len(wrong) < 8:
            wrong.append((doc_id, a, " ".join(words[:14])))
        if j9 > 0:
            has_copy += 1
            found += is_removed
            if not is_removed and len(misses) < 5:
                misses.append((doc_id, a, " ".join(words[:12])))
    return {
        "units": len(units),
        "removed_units": removed,
        "partly_removed_units": partial,
        "precision": right / removed if removed else 1.0,
        "units_with_copy_0.9": has_copy,
        "recall": found / has_copy if has_copy else 1.0,
        "missed_examples": misses,
        "wrong_examples": wrong,
    }


def lsh_curve(docs: list[dict[str, str]], threshold: float) -> list[tuple[str, int, float, float]]:
    """Per Jaccard bin of same-page pairs: pairs, share that became LSH candidates, theory.

    Jaccard here is cleanse's own (exact, on its shingle sets), which the banding targets.
    """
    import numpy as np

    from cleanse.dedup import DedupConfig
    from cleanse.dedup import signatures as sig
    from cleanse.dedup.bands import candidate_probability
    from cleanse.dedup.stream import document_stream

    config = DedupConfig(threshold=threshold)
    bands, rows = config.banding
    streams = [document_stream(d["text"].split("\n")) for d in docs]
    _, sigs = sig.sign_texts(streams, config)
    keys = sig.band_keys(sigs, bands, rows)
    values, offs = sig.shingle_sets(streams, config)
    by_page: dict[str, list[int]] = defaultdict(list)
    for k, d in enumerate(docs):
        by_page[d["page"]].append(k)
    edges = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01]
    found: dict[int, list[bool]] = defaultdict(list)
    for members in by_page.values():
        for x, y in itertools.combinations(members, 2):
            a, b = values[offs[x] : offs[x + 1]], values[offs[y] : offs[y + 1]]
            union = len(np.union1d(a, b))
            j = len(np.intersect1d(a, b, assume_unique=True)) / union if union else 0.0
            k = next((i for i in range(len(edges) - 1) if edges[i] <= j < edges[i + 1]), None)
            if k is not None:
                found[k].append(bool((keys[x] == keys[y]).any()))
    out = []
    for k in sorted(found):
        label = f"{edges[k]:.2f}-{min(edges[k + 1], 1.0):.2f}"
        out.append((label, len(found[k]), float(np.mean(found[k])), candidate_probability(edges[k], bands, rows)))
    print(f"-- LSH candidates among same-page pairs, banding {bands} x {rows}")
    print("  jaccard      pairs  candidates  theory at bin start")
    for label, n, share, theory in out:
        print(f"  {label}  {n:7d}  {share:10.4f}  {theory:10.4f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300, help="first N pages; 0 = all (default 300)")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--levels", nargs="+", default=["document", "paragraph"])
    parser.add_argument("--lsh", action="store_true", help="also the LSH recall curve (documents)")
    parser.add_argument("--batch-mb", type=float, default=32, help="cleanse's --batch-mb (default 32)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--code", type=Path, default=ROOT,
        help="a folder holding another cleanse/ to run (e.g. `git archive` of an older commit)",
    )  # fmt: skip
    args = parser.parse_args()
    docs = build_set(args.pages or None, args.seed)
    mb = sum(len(d["text"].encode("utf-8")) for d in docs) / 1e6
    print(f"{len(docs)} documents, {len({d['page'] for d in docs})} pages, {mb:.1f} MB")
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="dedup-real-") as tmp:
        for level in args.levels:
            audit, wall = run_cli(
                docs, level, args.threshold, Path(tmp), args.code.resolve(), args.batch_mb
            )
            if level == "document":
                figures[level] = score_documents(docs, audit, args.threshold)
            else:
                figures[level] = score_paragraphs(docs, audit)
            figures[level]["cli_seconds"] = round(wall, 2)
            print(f"-- {level}")
            for key, value in figures[level].items():
                shown = f"{value:.4f}" if isinstance(value, float) else value
                print(f"  {key:36s} {shown}")
    if args.lsh:
        figures["lsh"] = {"bins": lsh_curve(docs, args.threshold)}  # type: ignore[dict-item]
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
