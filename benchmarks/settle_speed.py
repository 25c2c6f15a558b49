"""The duplicate stage of `cleanse run` batch by batch: the CPU of settling each batch, two checkouts.

    python benchmarks/settle_speed.py --src FILE.jsonl --base /tmp/s13-base --repeat 3
    python benchmarks/settle_speed.py --batches DIR --base /tmp/s13-base   # batches captured before

First the batches: `cleanse run SRC OUT -j 1` of this checkout runs once with its duplicate stage
(`DedupStage`) wrapped to save each cleaned batch it is given, with its settings, to a folder
(`--batches DIR` reuses one). Then each checkout, in
its own process and alternated round by round, settles those batches in order, as the run does:
`deduplicate` against one run index (`dedup_stage.open_index`), one signing worker, the
paragraph spans found beforehand (as the cleaning workers find them at -j 2), with
the CPU time (`time.process_time`) of each batch split into its stages: signing, candidates,
verification, components, keep policy, the rest of the document and paragraph levels (exact
groups, the removals named), the index update, and what `documents.deduplicate` does around
`find_duplicates` (paragraphs, keys, the decisions written back and described). The CPU is this
process's alone; the load average is printed with every round.

Every round of every checkout must settle the batches into the same bytes: the documents out
(status, text, changes, audit details, annotations, flags) and the index's files.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs `cleanse run` with each batch of its duplicate stage saved (argv: SRC OUT DIR).
CAPTURE = r"""
import pickle, sys
from pathlib import Path
from cleanse import dedup_stage
from cleanse.cli import main

folder = Path(sys.argv[3])
folder.mkdir(parents=True, exist_ok=True)
original = dedup_stage.DedupStage.__call__
count = [0]

def saving(self, batch):
    with (folder / f"batch-{count[0]:03d}.pkl").open("wb") as fh:
        pickle.dump(((self.config, self.annotate, self.annotate_field), batch), fh, protocol=5)
    count[0] += 1
    return original(self, batch)

dedup_stage.DedupStage.__call__ = saving
sys.exit(main(["run", sys.argv[1], sys.argv[2], "-j", "1", "-q", "--overwrite"]))
"""

# Settles the saved batches in order (argv: DIR SCRATCH); prints one JSON line to stdout.
REPLAY = r"""
import gc, hashlib, json, pickle, sys, time, types
from pathlib import Path

cpu = time.process_time
from cleanse.dedup import engine, documents
from cleanse.dedup.backend import LOCAL
from cleanse.dedup.paragraphs import paragraph_spans
from cleanse.dedup_stage import open_index

engine.time = types.SimpleNamespace(perf_counter=cpu)  # its stage timings: CPU, not wall
spent = {}

def timed(name, fn):
    def run(*args, **kwargs):
        t = cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + cpu() - t
    return run

class Backend:
    sign = staticmethod(LOCAL.sign)
    band_keys = staticmethod(LOCAL.band_keys)
    candidates = staticmethod(timed("candidates", LOCAL.candidates))
    verify = staticmethod(timed("verify", LOCAL.verify))
    components = staticmethod(timed("components", LOCAL.components))
    keep = staticmethod(timed("keep", LOCAL.keep))

