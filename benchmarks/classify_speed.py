"""Speed of the line classifier on raw pages, this checkout against another tree, in one run.

    git archive BASE cleanse rules | tar -x -C /tmp/base
    python benchmarks/classify_speed.py --code /tmp/base [--rounds 3] [--limit 300]
    python benchmarks/classify_speed.py --code /tmp/base --sets novels
    python benchmarks/classify_speed.py --bad [--code /tmp/base]    # hostile pages: time, memory

Each measurement is a child process (PYTHONPATH = the tree) that classifies every page of a set
with `classify_lines` (the default config: the fitted model on page dumps) after one warm-up
call and emptying the line caches, and reports its CPU time; the trees take turns, `--rounds` times, and the table gives
each tree's best and median round and the ratio of the medians. Sets: the naive scrapes of
../shared/eval/wcxb-dev (`docs/*.raw.txt` with their labelled language) and the real pages of
../shared/eval/readability-pages; `--sets novels` adds 2.5 MB of the ELTeC novels of
../shared/corpora as documents of 40 paragraphs, language guessed (the other half of what
`clean_speed.py` cleans).

`--bad` times the hostile pages of issue 12 instead, one child each (CPU seconds and peak RSS):
one line of 10 MB, 100,000 one-word lines (all distinct), and a page of 2 MB of Chinese and Thai
lines without spaces (all distinct).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("wcxb-dev", "readability-pages", "novels")
DEFAULT_SETS = ("wcxb-dev", "readability-pages")
NOVELS_MB = 2.5  # documents of 40 paragraphs of the ELTeC novels, as clean_speed.py builds them
BAD = ("one-10mb-line", "100k-one-word-lines", "no-spaces-2mb")


def _pages(name: str, limit: int | None) -> list[tuple[list[str], str]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from boilerplate_eval import DEFAULT_DATA, load_pages
    from wcxb_eval import WCXB, load_wcxb

    if name == "wcxb-dev":
        return [(p.lines, p.lang) for p in load_wcxb(WCXB, limit)]
    if name == "novels":
        from corpus import DEFAULT_CORPORA, load_documents

        return [(doc.split("\n"), "und") for doc in load_documents(NOVELS_MB, DEFAULT_CORPORA)]
    return [(p.lines, p.lang) for p in load_pages(DEFAULT_DATA)]


def _bad_page(name: str) -> tuple[list[str], str]:
    if name == "one-10mb-line":
        sentence = "the council voted to close the old bridge after an inspection found cracks. "
        return [(sentence * (10_000_000 // len(sentence))).strip()], "en"
    if name == "100k-one-word-lines":
        return [f"word{i}" for i in range(100_000)], "en"
    zh = "东京都政府星期二宣布了一项新的城市规划方案，旨在改善公共交通并减少拥堵。"
    th = "รัฐบาลประกาศแผนพัฒนาเมืองใหม่เพื่อปรับปรุงระบบขนส่งสาธารณะและลดความแออัด"
    lines, size = [], 0
    while size < 2_000_000:
        k = len(lines)
        line = (zh * 20 if k % 2 else th * 12) + f"{k}。"  # every line distinct
        lines.append(line)
        size += len(line.encode("utf-8"))
    return lines, "und"


def child(kind: str, name: str, limit: int | None, batch: int) -> None:
    """Classify one set (or one bad page) with the cleanse on PYTHONPATH; print JSON."""
    from cleanse.classify import classifier as classifier_module
    from cleanse.classify import classify_lines, features, wordscore

    docs = [_bad_page(name)] if kind == "bad" else _pages(name, limit)
    size = sum(len("\n".join(lines).encode("utf-8")) for lines, _ in docs) / 1e6
    # Warm up outside the timing: a compiled kernel's first call loads it (a fixed cost per
    # process, about 0.4 s, not a cost per MB).
    classify_lines(["Home", "News", "The council voted on Tuesday.", "Share", "Contact"], "en")
    features.clear_cache()
    wordscore.clear_cache()
    # `--batch N`: N documents per `classify_documents` call, where the tree has it.
    many = getattr(classifier_module, "classify_documents", None) if batch > 1 else None
    t0 = time.process_time()
    kept = 0
    if many is None:
        for lines, lang in docs:
            kept += sum(v.keep for v in classify_lines(lines, lang))
    else:
        for start in range(0, len(docs), batch):
            for verdicts in many(docs[start : start + batch]):
                kept += sum(v.keep for v in verdicts)
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mb": size, "cpu": cpu, "rss": rss, "kept": kept}))


def run_child(
    tree: Path, kind: str, name: str, limit: int | None, batch: int = 1
) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", kind, name, "--batch", str(batch)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        msg = f"{' '.join(cmd)} failed: {done.stderr[-2000:]}"
        raise SystemExit(msg)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--code", type=Path, default=None, help="another tree to time beside this one")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None, help="only the first N wcxb-dev pages")
    ap.add_argument("--sets", nargs="+", choices=SETS, default=list(DEFAULT_SETS))
    ap.add_argument("--bad", action="store_true", help="time the hostile pages instead")
    ap.add_argument(
        "--batch",
        type=int,
        default=1,
        help="documents per classify_documents call (trees without it: one by one)",
    )
    ap.add_argument("--child", nargs=2, metavar=("KIND", "NAME"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.limit, args.batch)
        return
    trees = {"this checkout": ROOT, **({str(args.code): args.code} if args.code else {})}
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    if args.bad:
        for name in BAD:
            for label, tree in trees.items():
                r = run_child(tree, "bad", name, None)
                print(f"  {name:<22} {label:<28} {r['mb']:6.1f} MB {r['cpu']:7.2f} s CPU "
                      f"{r['mb'] / r['cpu']:6.2f} MB/s  peak RSS {r['rss']:6.0f} MB  kept {r['kept']}")  # fmt: skip
        return
    for name in args.sets:
        cpu: dict[str, list[float]] = {label: [] for label in trees}
        kept: dict[str, int] = {}
        size = 0.0
        for _ in range(args.rounds):
            for label, tree in trees.items():
                r = run_child(tree, "set", name, args.limit, args.batch)
                cpu[label].append(r["cpu"])
                kept[label], size = int(r["kept"]), r["mb"]
        print(f"{name}: {size:.1f} MB, classify_lines CPU seconds over {args.rounds} rounds")
        for label, times in cpu.items():
            med = statistics.median(times)
            print(f"  {label:<30} best {min(times):6.2f} s  median {med:6.2f} s  "
                  f"{size / med:5.2f} MB/s  lines kept {kept[label]}")  # fmt: skip
        if len(trees) == 2:
            a, b = (statistics.median(t) for t in cpu.values())
            print(f"  ratio (median): this checkout is {b / a:.2f}x the other tree's speed")


if __name__ == "__main__":
    main()
