"""Whole-run speed, A/B: `cleanse run` over one JSONL of real novels, for two checkouts.

    python benchmarks/run_speed.py --mb 20 --rounds 2 OLD_CHECKOUT NEW_CHECKOUT

Builds about `--mb` MB of documents from ../shared/corpora (benchmarks/corpus.py) once, then
runs `python -m cleanse run SRC.jsonl OUT.jsonl` with each checkout first on PYTHONPATH,
alternating A, B, A, B... so both meet the same machine load, and prints each checkout's
wall-clock seconds (every round, best, median) and B's median relative to A's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_documents


def one_run(checkout: Path, src: Path, work: Path, workers: int) -> float:
    out = work / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    args = [sys.executable, "-m", "cleanse", "run", str(src), str(out), "--workers", str(workers), "-q", "--overwrite"]
    started = time.perf_counter()
    subprocess.run(args, check=True, env=env, cwd=work)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("checkouts", nargs=2, type=Path, help="A (before) and B (after)")
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleanse-run-speed-") as tmp:
        work = Path(tmp)
        src = work / "src.jsonl"
        docs = load_documents(args.mb)
        with src.open("w", encoding="utf-8") as fh:
            for n, text in enumerate(docs):
                fh.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
        print(f"{src.stat().st_size / 1e6:.1f} MB, {len(docs)} documents, workers={args.workers}")
        times: dict[int, list[float]] = {0: [], 1: []}
        for _ in range(args.rounds):
            for side in (0, 1):
                times[side].append(one_run(args.checkouts[side].resolve(), src, work, args.workers))
        for side, name in ((0, "A"), (1, "B")):
            runs = ", ".join(f"{t:.1f}" for t in times[side])
            print(f"{name} {args.checkouts[side]}: {runs} s; best {min(times[side]):.1f}, median {statistics.median(times[side]):.1f}")
        ratio = statistics.median(times[1]) / statistics.median(times[0])
        print(f"B/A median: {ratio:.3f}")


if __name__ == "__main__":
    main()