documents.find_duplicates = timed("find_duplicates", documents.find_duplicates)
folder, scratch = Path(sys.argv[1]), Path(sys.argv[2])
files = sorted(folder.glob("batch-*.pkl"))
digest = hashlib.sha256()
index = None
rows = []
for path in files:
    with path.open("rb") as fh:
        (config, annotate, field), batch = pickle.load(fh)
    if index is None:
        index, _ = open_index(config, None, "settle-speed", scratch_in=scratch)
    # As at -j 2, where the cleaning workers found them: the paragraph spans, beforehand.
    found = {id(doc.lines): paragraph_spans(doc.lines) for doc in batch if hasattr(doc, "lines")}
    gc.collect()
    spent.clear()
    t = cpu()
    out, result = documents.deduplicate(
        batch, config, index=index, workers=1, annotate=annotate, annotate_field=field,
        backend=Backend(), known_spans=lambda lines: found.get(id(lines)),
    )
    total = cpu() - t
    timings = result.timings
    row = {"total": total, "signing": timings.get("signatures", 0.0)}
    row.update(spent)
    stages = row.get("candidates", 0) + row.get("verify", 0) + row.get("components", 0) + row.get("keep", 0)
    row["levels, rest"] = timings.get("document", 0.0) + timings.get("paragraph", 0.0) - stages
    row["index update"] = timings.get("index", 0.0)
    row["around"] = total - row.pop("find_duplicates")
    row["settling"] = total - row["signing"]
    rows.append(row)
    for doc in out:
        digest.update(repr((doc.id, doc.lines, doc.status, doc.removed, doc.removed_detail,
                            doc.changes, doc.flags, doc.annotations, doc.line_numbers)).encode())
    del batch, out, result
index.finish_run()
for file in sorted(p for p in (scratch / "run-index").rglob("*") if p.is_file() and p.suffix == ".npy"):
    digest.update(file.name.encode() + file.read_bytes())
print(json.dumps({"batches": rows, "digest": digest.hexdigest()}))
"""

STAGES = ("signing", "candidates", "verify", "components", "keep", "levels, rest", "index update", "around")


def capture(src: Path, folder: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="cleanse-settle-") as tmp:
        out = Path(tmp) / "out" / src.name
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        args = [sys.executable, "-c", CAPTURE, str(src), str(out), str(folder)]
        subprocess.run(args, env=env, check=True, cwd=tmp)


def replay(code: Path, folder: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="cleanse-settle-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(code)}
        args = [sys.executable, "-c", REPLAY, str(folder), tmp]
        done = subprocess.run(args, env=env, check=True, capture_output=True, text=True, cwd=tmp)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--src", type=Path, help="the run's input (JSONL); its batches are captured")
    parser.add_argument("--batches", type=Path, help="the folder of captured batches (made from --src if missing)")
    parser.add_argument("--base", type=Path, help="the checkout to compare with (before)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout called 'this' (default: this tree)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleanse-settle-batches-") as tmp:
        folder = args.batches or Path(tmp)
        if not any(folder.glob("batch-*.pkl")):
            if args.src is None:
                parser.error("give --src (to capture the batches) or --batches with captured ones")
            capture(args.src, folder)
        codes = {"this": args.code} if args.base is None else {"base": args.base, "this": args.code}
        runs: dict[str, list[dict]] = {name: [] for name in codes}
        for r in range(args.repeat):
            for name, code in codes.items():
                before = os.getloadavg()[0]
                runs[name].append(replay(code.resolve(), folder))
                rows = runs[name][-1]["batches"]
                per = ", ".join(f"{row['settling']:.2f}" for row in rows)
                print(f"round {r + 1} {name} (load {before:.1f}-{os.getloadavg()[0]:.1f}): settling per batch {per} s", flush=True)
    for name in codes:
        n = len(runs[name][0]["batches"])
        print(f"{name} ({codes[name]}), CPU s per batch, median of {args.repeat}:")
        print("  " + f"{'stage':<14}" + "".join(f"{b + 1:>7}" for b in range(n)) + f"{'all':>8}")
        for stage in (*STAGES, "settling", "total"):
            cells = [statistics.median(run["batches"][b].get(stage, 0.0) for run in runs[name]) for b in range(n)]
            print("  " + f"{stage:<14}" + "".join(f"{c:7.2f}" for c in cells) + f"{sum(cells):8.2f}")
    digests = {run["digest"] for name in codes for run in runs[name]}
    print(f"same documents and index files in every run: {len(digests) == 1}")


if __name__ == "__main__":
    main()
