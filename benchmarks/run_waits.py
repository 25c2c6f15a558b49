"""Where `cleanse run -j 2` waits: the parent's main thread, its pool threads and the workers.

    python benchmarks/run_waits.py --mb 200 --base /tmp/s10-base        # base, this tree, alternated
    python benchmarks/run_waits.py --src FILE.jsonl --rounds 2
    python benchmarks/run_waits.py --src FILE.jsonl --code /tmp/snapshot   # a copy of this tree, edited meanwhile

Runs `cleanse run SRC OUT -j 2` of each checkout in a subprocess that times, without changing
what the run does:

- the parent's main thread, split into waiting for cleaned documents (the cleaning pool's
  results, `AsyncResult.get` outside the duplicate stage), the duplicate stage (of which waiting
  for its signing workers), the sinks (corpus, audit, stats, progress), and the rest (reading
  the input, handing documents out, rebuilding the cleaned ones);
- each batch: when the duplicate stage got it, left it, and when the sinks were done, and the
  main thread's CPU in its duplicate stage (the stage costs far more in some batches than others;
  `DedupStage.settle` where the checkout has it, else `__call__`; the time in `DedupStage.start`,
  which starts a batch's signing ahead, counts as the stage's too);
- each worker task (cleaning and signing alike, told apart by the function they run): the wall
  and CPU time spent getting its task (reading the pipe, waiting for the parent to write it),
  running it, and sending its result (waiting for the parent to read it): wall minus CPU in
  get and put is what a worker waited for the parent; and when the cleaning workers started
  their first task and sent their last result: what the run did after it, the parent did alone
  (signing workers kept for the whole run, `_sign_sent`, also wait in get while they have no
  batch to sign: their getting time is idle time, not a wait on the parent);
- the CPU of each thread of the parent (main, the pool's task and result handlers), read from
  /proc when the last batch leaves the duplicate stage.

Same machine load for both checkouts: they alternate, and every figure is printed with the load
average. The outputs of every run are compared byte for byte (corpus and audit).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in the child, with the checkout first on sys.path; prints one JSON line to stderr.
PROBE = r"""
import json, os, resource, sys, threading, time
import multiprocessing.pool as mpp

LOG = os.environ["RUN_WAITS_LOG"]
clock, cpu = time.monotonic, time.thread_time
main = {"wait_clean": 0.0, "dedup": 0.0, "wait_sign": 0.0, "sinks": 0.0}
main_cpu = {"wait_clean": 0.0, "dedup": 0.0, "sinks": 0.0}
batches = []
threads_cpu = {}
started = clock()
in_dedup = [False]


class TimedQueue:
    def __init__(self, queue, record):
        self._queue, self._record = queue, record

    def __getattr__(self, name):
        return getattr(self._queue, name)

    def get(self):
        t, c = clock(), cpu()
        item = self._queue.get()
        now = cpu()
        self._record["get"] = (t, clock(), now - c, now)
        return item

    def put(self, item):
        t, c = clock(), cpu()
        self._queue.put(item)
        end = clock()
        got = self._record.get("get", (t, t, 0.0, c))
        from cleanse import parallel
        func = parallel._worker_state.get("func")
        func = getattr(func, "func", func)
        name = getattr(func, "__name__", type(func).__name__)
        line = json.dumps({"pid": os.getpid(), "fn": name, "get0": got[0], "get1": got[1],
                           "get_cpu": got[2], "run_cpu": c - got[3], "put0": t, "put1": end,
                           "put_cpu": cpu() - c})
        with open(LOG, "a") as fh:
            fh.write(line + "\n")


original_worker = mpp.worker


def timed_worker(inqueue, outqueue, *args, **kwargs):
    record = {}
    return original_worker(TimedQueue(inqueue, record), TimedQueue(outqueue, record), *args, **kwargs)


mpp.worker = timed_worker
original_get = mpp.ApplyResult.get


def timed_get(self, timeout=None):
    t, c = clock(), cpu()
    try:
        return original_get(self, timeout)
    finally:
        main["wait_sign" if in_dedup[0] else "wait_clean"] += clock() - t
        if not in_dedup[0] and threading.current_thread() is threading.main_thread():
            main_cpu["wait_clean"] += cpu() - c


mpp.ApplyResult.get = timed_get

from cleanse import sinks, stages, progress


seen = {}  # thread id -> (name, CPU seconds), the last reading of every thread


def read_threads():
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(tid), seen.get(int(tid), ("other",))[0])
        name = "main" if name == "MainThread" else name.split(" ", 1)[-1].strip("()")
        seen[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / tick)


