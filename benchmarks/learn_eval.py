"""Score `learn_boilerplate` on a seeded multi-page-per-site corpus built from real text.

Each synthetic site wraps real paragraphs (../shared/corpora, novels) in a template made of the real
boilerplate lines of one eval page (../shared/eval/readability-pages: its lines before the first and
after the last content line), with per-page variation: dates, counters, dropped template lines,
"related" headlines drawn per page, body sentences shared by two articles, and a wire paragraph
syndicated across many articles of a site. Precision = learned rules that are template lines.

    python benchmarks/learn_eval.py [--data DIR] [--corpora DIR] [--sites 8] [--docs 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleanse.learn import LearnConfig, learn_boilerplate, line_key

DEFAULT_DATA = REPO / ".." / "shared" / "eval" / "readability-pages"
DEFAULT_CORPORA = REPO / ".." / "shared" / "corpora"
MONTHS = ["January", "March", "May", "June", "October", "December", "janvier", "mars", "juillet"]


def load_templates(data: Path) -> list[tuple[str, list[str], list[str]]]:
    """(page id, header lines, footer lines) of every real page with a real header and footer."""
    out = []
    for row in (data / "index.jsonl").read_text(encoding="utf-8").splitlines():
        meta = json.loads(row)
        if meta["likely_synthetic"]:
            continue
        lines = (data / f"{meta['id']}.raw.txt").read_text(encoding="utf-8").split("\n")
        labels = json.loads((data / f"{meta['id']}.labels.json").read_text(encoding="utf-8"))
        labels = labels["labels"]
        content = [i for i, y in enumerate(labels) if y]
        if not content:
            continue
        header = [x.strip() for x in lines[: content[0]] if x.strip()]
        footer = [x.strip() for x in lines[content[-1] + 1 : len(labels)] if x.strip()]
        if len(header) >= 3 and len(footer) >= 3:
            out.append((meta["id"], header[:40], footer[:40]))
    return out


def load_paragraphs(corpora: Path, rng: random.Random, files: int = 12) -> list[list[str]]:
    """Runs of real paragraphs (20+ words) from a few novels of each language."""
    runs = []
    for lang_dir in ("eltec-eng", "eltec-fra"):
        names = sorted((corpora / lang_dir).glob("*.txt"))
        for path in rng.sample(names, min(files, len(names))):
            paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n")]
            runs.append([p for p in paras if len(p.split()) >= 20])
    return [r for r in runs if len(r) > 50]


def vary(line: str, rng: random.Random) -> str:
    """Per-page variation of a template line: its numbers change."""
    out, i = [], 0
    while i < len(line):
        if line[i].isdigit():
            j = i
            while j < len(line) and line[j].isdigit():
                j += 1
            out.append(str(rng.randint(1, 10 ** (j - i))))
            i = j
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def build_corpus(
    templates: Sequence[tuple[str, list[str], list[str]]],
    runs: Sequence[list[str]],
    sites: int,
    docs: int,
    seed: int,
) -> tuple[list[tuple[str, str, str]], dict[str, set[str]], set[str]]:
    """Return (documents, template keys per site, keys of body paragraphs)."""
    rng = random.Random(seed)
    chosen = rng.sample(list(templates), min(sites, len(templates)))
    pool = [x for _tid, h, f in templates for x in h + f]
    corpus: list[tuple[str, str, str]] = []
    template_keys: dict[str, set[str]] = {}
    body_keys: set[str] = set()
    for s, (tid, header, footer) in enumerate(chosen):
        site = f"site{s}-{tid}.example"
        header = [*header, "Updated 3 May 2021 at 10:30", "12 comments"]
        template_keys[site] = {line_key(x) for x in header + footer}
        run = rng.choice(runs)
        wire = rng.choice(run)  # syndicated across many articles, mid-body
        shared = rng.choice(run)  # shared by two articles
        for d in range(docs):
            start = rng.randrange(0, len(run) - 15)
            body = run[start : start + rng.randint(3, 12)]
            if d % 3 == 0:
                body.insert(len(body) // 2, wire)
            if d in (1, 2):
                body.insert(1, shared)
            body_keys.update(line_key(p) for p in body)
            head = [vary(x, rng) for x in header if rng.random() > 0.1]
            foot = [vary(x, rng) for x in footer if rng.random() > 0.1]
            related = rng.sample(pool, 3)
            lines = [*head, "", *body, "", *related, *foot]
            corpus.append((f"{site}/{d:03d}.txt", site, "\n".join(lines)))
    rng.shuffle(corpus)
    return corpus, template_keys, body_keys


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--sites", type=int, default=8)
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0, help="print N false positives / misses")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    templates = load_templates(args.data)
    runs = load_paragraphs(args.corpora, rng)
    corpus, template_keys, body_keys = build_corpus(
        templates, runs, args.sites, args.docs, args.seed
    )
    cfg = LearnConfig()
    t0 = time.perf_counter()
    learned = learn_boilerplate(corpus, cfg)
    secs = time.perf_counter() - t0
    tp = [r for r in learned if r.key in template_keys[r.site]]
    fp = [r for r in learned if r.key not in template_keys[r.site]]
    body_hits = [r for r in learned if r.key in body_keys]
    # Recall against the template lines present in at least min_share of a site's pages.
    present = {site: set() for site in template_keys}
    counts: dict[tuple[str, str], int] = {}
    for _doc_id, site, text in corpus:
        for key in {line_key(x.strip()) for x in text.split("\n") if x.strip()}:
            if key in template_keys[site]:
                counts[site, key] = counts.get((site, key), 0) + 1
    for (site, key), n in counts.items():
        if n >= max(cfg.min_docs, cfg.min_share * args.docs):
            present[site].add(key)
    found = sum(1 for r in tp if r.key in present[r.site])
    total = sum(len(v) for v in present.values())
    precision = len(tp) / len(learned) if len(learned) else 1.0
    toml_text = learned.to_toml()
    print(f"{len(corpus)} documents, {len(template_keys)} sites, seed {args.seed}, {secs:.2f} s")
    print(
        f"rules proposed {len(learned)}  template {len(tp)}  other {len(fp)}  "
        f"body paragraphs proposed {len(body_hits)}"
    )
    print(
        f"precision {precision:.3f}  recall {found / total if total else 1.0:.3f} "
        f"(of {total} template lines recurring in >= {cfg.min_share:.0%} of pages)"
    )
    print(f"to_toml: {len(toml_text.splitlines())} lines")
    for r in fp[: args.show]:
        print(f"  FP {r.id}: {r.example[:90]!r} ({r.documents}/{r.of}, {r.position})")
    return 0 if not body_hits else 1


if __name__ == "__main__":
    raise SystemExit(main())
