"""Whole-run speed, A/B: `cleanse run` over one JSONL of real novels, for two checkouts.

    python benchmarks/run_speed.py --mb 20 --rounds 2 OLD_CHECKOUT NEW_CHECKOUT
    python benchmarks/run_speed.py --workers-split --mb 200 --rounds 2    # -j 1 against -j 2
    python benchmarks/run_speed.py --workers-split --mb 50 --base BEFORE_CHECKOUT

Builds about `--mb` MB of documents from ../shared/corpora (benchmarks/corpus.py) once, then
runs `python -m cleanse run SRC.jsonl OUT.jsonl` with each checkout first on PYTHONPATH,
alternating A, B, A, B... so both meet the same machine load, and prints each checkout's
wall-clock and CPU seconds (user + system of the run; steadier on a loaded machine) per round,
best and median, and B's medians relative to A's.

`--workers-split` runs this checkout's `cleanse run` with 1 and with 2 workers, alternated, on
the same file, checks that both outputs (corpus, audit) are the same bytes, and splits each
run's CPU time into the parent's (reading, writing, the audit, the duplicate stages, handing
documents to the workers and back) and the workers'. On a shared machine the wall-time ratio
follows the load; the split does not, and bounds what 2 idle cores could give: a 2-worker run
takes at least max(parent CPU, all CPU / 2), so the speed-up is at most
CPU(-j 1) / max(parent CPU(-j 2), CPU(-j 2) / 2).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_documents
from memory import perturb

ROOT = Path(__file__).resolve().parent.parent


def one_run(checkout: Path, src: Path, work: Path, workers: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one `cleanse run` (CPU: the run and its worker processes)."""
    out = work / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    args = [sys.executable, "-m", "cleanse", "run", str(src), str(out), "--workers", str(workers), "-q", "--overwrite"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, cwd=work)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# Runs `cleanse run` in this interpreter and reports its own CPU time and its workers' (children).
SPLIT_PROBE = """
import json, os, resource, sys
from cleanse.cli import main
code = main(sys.argv[1:])
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"parent": own.ru_utime + own.ru_stime, "workers": kids.ru_utime + kids.ru_stime,
                  "sys": own.ru_stime + kids.ru_stime, "rss_mb": own.ru_maxrss / 1024,
                  "workers_rss_mb": kids.ru_maxrss / 1024}), file=sys.stderr)
sys.exit(code)
"""


