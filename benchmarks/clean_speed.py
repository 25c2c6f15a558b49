"""Cleaning throughput against ftfy alone, measured in the same run on the same real text.

    python benchmarks/clean_speed.py --mb 100          # the issue's measurement (a few minutes)
    python benchmarks/clean_speed.py --mb 10 --repeat 3
    python benchmarks/clean_speed.py --command --mb 20 [--code /tmp/base] [--rounds 3]   # whole `cleanse clean`
    python benchmarks/clean_speed.py --workers-run --mb 200                 # `cleanse run` -j 1 vs -j 2
    python benchmarks/clean_speed.py --collector --mb 20 [--code /tmp/base] [--rounds 2]   # time in the cycle collector

Reports MB/s per configuration and the ratios that matter: cleanse (every built-in pack, ftfy, the
classifier) over `ftfy.fix_text` alone, both on one core; and cleanse on 2 workers over 1 worker.
Absolute numbers vary between machines and runs; the ratios are the result.

`--command` times the whole `cleanse clean -j 1` command (start-up, reading, writing, audit and
report included) against `ftfy.fix_text` alone, on the same JSONL: half ELTeC novels, half the
naive scrapes of wcxb-dev (`docs/*.raw.txt`, menus and all), interleaved; wall and CPU time of
each, since the CPU time moves far less with the load of a shared machine. `--workers-run` times
`cleanse run` with 1 and 2 workers on novels and scrapes and checks that the outputs are the same
bytes. `--collector` runs the same `cleanse clean -j 1` with a callback on Python's cycle collector
and reports the CPU time of its passes (by generation) and the objects they found.
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
import time
from collections.abc import Callable
from pathlib import Path

import ftfy
from corpus import DEFAULT_CORPORA, load_documents, megabytes

from cleanse.clean import CleanConfig, Cleaner
from cleanse.document import Document
from cleanse.packs import load_rules
from cleanse.pipeline import clean_documents


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """Median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def wcxb_docs(corpora: Path) -> Path:
    """The wcxb-dev scrapes beside the corpora (../shared/eval/wcxb-dev/docs)."""
    return corpora.parent / "eval" / "wcxb-dev" / "docs"


def mixed_records(mb: float, corpora: Path) -> list[dict[str, str]]:
    """About `mb` MB: novels (40-paragraph documents) and wcxb-dev naive scrapes, half each,
    interleaved (the scrapes repeat when more than their 24 MB is asked for)."""
    novels = load_documents(mb / 2, corpora)
    pages = sorted(wcxb_docs(corpora).glob("*.raw.txt"))
    if not pages:  # else the mix would be novels alone, and the figures another measurement
        msg = f"no wcxb-dev scrapes under {wcxb_docs(corpora)}; pass --corpora"
        raise SystemExit(msg)
    scrapes: list[tuple[str, str]] = []
    size, k = 0, 0
    while size < mb / 2 * 1e6 and pages:
        page = pages[k % len(pages)]
        text = page.read_text(encoding="utf-8")
        scrapes.append((f"{page.name}#{k // len(pages)}", text))
        size += len(text.encode("utf-8"))
        k += 1
    out = []
    for i in range(max(len(novels), len(scrapes))):
        if i < len(scrapes):
            out.append({"id": scrapes[i][0], "text": scrapes[i][1]})
        if i < len(novels):
            out.append({"id": f"novel-{i}", "text": novels[i]})
    return out