rss = []  # (seconds since start, resident MB of this process), every half second
page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20


def sample_threads():
    while True:
        read_threads()
        with open("/proc/self/statm") as fh:
            rss.append((clock() - started, int(fh.read().split()[1]) * page_mb))
        time.sleep(0.5)


threading.Thread(target=sample_threads, daemon=True, name="probe").start()


# The stage settles a batch in `settle` where it has one (with workers it also starts the next
# batch's signing ahead, in `start`: timed as the stage's too), else in `__call__`.
settle_name = "settle" if hasattr(stages.DedupStage, "settle") else "__call__"
original_dedup = getattr(stages.DedupStage, settle_name)


def timed_dedup(self, batch, *args):
    t, c = clock(), cpu()
    in_dedup[0] = True
    try:
        return original_dedup(self, batch, *args)
    finally:
        in_dedup[0] = False
        end = clock()
        main["dedup"] += end - t
        main_cpu["dedup"] += cpu() - c
        size = len(batch.docs) if hasattr(batch, "docs") else len(batch)
        batches.append([t - started, end - started, None, size, cpu() - c])


setattr(stages.DedupStage, settle_name, timed_dedup)
original_start = getattr(stages.DedupStage, "start", None)
if original_start is not None:

    def timed_start(self, batch):
        t, c = clock(), cpu()
        try:
            return original_start(self, batch)
        finally:
            main["dedup"] += clock() - t
            main_cpu["dedup"] += cpu() - c

    stages.DedupStage.start = timed_start


def timed_write(cls):
    original = cls.write

    def write(self, batch, sizes):
        t, c = clock(), cpu()
        try:
            return original(self, batch, sizes)
        finally:
            end = clock()
            main["sinks"] += end - t
            main_cpu["sinks"] += cpu() - c
            if batches:
                batches[-1][2] = end - started

    cls.write = write


for cls in (sinks.CorpusSink, sinks.AuditSink, sinks.StatsSink, progress.RunProgress):
    timed_write(cls)

from cleanse.cli import main as cli_main

code = cli_main(sys.argv[1:])
wall = clock() - started
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
read_threads()
for name, seconds in seen.values():
    threads_cpu[name] = threads_cpu.get(name, 0.0) + seconds
main["rest"] = wall - main["wait_clean"] - main["dedup"] - main["sinks"]
main_cpu["rest"] = cpu() - sum(main_cpu.values())
print(json.dumps({"wall": wall, "parent": own.ru_utime + own.ru_stime,
                  "workers": kids.ru_utime + kids.ru_stime, "rss_mb": own.ru_maxrss / 1024,
                  "workers_rss_mb": kids.ru_maxrss / 1024, "main": main, "main_cpu": main_cpu, "batches": batches,
                  "threads": threads_cpu, "rss": rss, "started": started}), file=sys.stderr)