def split_run(src: Path, out: Path, workers: int, root: Path = ROOT) -> dict[str, float]:
    """Wall seconds and the CPU split of one `cleanse run -j workers` of the checkout `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    args = [sys.executable, "-c", SPLIT_PROBE, "run", str(src), str(out), "-j", str(workers), "-q", "--overwrite"]
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=src.parent, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        msg = f"cleanse run -j {workers} failed: {done.stderr[-2000:]}"
        raise SystemExit(msg)
    split = json.loads(done.stderr.strip().splitlines()[-1])
    return {"wall": wall, **split, "cpu": split["parent"] + split["workers"]}


def sized_documents(mb: float, seed: int = 1) -> list[str]:
    """About `mb` MB of documents: the novels (about 116 MB of them), then perturbed copies of
    them (memory.py's: some words replaced, paragraphs dropped or repeated) up to the size."""
    docs = load_documents(mb)
    size = sum(len(d.encode("utf-8")) for d in docs)
    rng = random.Random(seed)
    vocabulary = [w for doc in docs[:200] for w in doc.split(" ")[:50]]
    originals = list(docs)
    while size < mb * 1e6:
        copy = perturb(originals[len(docs) % len(originals)], rng, vocabulary)
        docs.append(copy)
        size += len(copy.encode("utf-8"))
    return docs


def workers_split(
    mb: float, rounds: int, base: Path | None = None, keep: Path | None = None, jobs: tuple[int, ...] = (1, 2),
) -> None:
    """`cleanse run -j 1` against `-j 2`, alternated; same bytes; the CPU split of each. With
    `base`, that checkout's pair runs too, alternated with this one's (before / after). `jobs`:
    `(2,)` runs -j 2 alone (the parent's and the workers' CPU, before / after, in half the time)."""
    checkouts = {"this": ROOT} if base is None else {"base": base.resolve(), "this": ROOT}
    with tempfile.TemporaryDirectory(prefix="cleanse-run-workers-") as tmp:
        work = Path(tmp)
        src = keep if keep is not None and keep.exists() else work / "src.jsonl"
        if not src.exists():
            docs = sized_documents(mb)
            with src.open("w", encoding="utf-8") as fh:
                for n, text in enumerate(docs):
                    fh.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
        lines = sum(1 for _ in src.open("rb"))
        print(f"{src.stat().st_size / 1e6:.1f} MB, {lines} documents; load average {os.getloadavg()[0]:.2f} at the start", flush=True)
        runs: dict[tuple[str, int], list[dict[str, float]]] = {}
        outputs = []
        for _ in range(rounds):
            for name, root in checkouts.items():
                for workers in jobs:
                    out = work / f"out-{name.replace(', ', '-').replace(' ', '')}-{workers}" / src.name
                    runs.setdefault((name, workers), []).append(split_run(src, out, workers, root))
                    outputs.append(out.parent)
                    print(f"  {name} -j {workers}: " + ", ".join(f"{k} {v:.1f}" for k, v in runs[name, workers][-1].items()) + f" (load {os.getloadavg()[0]:.1f})", flush=True)
        same = all(
            filecmp.cmp(outputs[0] / name, other / name, shallow=False)
            for other in outputs[1:]
            for name in (src.name, f".cleanse/{src.name}/audit.jsonl")
        )
    for name in checkouts:
        med = {w: {k: statistics.median(r[k] for r in runs[name, w]) for k in runs[name, w][0]} for w in jobs}
        print(f"{name} ({checkouts[name]}):")
        for w in jobs:
            m = med[w]
            print(f"  -j {w} (median of {rounds}): wall {m['wall']:.1f} s, cpu {m['cpu']:.1f} s = parent {m['parent']:.1f} + workers {m['workers']:.1f} (system {m['sys']:.1f}), peak RSS of the parent {m['rss_mb']:.0f} MB, of the largest child {m['workers_rss_mb']:.0f} MB (a forked child counts the pages it shares)")
        if set(jobs) != {1, 2}:
            continue
        bound = med[1]["cpu"] / max(med[2]["parent"], med[2]["cpu"] / 2)
        print(f"  wall ratio -j 1 / -j 2: {med[1]['wall'] / med[2]['wall']:.2f}x (goal >= 1.8)")
        print(f"  cpu -j 2 / -j 1: {med[2]['cpu'] / med[1]['cpu']:.2f}; bound on 2 idle cores: {bound:.2f}x")
    print(f"outputs identical (corpus, audit; every run): {same}; load average now {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("checkouts", nargs="*", type=Path, help="A (before) and B (after)")
    parser.add_argument("--workers-split", action="store_true", help="this checkout, -j 1 against -j 2")
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--base", type=Path, help="--workers-split: also time this checkout (before)")
    parser.add_argument("--src", type=Path, help="--workers-split: this JSONL (made if missing)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="--workers-split: these -j only (1 2 by default)")
    args = parser.parse_args()
    if args.workers_split:
        workers_split(args.mb, args.rounds, args.base, args.src, tuple(args.jobs))
        return
    if len(args.checkouts) != 2:
        parser.error("give two checkouts, A (before) and B (after), or --workers-split")
    with tempfile.TemporaryDirectory(prefix="cleanse-run-speed-") as tmp:
        work = Path(tmp)
        src = work / "src.jsonl"
        docs = load_documents(args.mb)
        with src.open("w", encoding="utf-8") as fh:
            for n, text in enumerate(docs):
                fh.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
        print(f"{src.stat().st_size / 1e6:.1f} MB, {len(docs)} documents, workers={args.workers}")
        runs: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
        for _ in range(args.rounds):
            for side in (0, 1):
                runs[side].append(one_run(args.checkouts[side].resolve(), src, work, args.workers))
        medians = {}
        for side, name in ((0, "A"), (1, "B")):
            for kind, k in (("wall", 0), ("cpu", 1)):
                values = [r[k] for r in runs[side]]
                medians[side, kind] = statistics.median(values)
                listed = ", ".join(f"{v:.1f}" for v in values)
                print(f"{name} {kind} {args.checkouts[side]}: {listed} s; best {min(values):.1f}, median {medians[side, kind]:.1f}")
        for kind in ("wall", "cpu"):
            print(f"B/A median {kind}: {medians[1, kind] / medians[0, kind]:.3f}")


if __name__ == "__main__":
    main()
