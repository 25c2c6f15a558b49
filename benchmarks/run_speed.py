"""Whole-run speed, A/B: `cleanse run` over one JSONL of real novels, for two checkouts.

    python benchmarks/run_speed.py --mb 20 --rounds 2 OLD_CHECKOUT NEW_CHECKOUT

Builds about `--mb` MB of documents from ../shared/corpora (benchmarks/corpus.py) once, then
runs `python -m cleanse run SRC.jsonl OUT.jsonl` with each checkout first on PYTHONPATH,
alternating A, B, A, B... so both meet the same machine load, and prints each checkout's
wall-clock and CPU seconds (user + system of the run; steadier on a loaded machine) per round,
best and median, and B's medians relative to A's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_documents


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
