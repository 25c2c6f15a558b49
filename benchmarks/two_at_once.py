"""CPU time of the same cleaning work in one process alone, then in two processes at once.

    python benchmarks/two_at_once.py --src FILE.jsonl --docs 300 --rounds 2

Each process cleans the first `--docs` documents of FILE in-process (every pack, ftfy, the
classifier) and reports the CPU seconds of that loop. If CPU time per unit of work rises when
both cores are busy (shared caches, memory bandwidth, the host's scheduling of the VM's vCPUs),
a 2-worker run pays it on all its cleaning, and its speed-up over one worker stays under 2x by
that much whatever the code does. Meaningful on an otherwise idle machine only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import dataclasses, itertools, sys, time
from cleanse.clean_config import CleanConfig
from cleanse.packs import load_rules
from cleanse.readers import read_documents
from cleanse.cleaning_stage import CleanerFactory
docs = [dataclasses.replace(d, meta={}) for d in itertools.islice(read_documents(sys.argv[1]), int(sys.argv[2]))]
clean = CleanerFactory(load_rules([]), CleanConfig(), None)()
clean(docs[0])
started = time.process_time()
for doc in docs:
    clean(doc)
print(time.process_time() - started)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(n: int) -> list[float]:
        cmd = [sys.executable, "-c", CHILD, str(args.src), str(args.docs)]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    for _ in range(args.rounds):
        alone = run(1)[0]
        load1 = os.getloadavg()[0]
        pair = run(2)
        load2 = os.getloadavg()[0]
        print(f"alone {alone:.2f} s (load {load1:.1f}); two at once {pair[0]:.2f}, {pair[1]:.2f} s (load {load2:.1f}); ratio {sum(pair) / 2 / alone:.2f}", flush=True)


if __name__ == "__main__":
    main()