sys.exit(code)
"""


def probe_run(root: Path, src: Path, out: Path, workers: int) -> dict:
    """One `cleanse run -j workers` of the checkout `root` under the probe; its figures."""
    with tempfile.NamedTemporaryFile(prefix="run-waits-", suffix=".jsonl", delete=False) as log:
        log_path = Path(log.name)
    env = {**os.environ, "PYTHONPATH": str(root), "RUN_WAITS_LOG": str(log_path)}
    args = [sys.executable, "-c", PROBE, "run", str(src), str(out), "-j", str(workers), "-q", "--overwrite"]
    done = subprocess.run(args, env=env, cwd=src.parent, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"cleanse run -j {workers} failed: {done.stderr[-3000:]}"
        raise SystemExit(msg)
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    tasks = [json.loads(line) for line in log_path.read_text().splitlines()]
    log_path.unlink()
    figures["tasks"] = summarize_tasks(tasks, figures)
    figures["task_log"] = tasks
    cleaning = [t for t in tasks if t["fn"].startswith("_clean")]
    figures["cleaning"] = (
        (min(t["get1"] for t in cleaning) - figures["started"], max(t["put1"] for t in cleaning) - figures["started"])
        if cleaning else None
    )
    return figures


def summarize_tasks(tasks: list[dict], figures: dict) -> dict:
    """Per kind of task: count, and the workers' seconds getting, running, sending (wall, CPU);
    and how much of the getting fell while the parent was in the duplicate stage."""
    out: dict[str, dict[str, float]] = {}
    dedup = [(figures["started"] + b[0], figures["started"] + b[1]) for b in figures["batches"]]
    for task in tasks:
        kind = out.setdefault(task["fn"], dict.fromkeys(
            ("tasks", "get_wall", "get_cpu", "run", "run_cpu", "put_wall", "put_cpu", "get_in_dedup"), 0.0))
        kind["tasks"] += 1
        kind["get_in_dedup"] += sum(max(0.0, min(b, task["get1"]) - max(a, task["get0"])) for a, b in dedup)
        kind["get_wall"] += task["get1"] - task["get0"]
        kind["get_cpu"] += task["get_cpu"]
        kind["run"] += task["put0"] - task["get1"]
        kind["run_cpu"] += task["run_cpu"]
        kind["put_wall"] += task["put1"] - task["put0"]
        kind["put_cpu"] += task["put_cpu"]
    return out


def show(name: str, figures: dict, load: float) -> None:
    m = figures["main"]
    print(f"  {name} (load {load:.1f}): wall {figures['wall']:.1f} s; CPU parent {figures['parent']:.1f} + workers {figures['workers']:.1f} s; peak RSS parent {figures['rss_mb']:.0f} MB, largest child {figures['workers_rss_mb']:.0f} MB")
    print("    main thread (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in m.items()))
    print("    main thread (CPU s): " + ", ".join(f"{k} {v:.1f}" for k, v in figures["main_cpu"].items()))
    print("    parent threads (CPU s): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(figures["threads"].items())))
    for fn, t in figures["tasks"].items():
        idle = (t["get_wall"] - t["get_cpu"]) + (t["put_wall"] - t["put_cpu"])
        print(f"    workers' {fn}: {t['tasks']:.0f} tasks; getting {t['get_wall']:.1f} s (CPU {t['get_cpu']:.1f}), running {t['run']:.1f} s (CPU {t['run_cpu']:.1f}), sending {t['put_wall']:.1f} s (CPU {t['put_cpu']:.1f}); waiting on the parent {idle:.1f} s (getting while the parent deduplicated: {t['get_in_dedup']:.1f} s)")
    last = max((b[1] for b in figures["batches"]), default=0.0)
    during = max((mb for t, mb in figures["rss"] if t <= last), default=0.0)
    after = max((mb for t, mb in figures["rss"] if t > last), default=0.0)
    print(f"    parent RSS sampled: peak {during:.0f} MB until the last batch is settled, {after:.0f} MB after (the report)")
    print("    batches (s since start: deduplication from, to, written; documents; main thread's CPU in the duplicate stage): " + "; ".join(f"{a:.1f}-{b:.1f}-{c:.1f} {n} {u:.1f}" for a, b, c, n, u in figures["batches"] if c is not None))
    ends = figures["cleaning"]
    if ends:
        print(f"    cleaning workers: first task started {ends[0]:.1f} s, last result sent {ends[1]:.1f} s; the run went on alone {figures['wall'] - ends[1]:.1f} s after it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--src", type=Path, help="this JSONL (made like run_speed.py's if missing)")
    parser.add_argument("--base", type=Path, help="also probe this checkout (before), alternated")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout called `this` (default: the one holding this script)")
    args = parser.parse_args()
    checkouts = {"this": args.code} if args.base is None else {"base": args.base.resolve(), "this": args.code}
    with tempfile.TemporaryDirectory(prefix="cleanse-run-waits-") as tmp:
        work = Path(tmp)
        src = args.src or work / "src.jsonl"
        if not src.exists():
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from run_speed import sized_documents

            with src.open("w", encoding="utf-8") as fh:
                for n, text in enumerate(sized_documents(args.mb)):
                    fh.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
        print(f"{src.stat().st_size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.2f}", flush=True)
        runs: dict[str, list[dict]] = {name: [] for name in checkouts}
        outputs = []
        for _ in range(args.rounds):
            for name, root in checkouts.items():
                out = work / f"out-{name.replace(', ', '-').replace(' ', '')}-{len(runs[name])}" / src.name
                runs[name].append(probe_run(root, src, out, args.workers))
                outputs.append(out.parent)
                show(name, runs[name][-1], os.getloadavg()[0])
                sys.stdout.flush()
        same = all(
            filecmp.cmp(outputs[0] / name, other / name, shallow=False)
            for other in outputs[1:]
            for name in (src.name, f".cleanse/{src.name}/audit.jsonl")
        )
    for name, figures in runs.items():
        walls = [f["wall"] for f in figures]
        print(f"{name}: median wall {statistics.median(walls):.1f} s over {len(walls)}")
    print(f"outputs identical (corpus, audit; every run): {same}; load average now {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(runs))


if __name__ == "__main__":
    main()
