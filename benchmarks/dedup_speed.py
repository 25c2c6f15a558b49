"""Speed and memory of cleanse's duplicate stage against datasketch, rensa and datatrove.

All contenders run in one process on the same text (novels from ../shared/corpora, one paragraph
per line) and compute 128-permutation MinHash signatures of every paragraph, then an LSH index.
Usage: python benchmarks/dedup_speed.py --mb 100 [--peer-mb 100] [--skip datatrove]
       python benchmarks/dedup_speed.py --command-mb 40 [--code /tmp/base] [--repeat 5] [--profile 5]
       # the whole command vs datasketch (and its profile's top five entries)
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datasketch_dedup import python_shingles
from dedup_common import read_novels

from cleanse.dedup import DedupConfig, find_duplicates
from cleanse.dedup.cluster import candidate_pairs

NUM_PERM = 128


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_cleanse(docs: list, workers: int) -> dict[str, float]:  # type: ignore[type-arg]
    t0, c0 = time.perf_counter(), os.times()
    result = find_duplicates(docs, DedupConfig(), workers=workers)
    c1 = os.times()
    cpu = (c1.user + c1.system + c1.children_user + c1.children_system) - (
        c0.user + c0.system + c0.children_user + c0.children_system
    )
    return {"total": time.perf_counter() - t0, "cpu": cpu, **result.timings}


def run_tokenise(paras: list[str]) -> float:
    t0 = time.perf_counter()
    for p in paras:
        python_shingles(p)
    return time.perf_counter() - t0


def run_datasketch(paras: list[str]) -> tuple[float, float]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    sig_t = lsh_t = 0.0
    for i, p in enumerate(paras):
        t0 = time.perf_counter()
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in python_shingles(p)])
        t1 = time.perf_counter()
        lsh.insert(i, m, check_duplication=False)
        lsh_t += time.perf_counter() - t1
        sig_t += t1 - t0
    return sig_t, lsh_t


def run_rensa(paras: list[str]) -> tuple[float, float]:
    from rensa import RMinHash, RMinHashLSH

    lsh = RMinHashLSH(threshold=0.8, num_perm=NUM_PERM, num_bands=16)
    sig_t = lsh_t = 0.0
    for i, p in enumerate(paras):
        t0 = time.perf_counter()
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update(python_shingles(p))
        t1 = time.perf_counter()
        lsh.insert(i, m)
        lsh_t += time.perf_counter() - t1
        sig_t += t1 - t0
    return sig_t, lsh_t


def run_datatrove(paras: list[str]) -> float | str:
    """datatrove's signature step (spaCy word tokeniser, xxhash, 14x8 buckets, files on disk)."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    except ImportError as err:
        return f"not installed ({err})"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            step = MinhashDedupSignature(output_folder=tmp, config=MinhashConfig(), language="eng")
        except ImportError as err:
            return f"unavailable ({err})"
        docs = (Document.from_text(str(i), p) for i, p in enumerate(paras))
        t0 = time.perf_counter()
        out = step.run(docs, rank=0, world_size=1)
        if out is not None:
            for _ in out:
                pass
        return time.perf_counter() - t0


def command_docs(mb: float) -> tuple[list[tuple[str, str]], str]:
    """About `mb` MB of real documents: the cached real extractions (see dedup_real_data.py) in
    their benchmark order, else the novels cut into documents of 40 paragraphs."""
    from dedup_real_data import CACHE

    out: list[tuple[str, str]] = []
    size = 0
    if (CACHE / "trafilatura.jsonl").exists():
        from dedup_real import build_set

        for d in build_set(None, 11):
            out.append((d["id"], d["text"]))
            size += len(d["text"].encode("utf-8"))
            if size >= mb * 1e6:
                return out, "wcxb-dev extractions (7 extractors)"
    out, size = [], 0
    for name, paras in read_novels(mb * 1.2):
        for k in range(0, len(paras), 40):
            out.append((f"{name}:{k}", "\n".join(paras[k : k + 40])))
            size += len(out[-1][1].encode("utf-8"))
            if size >= mb * 1e6:
                return out, "novels, 40 paragraphs per document"
    return out, "novels, 40 paragraphs per document"


def _run_timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
        raise SystemExit(msg)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