def run_timed(cmd: list[str], code: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
        msg = f"{' '.join(cmd)} failed: {err}"
        raise SystemExit(msg)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def write_jsonl(records: list[dict[str, str]], path: Path) -> float:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return sum(len(r["text"].encode("utf-8")) for r in records) / 1e6


# `ftfy.fix_text` alone over a JSONL file (read, fix, write), as a child process that imports
# nothing else: sys.argv[1] is the input, sys.argv[2] the output.
FTFY_CHILD = """
import json, sys, ftfy
with open(sys.argv[1], encoding="utf-8") as fh, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in fh:
        rec = json.loads(line)
        rec["text"] = ftfy.fix_text(rec["text"])
        out.write(json.dumps(rec, ensure_ascii=False) + "\\n")
"""


def time_command(mb: float, corpora: Path, code: Path | None, rounds: int = 1) -> None:
    """The whole `cleanse clean -j 1` command against ftfy.fix_text alone, on the same file.

    Each contender is a child process; `rounds` rounds run them in turn (this checkout, the other
    tree, ftfy alone), so that a change of the machine's load falls on all of them; medians.
    """
    root = Path(__file__).resolve().parent.parent
    trees = {"this checkout": root, **({str(code): code} if code is not None else {})}
    with tempfile.TemporaryDirectory(prefix="clean-speed-") as tmp:
        src = Path(tmp) / "in.jsonl"
        records = mixed_records(mb, corpora)
        size = write_jsonl(records, src)
        runs: dict[str, list[tuple[float, float, float]]] = {}
        loads = []
        for _ in range(rounds):
            loads.append(os.getloadavg()[0])
            for k, (name, tree) in enumerate(trees.items()):
                out = Path(tmp) / f"out-{k}.jsonl"
                cmd = [sys.executable, "-m", "cleanse", "clean", str(src), str(out), "-j", "1", "-q", "--overwrite"]
                runs.setdefault(f"cleanse clean -j 1 ({name})", []).append(run_timed(cmd, tree))
            cmd = [sys.executable, "-c", FTFY_CHILD, str(src), str(Path(tmp) / "ftfy.jsonl")]
            runs.setdefault(FTFY_ROW, []).append(run_timed(cmd, root))
    rows = {name: tuple(statistics.median(r[i] for r in found) for i in range(3)) for name, found in runs.items()}
    print(f"{len(records)} documents, {size:.1f} MB (novels + wcxb-dev scrapes); {rounds} round(s), medians; "
          f"load average {min(loads):.2f}-{max([*loads, os.getloadavg()[0]]):.2f}")
    print(f"  {'contender':<52} {'wall s':>8} {'cpu s':>8} {'MB/s cpu':>9} {'peak RSS':>9}  cpu s of each round")
    for name, (wall, cpu, rss) in rows.items():
        each = " ".join(f"{r[1]:.2f}" for r in runs[name])
        print(f"  {name:<52} {wall:8.2f} {cpu:8.2f} {size / cpu:9.2f} {rss:7.0f} MB  {each}")
    ftfy_wall, ftfy_cpu, _ = rows[FTFY_ROW]
    for name, (wall, cpu, _) in rows.items():
        if name != FTFY_ROW:
            print(f"  ratio ftfy / {name}: {ftfy_wall / wall:.2f}x wall, {ftfy_cpu / cpu:.2f}x cpu (goal >= 1.0)")
    if code is not None:
        here, there = (rows[f"cleanse clean -j 1 ({n})"][1] for n in trees)
        print(f"  ratio {code} / this checkout, cpu: {there / here:.2f}x")


FTFY_ROW = "ftfy.fix_text alone (read, fix, write JSONL)"

# `cleanse clean` with a callback on the cycle collector: prints, as JSON, the CPU seconds of its
# passes by generation, their count, the objects they found, and the whole command's CPU seconds.
COLLECTOR_CHILD = """
import gc, json, sys, time
from cleanse.cli import main
spent, runs, found, began = [0.0, 0.0, 0.0], [0, 0, 0], [0], [0.0]
def on_pass(phase, info):
    if phase == "start":
        began[0] = time.process_time()
    else:
        spent[info["generation"]] += time.process_time() - began[0]
        runs[info["generation"]] += 1
        found[0] += info["collected"]
gc.callbacks.append(on_pass)
try:
    main(["clean", sys.argv[1], sys.argv[2], "-j", "1", "-q", "--overwrite"])
except SystemExit:
    pass
print(json.dumps({"seconds": spent, "passes": runs, "found": found[0], "cpu": time.process_time()}))
"""


def time_collector(mb: float, corpora: Path, code: Path | None, rounds: int = 1) -> None:
    """The cycle collector's share of `cleanse clean -j 1` in this checkout (and `code`)."""
    root = Path(__file__).resolve().parent.parent
    trees = {"this checkout": root, **({str(code): code} if code is not None else {})}
    with tempfile.TemporaryDirectory(prefix="clean-collector-") as tmp:
        src = Path(tmp) / "in.jsonl"
        size = write_jsonl(mixed_records(mb, corpora), src)
        print(f"{size:.1f} MB (novels + wcxb-dev scrapes); load average {os.getloadavg()[0]:.2f}")
        for _ in range(rounds):
            for name, tree in trees.items():
                cmd = [sys.executable, "-c", COLLECTOR_CHILD, str(src), str(Path(tmp) / "out.jsonl")]
                env = {**os.environ, "PYTHONPATH": str(tree)}
                found = json.loads(subprocess.run(cmd, cwd=tree, env=env, check=True, capture_output=True, text=True).stdout)
                seconds, passes = found["seconds"], found["passes"]
                print(f"  {name:<28} collector {sum(seconds):5.2f} s of {found['cpu']:5.2f} s CPU "
                      f"(generations 0/1/2: {seconds[0]:.2f}/{seconds[1]:.2f}/{seconds[2]:.2f} s in "
                      f"{passes[0]}/{passes[1]}/{passes[2]} passes), {found['found']:,} objects found")


def time_workers(mb: float, corpora: Path) -> None:
    """`cleanse run -j 1` against `-j 2` on the same input; the outputs must be the same bytes."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="clean-workers-") as tmp:
        src = Path(tmp) / "in.jsonl"
        size = write_jsonl(mixed_records(mb, corpora), src)
        rows = {}
        for workers in (1, 2):
            out = Path(tmp) / f"out-{workers}"
            cmd = [sys.executable, "-m", "cleanse", "run", str(src), str(out / "in.jsonl"), "-j", str(workers), "-q"]
            rows[workers] = run_timed(cmd, root)
        same = filecmp.cmp(Path(tmp) / "out-1" / "in.jsonl", Path(tmp) / "out-2" / "in.jsonl", shallow=False)
    print(f"{size:.1f} MB (novels + wcxb-dev scrapes); load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    for workers, (wall, cpu, rss) in rows.items():
        print(f"  cleanse run -j {workers}  {wall:8.2f} s wall {cpu:8.2f} s cpu  {size / wall:6.2f} MB/s  peak RSS {rss:.0f} MB")
    print(f"  ratio -j 2 / -j 1, wall: {rows[1][0] / rows[2][0]:.2f}x (goal >= 1.8); outputs identical: {same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="megabytes of text (default 20)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--command", action="store_true", help="time the whole `cleanse clean` command against ftfy alone")
    parser.add_argument("--code", type=Path, default=None, help="with --command: also time another tree's command")
    parser.add_argument("--rounds", type=int, default=1, help="with --command: rounds of all contenders in turn (medians)")
    parser.add_argument("--workers-run", action="store_true", help="time `cleanse run` with 1 and 2 workers")
    parser.add_argument("--collector", action="store_true", help="the cycle collector's time in `cleanse clean`")
    args = parser.parse_args()
    if args.collector:
        time_collector(args.mb, args.corpora, args.code, args.rounds)
        return
    if args.command:
        time_command(args.mb, args.corpora, args.code, args.rounds)
        return
    if args.workers_run:
        time_workers(args.mb, args.corpora)
        return

    texts = load_documents(args.mb, args.corpora)
    size = megabytes(texts)
    docs = [Document.from_text(str(i), t) for i, t in enumerate(texts)]
    ruleset = load_rules()
    print(f"{len(docs)} documents, {size:.1f} MB, {len(ruleset.rules)} rules, {os.cpu_count()} cores")

    def ftfy_alone() -> None:
        for text in texts:
            ftfy.fix_text(text)

    def cleanse_with(config: CleanConfig, workers: int) -> Callable[[], None]:
        def run() -> None:
            if workers == 1:
                cleaner = Cleaner(ruleset, config)
                for doc in docs:
                    cleaner.clean(doc)
            else:
                for _ in clean_documents(docs, ruleset, config, workers):
                    pass

        return run

    rows = [
        ("ftfy.fix_text alone (defaults), 1 core", ftfy_alone),
        ("cleanse: ftfy + all packs + classifier, 1 worker", cleanse_with(CleanConfig(), 1)),
        ("cleanse: ftfy + all packs, no classifier, 1 worker", cleanse_with(CleanConfig(classify="off"), 1)),
        ("cleanse: ftfy + all packs + classifier, 2 workers", cleanse_with(CleanConfig(), 2)),
    ]
    seconds = {}
    for name, func in rows:
        seconds[name] = best_of(args.repeat, func)
        print(f"  {name:<52} {seconds[name]:7.2f} s  {size / seconds[name]:6.2f} MB/s", flush=True)
    ftfy_s, one, two = seconds[rows[0][0]], seconds[rows[1][0]], seconds[rows[3][0]]
    print(f"ratio cleanse (1 worker) / ftfy alone, speed:  {ftfy_s / one:.2f}x  (goal >= 1.0)")
    print(f"ratio cleanse 2 workers / 1 worker, speed:     {one / two:.2f}x  (goal >= 1.8)")


if __name__ == "__main__":
    main()
