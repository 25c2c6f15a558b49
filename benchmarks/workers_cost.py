"""What the parallel path of `cleanse run -j 2` costs besides the work itself, part by part.

    python benchmarks/workers_cost.py --mb 50              # every part, on about 50 MB of novels
    python benchmarks/workers_cost.py --part handover --docs 2000

Documents are the novels and perturbed copies of `run_speed.py --workers-split` (the same file
for the same size); `--src FILE.jsonl` reads another JSONL instead. CPU seconds throughout
(user + system), since they move far less than wall time with the load of a shared machine.

- handover: what a cleaning worker gets and sends back per document, in pickled bytes, and the
  CPU of pickling and unpickling it, for whole cleaned documents (before) against what
  `cleanse.cleaned_changes.changes_of` sends (after), on `--docs` documents;
- pool: the same documents cleaned in this process, then over 2 pool workers
  (`cleanse.cleaning_stage.clean_documents`), alternated: CPU of each, and the same documents out;
- signing: the duplicate stage (`cleanse.dedup_stage.DedupStage`, both levels) over the runner's 32 MB
  batches of the file, signing in this process against 2 workers forked per batch (what a
  2-worker run did beside the cleaning workers before): CPU of this process and of its workers,
  with their minor page faults (the copy-on-write of the parent's pages they touch).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import pickle
import resource
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleanse.clean_config import CleanConfig
from cleanse.cleaned_changes import apply_changes, changes_of
from cleanse.cleaning_stage import CleanerFactory, clean_documents
from cleanse.dedup import DedupConfig
from cleanse.dedup_stage import DedupStage, open_index
from cleanse.document import Document, Item
from cleanse.packs import load_rules
from cleanse.readers import read_documents
from cleanse.runner import BATCH_CHARS, batches

PROTOCOL = pickle.HIGHEST_PROTOCOL


def cpu(who: int = resource.RUSAGE_SELF) -> tuple[float, int]:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime, r.ru_minflt


def timed(func, repeat: int = 3) -> float:
    started = time.process_time()
    for _ in range(repeat):
        func()
    return (time.process_time() - started) / repeat


def handover(docs: list[Document]) -> None:
    clean = CleanerFactory(load_rules([]), CleanConfig(), None)()
    out = [clean(d) for d in docs]
    sent = [pickle.dumps(d, PROTOCOL) for d in docs]
    whole = [pickle.dumps(o, PROTOCOL) for o in out]
    changes = [pickle.dumps(changes_of(d, o), PROTOCOL) for d, o in zip(docs, out, strict=True)]
    assert all(apply_changes(d, pickle.loads(c)) == o for d, c, o in zip(docs, changes, out, strict=True))
    per = 1000 / len(docs)
    print(f"handover, {len(docs)} documents ({sum(o.status != 'kept' for o in out)} changed by cleaning):")
    print(f"  bytes per document: sent {sum(map(len, sent)) / len(docs):,.0f}; back: whole document {sum(map(len, whole)) / len(docs):,.0f}, changes {sum(map(len, changes)) / len(docs):,.0f}")
    w_dump = timed(lambda: [pickle.dumps(o, PROTOCOL) for o in out]) * per
    w_load = timed(lambda: [pickle.loads(b) for b in whole]) * per
    c_dump = timed(lambda: [pickle.dumps(changes_of(d, o), PROTOCOL) for d, o in zip(docs, out, strict=True)]) * per
    c_load = timed(lambda: [apply_changes(d, pickle.loads(b)) for d, b in zip(docs, changes, strict=True)]) * per
    s_dump = timed(lambda: [pickle.dumps(d, PROTOCOL) for d in docs]) * per
    s_load = timed(lambda: [pickle.loads(b) for b in sent]) * per
    print(f"  CPU s per 1000 documents: sending {s_dump:.3f} (parent) + {s_load:.3f} (worker);"
          f" back, whole {w_dump:.3f} (worker) + {w_load:.3f} (parent), changes {c_dump:.3f} (worker) + {c_load:.3f} (parent)")


def pool(docs: list[Document], rounds: int) -> None:
    ruleset, config = load_rules([]), CleanConfig()
    print(f"pool, {len(docs)} documents, {rounds} rounds (load {os.getloadavg()[0]:.1f}):")
    reference = None
    for _ in range(rounds):
        for workers in (1, 2):
            own, kids = cpu(), cpu(resource.RUSAGE_CHILDREN)
            out = list(clean_documents(iter(docs), ruleset, config, workers=workers))
            own2, kids2 = cpu(), cpu(resource.RUSAGE_CHILDREN)
            reference = reference or out
            assert out == reference
            print(f"  -j {workers}: this process {own2[0] - own[0]:.2f} s, workers {kids2[0] - kids[0]:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)


def signing(items: list[Item], rounds: int) -> None:
    sizes = deque(d.chars for d in items)
    parts = list(batches(iter(items), sizes, BATCH_CHARS))
    print(f"signing, {len(parts)} batches of up to {BATCH_CHARS / 1e6:.0f} MB, both levels, {rounds} rounds:")
    for _ in range(rounds):
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as tmp:
                index, _ = open_index(DedupConfig(), None, "bench", scratch_in=Path(tmp))
                stage = DedupStage(DedupConfig(), index, workers=workers)
                own, kids = cpu(), cpu(resource.RUSAGE_CHILDREN)
                for part in parts:
                    stage(list(part))
                own2, kids2 = cpu(), cpu(resource.RUSAGE_CHILDREN)
            this, theirs = own2[0] - own[0], kids2[0] - kids[0]
            print(f"  signing workers {workers}: this process {this:.2f} s ({own2[1] - own[1]:,} faults), workers {theirs:.2f} s ({kids2[1] - kids[1]:,} faults), all {this + theirs:.2f} s (load {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--src", type=Path, help="a JSONL of documents (default: made like run_speed.py's)")
    parser.add_argument("--part", choices=("handover", "pool", "signing"), action="append")
    parser.add_argument("--docs", type=int, default=1000, help="documents for handover and pool")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    parts = args.part or ["handover", "pool", "signing"]
    with tempfile.TemporaryDirectory(prefix="cleanse-workers-cost-") as tmp:
        src = args.src
        if src is None:
            from run_speed import sized_documents

            src = Path(tmp) / "src.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for n, text in enumerate(sized_documents(args.mb)):
                    fh.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
        items = list(read_documents(src))
    print(f"{len(items)} documents, {sum(d.chars for d in items) / 1e6:.1f} M characters; load {os.getloadavg()[0]:.1f}")
    docs = [dataclasses.replace(d, meta={}) for d in itertools.islice(items, args.docs) if isinstance(d, Document)]
    if "handover" in parts:
        handover(docs)
    if "pool" in parts:
        pool(docs, args.rounds)
    if "signing" in parts:
        signing(items, args.rounds)


if __name__ == "__main__":
    main()