# Runs `cleanse.cli.main(argv)` under cProfile with a CPU clock; prints the total and the top
# entries by own time (what benchmarks/README.md quotes as "top five").
PROFILE_DRIVER = """
import cProfile, pstats, sys, time
import cleanse.cli
profile = cProfile.Profile(time.process_time)
profile.runcall(cleanse.cli.main, sys.argv[2:])
stats = pstats.Stats(profile)
rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[: int(sys.argv[1])]
print(f"    {stats.total_tt:.2f} s in all (CPU, profiled)")
for (path, line, name), (_, calls, own, _, _) in rows:
    where = f"{path.rsplit('/', 1)[-1]}:{line}" if line else "built-in"
    print(f"    {own:5.2f} s  {name} ({where}, {calls} calls)")
"""


def profile_command(src: Path, out: Path, trees: dict[str, Path], top: int) -> None:
    """The top entries by own time of one profiled run of the command in each tree."""
    for name, tree in trees.items():
        env = {**os.environ, "PYTHONPATH": str(tree)}
        argv = ["dedup", str(src), str(out), "--level", "document", "--workers", "1", "-q", "--overwrite"]
        done = subprocess.run(
            [sys.executable, "-c", PROFILE_DRIVER, str(top), *argv],
            cwd=tree, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(f"  profile of the command ({name}), load average {os.getloadavg()[0]:.2f}:")
        print(done.stdout, end="", flush=True)


def time_command(mb: float, code: Path | None = None, repeat: int = 1, profile: int = 0) -> None:
    """The whole `cleanse dedup --level document -j 1` command against the plain datasketch path
    (`datasketch_dedup.py`: read JSONL, word 5-grams, MinHash.update_batch, MinHashLSH query then
    insert, write), each a process of its own on the same file; with `code`, also the command of
    another tree (e.g. before a change).

    Each round runs every contender once, back to back, so that a burst of load meets them alike;
    the ratio to datasketch is taken round by round (each cleanse run against the datasketch run
    of its round) and its median and lowest are printed. Wall time follows the load of a shared
    machine; CPU time (user + system) much less so, which is why both are printed."""
    import json

    docs, source = command_docs(mb)
    real_mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
    root = Path(__file__).resolve().parents[1]
    trees = {"this checkout": root, **({f"{code}": code} if code is not None else {})}
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
    peer: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="dedup-speed-") as tmp:
        src = Path(tmp) / "in.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for doc_id, text in docs:
                fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        warm = Path(tmp) / "warm-in.jsonl"  # compiles the kernel if this machine has no cache yet
        warm.write_text(src.open(encoding="utf-8").readline(), encoding="utf-8")
        base = [sys.executable, "-m", "cleanse", "dedup"]
        opts = ["--level", "document", "--workers", "1", "-q", "--overwrite"]
        here = Path(__file__).resolve().parent
        theirs = [sys.executable, str(here / "datasketch_dedup.py")]
        # One record each first: it compiles what is not compiled yet; then one more, timed, is
        # each contender's start-up (imports and exit), which every run below includes.
        started: dict[str, float] = {}
        for _ in range(2):
            warm_out = Path(tmp) / "warm-ds.jsonl"
            started["datasketch"] = _run_timed([*theirs, str(warm), str(warm_out)], here, dict(os.environ))[1]
        for k, (name, tree) in enumerate(trees.items()):
            # .pyc files as an installed package has them (PYTHONDONTWRITEBYTECODE may be set)
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "cleanse")], check=True)
            env = {**os.environ, "PYTHONPATH": str(tree)}
            for _ in range(2):
                warm_out = Path(tmp) / f"warm-out-{k}.jsonl"
                started[name] = _run_timed([*base, str(warm), str(warm_out), *opts], tree, env)[1]
        kept = Path(tmp) / "ds.jsonl"
        for _ in range(repeat):  # interleaved, so that a burst of load meets every contender alike
            for k, (name, tree) in enumerate(trees.items()):
                env = {**os.environ, "PYTHONPATH": str(tree)}
                out = str(Path(tmp) / f"out-{k}.jsonl")
                runs[name].append(_run_timed([*base, str(src), out, *opts], tree, env))
            peer.append(_run_timed([*theirs, str(src), str(kept)], here, dict(os.environ)))
        if profile:
            profile_command(src, Path(tmp) / "profiled.jsonl", trees, profile)
        n_kept = sum(1 for _ in kept.open(encoding="utf-8"))
    for name, timed in [*runs.items(), ("datasketch", peer)]:
        print(f"  cpu s of each run, {name}: {', '.join(f'{t[1]:.2f}' for t in timed)}", flush=True)
    if len(runs) == 2:  # runs k of both trees were back to back: their ratio shares the load
        mine, other = runs.values()
        ratios = sorted(a[1] / b[1] for a, b in zip(mine, other, strict=True))
        print(f"  cpu of this checkout / {code}, run by run: median {ratios[len(ratios) // 2]:.3f}"
              f" (from {ratios[0]:.3f} to {ratios[-1]:.3f})", flush=True)
    print(f"{len(docs)} documents, {real_mb:.1f} MB ({source}); {repeat} rounds; load average "
          f"{os.getloadavg()[0]:.2f}; the median run by CPU time of each contender:")
    print(f"  start-up, cpu s of one record: {', '.join(f'{n} {c:.2f}' for n, c in started.items())}")
    print(f"  {'contender':<58} {'wall s':>8} {'cpu s':>8} {'MB/s cpu':>9} {'peak RSS':>9}")
    rows = {f"cleanse dedup --level document -j 1 ({name})": timed for name, timed in runs.items()}
    rows[f"datasketch: 5-grams, update_batch, MinHashLSH ({n_kept} kept)"] = peer
    for label, timed in rows.items():
        wall, cpu, rss = _median(timed)
        print(f"  {label:<58} {wall:8.2f} {cpu:8.2f} {real_mb / cpu:9.1f} {rss:7.0f} MB")
    for name, timed in runs.items():
        walls = sorted(p[0] / t[0] for p, t in zip(peer, timed, strict=True))
        cpus = sorted(p[1] / t[1] for p, t in zip(peer, timed, strict=True))
        print(f"  ratio datasketch / cleanse ({name}), round by round: median {walls[len(walls) // 2]:.1f}x"
              f" wall, {cpus[len(cpus) // 2]:.1f}x cpu; lowest {walls[0]:.1f}x wall, {cpus[0]:.1f}x cpu"
              f" (goal >= 8)")


def _median(timed: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """The run (wall, cpu, peak RSS) with the median CPU time."""
    return sorted(timed, key=lambda t: t[1])[len(timed) // 2]


def memory_per_entry(paras: list[str], n: int) -> dict[str, float]:
    """Bytes per LSH entry: datasketch MinHashLSH (tracemalloc) and cleanse's band-key arrays."""
    from datasketch import MinHash, MinHashLSH

    sample = paras[:n]
    sigs = []
    for p in sample:
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in python_shingles(p)])
        sigs.append(m)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    lsh = MinHashLSH(threshold=0.8, num_perm=NUM_PERM)
    for i, m in enumerate(sigs):
        lsh.insert(i, m, check_duplication=False)
    ds = (tracemalloc.get_traced_memory()[0] - base) / n
    tracemalloc.stop()
    del lsh, sigs
    gc.collect()
    config = DedupConfig()
    bands, _ = config.banding
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 2**63, size=(n, bands), dtype=np.uint64)
    exact = rng.integers(0, 2**63, size=n, dtype=np.uint64)
    resident = (keys.nbytes + exact.nbytes) / n
    tracemalloc.start()
    candidate_pairs(keys, np.arange(n), 0, config.max_bucket)
    peak = tracemalloc.get_traced_memory()[1] / n
    tracemalloc.stop()
    return {"datasketch": ds, "cleanse_resident": resident, "cleanse_grouping_peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--mb", type=float, default=100.0, help="megabytes of real text (default 100)"
    )
    parser.add_argument(
        "--peer-mb", type=float, default=None, help="time the peers on the first N MB only"
    )
    parser.add_argument(
        "--datatrove-mb",
        type=float,
        default=10.0,
        help="datatrove is slow: time it on N MB (default 10)",
    )
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["datasketch", "rensa", "datatrove"]
    )
    parser.add_argument("--mem-entries", type=int, default=200_000)
    parser.add_argument(
        "--command-mb", type=float, default=None,
        help="only time the whole `cleanse dedup --level document` command against datasketch "
        "on N MB of real documents (40 for the documented figure)",
    )  # fmt: skip
    parser.add_argument(
        "--code", type=Path, default=None,
        help="with --command-mb: also time the command of another tree (e.g. `git archive BASE "
        "cleanse rules | tar -x -C /tmp/base`), in the same run",
    )  # fmt: skip
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="with --command-mb: runs of each tree, interleaved; the median by CPU time is shown",
    )  # fmt: skip
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N",
        help="with --command-mb: also profile one run of each tree and print its top N entries "
        "by own time (cProfile with a CPU clock)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.command_mb:
        time_command(args.command_mb, args.code, args.repeat, args.profile)
        return

    docs = read_novels(args.mb)
    paras = [p for _, ps in docs for p in ps]
    mb = sum(len(p.encode("utf-8")) for p in paras) / 1e6
    print(
        f"text: {mb:.1f} MB, {len(docs)} novels, {len(paras)} paragraphs (eltec-fra + eltec-eng); "
        f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f}"
    )
    run_cleanse(docs[:1], 1)  # load the compiled kernel once (timed separately, see README)
    rows: list[tuple[str, float, str]] = []
    c1 = run_cleanse(docs, 1)
    c2 = run_cleanse(docs, 2)
    rows.append(
        (
            "cleanse signatures, 1 worker",
            c1["signatures"],
            "paragraph + document signatures, band keys",
        )
    )
    rows.append(
        (
            "cleanse whole stage, 1 worker",
            c1["total"],
            "+ exact/LSH grouping, verification, clusters",
        )
    )
    rows.append(("cleanse signatures, 2 workers", c2["signatures"], ""))
    rows.append(("cleanse whole stage, 2 workers", c2["total"], ""))

    peer_paras = paras
    peer_mb = mb
    if args.peer_mb:
        peer_paras, size = [], 0
        for p in paras:
            peer_paras.append(p)
            size += len(p.encode("utf-8"))
            if size >= args.peer_mb * 1e6:
                break
        peer_mb = size / 1e6
    tok = run_tokenise(peer_paras)
    rows.append(
        ("python regex word 5-grams only", tok * mb / peer_mb, "re.findall + join, no hashing")
    )
    peers: dict[str, float] = {}
    if "datasketch" not in args.skip:
        sig_t, lsh_t = run_datasketch(peer_paras)
        peers["datasketch"] = sig_t * mb / peer_mb
        rows.append(
            ("datasketch MinHash.update_batch", sig_t * mb / peer_mb, "sha1 hashfunc, affine32")
        )
        rows.append(("datasketch MinHashLSH.insert", lsh_t * mb / peer_mb, "9x13 bands"))
    if "rensa" not in args.skip:
        sig_t, lsh_t = run_rensa(peer_paras)
        peers["rensa"] = sig_t * mb / peer_mb
        rows.append(
            ("rensa RMinHash.update (from Python)", sig_t * mb / peer_mb, "same Python 5-grams")
        )
        rows.append(("rensa RMinHashLSH.insert", lsh_t * mb / peer_mb, "16 bands"))
    if "datatrove" not in args.skip:
        dt_paras, size = [], 0
        for p in peer_paras:
            dt_paras.append(p)
            size += len(p.encode("utf-8"))
            if size >= args.datatrove_mb * 1e6:
                break
        dt = run_datatrove(dt_paras)
        if isinstance(dt, str):
            rows.append(("datatrove MinhashDedupSignature", float("nan"), dt[:70]))
        else:
            peers["datatrove"] = dt * mb / (size / 1e6)
            rows.append(
                (
                    "datatrove MinhashDedupSignature",
                    peers["datatrove"],
                    f"timed on {size / 1e6:.1f} MB, scaled",
                )
            )

    scale = "" if peer_mb == mb else f" (peers timed on {peer_mb:.1f} MB, scaled to {mb:.1f} MB)"
    print(f"\nseconds for {mb:.1f} MB{scale}")
    print(f"{'contender':<40}{'seconds':>9}{'MB/s':>9}  note")
    for name, secs, note in rows:
        print(f"{name:<40}{secs:>9.2f}{mb / secs if secs == secs else float('nan'):>9.1f}  {note}")
    ours = c1["signatures"]
    print("\nratios (signatures per core, 1 worker):")
    for name, secs in peers.items():
        print(f"  cleanse vs {name:<12} {secs / ours:6.1f}x faster")
    print(f"  cpu seconds (all processes): 1 worker {c1['cpu']:.2f}, 2 workers {c2['cpu']:.2f}")
    print(
        f"  2 workers vs 1: signatures {c1['signatures'] / c2['signatures']:.2f}x, whole stage "
        f"{c1['total'] / c2['total']:.2f}x (load average now {os.getloadavg()[0]:.2f})"
    )

    n = min(args.mem_entries, len(paras))
    mem = memory_per_entry(paras, n)
    print(
        f"\nmemory per LSH entry ({n} entries): datasketch MinHashLSH {mem['datasketch']:.0f} B; "
        f"cleanse {mem['cleanse_resident']:.0f} B resident (21 band keys + exact hash), "
        f"{mem['cleanse_grouping_peak']:.0f} B peak extra while grouping"
    )


if __name__ == "__main__":
    main()
