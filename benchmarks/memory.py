"""Peak memory of `cleanse run` as the corpus grows: it should follow the duplicate index, not the corpus.

    python benchmarks/memory.py                      # 0.1, 0.3 and 1 GB corpora (~15 min)
    python benchmarks/memory.py --gb 0.1 0.3         # quicker
    python benchmarks/memory.py --gb 1 --keep-corpus /tmp/big   # keep the generated corpus

Each corpus is made from the public-domain novels in ../shared/corpora/ (never copied into the
repository), repeated with seeded perturbations until it reaches the size asked: every copy has
some words replaced, some paragraphs dropped or duplicated, and one in five copies is left exact,
so the duplicate stages have real work at every size. It is written as .jsonl files of about
50 MB, the way crawls come.

The command is run as a user would run it (`cleanse run SRC DEST -q --workers N`), and its process
tree's memory is sampled from /proc every 0.2 s; the report gives the peak of the whole tree
(proportional set size, so pages forked workers share count once) and of the biggest single
process (resident set size), the size of the duplicate index, the wall time, and the
ratio of peak memory to corpus size, which is the result: it must fall as the corpus grows.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import DEFAULT_CORPORA, load_documents

FILE_BYTES = 50_000_000


def perturb(doc: str, rng: random.Random, vocabulary: list[str]) -> str:
    """A copy of `doc` with about 3 % of its words replaced and a paragraph dropped or repeated."""
    paragraphs = doc.split("\n\n")
    if len(paragraphs) > 2 and rng.random() < 0.5:
        del paragraphs[rng.randrange(len(paragraphs))]
    if rng.random() < 0.3:
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(paragraphs))
    out = []
    for paragraph in paragraphs:
        words = paragraph.split(" ")
        for _ in range(max(1, len(words) // 33)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        out.append(" ".join(words))
    return "\n\n".join(out)


def write_corpus(root: Path, gigabytes: float, seed: int = 1) -> int:
    """Write about `gigabytes` GB of .jsonl under `root`; returns the bytes written."""
    return write_perturbed(root, load_documents(120, DEFAULT_CORPORA), int(gigabytes * 1e9), seed)


def write_perturbed(root: Path, base: list[str], budget: int, seed: int = 1) -> int:
    """About `budget` bytes of .jsonl parts under `root`: `base` once as it is, then again and again
    with seeded perturbations (a fifth of each later copy left exact); returns the bytes written."""
    rng = random.Random(seed)
    vocabulary = [w for doc in base[:200] for w in doc.split(" ")[:50]]
    written = part = copy = 0
    fh = None
    while written < budget:
        for i, doc in enumerate(base):
            if fh is None or fh.tell() >= FILE_BYTES:
                if fh is not None:
                    fh.close()
                part += 1
                fh = (root / f"part-{part:04d}.jsonl").open("w", encoding="utf-8")
            text = doc if copy == 0 or rng.random() < 0.2 else perturb(doc, rng, vocabulary)
            line = json.dumps({"id": f"c{copy}-{i}", "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            if written >= budget:
                break
        copy += 1
    if fh is not None:
        fh.close()
    return written


def _field(text: str, name: str) -> int:
    return next(int(x.split()[1]) * 1024 for x in text.splitlines() if x.startswith(name))


def tree_memory(pid: int) -> tuple[int, int, int]:
    """(total, biggest, biggest anonymous) memory of process `pid` and all its descendants.

    The total adds proportional set sizes (PSS: pages shared by forked workers are counted once
    across them, not once per process); the biggest is one process's resident set (RSS), and its
    anonymous part (RssAnon: RSS without the pages of mapped files, such as the index's shingle
    sets, which the kernel can drop and read again).
    """
    total = biggest = anon = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            pss = _field(Path(f"/proc/{current}/smaps_rollup").read_text(), "Pss:")
            status = Path(f"/proc/{current}/status").read_text()
            rss, rss_anon = _field(status, "VmRSS:"), _field(status, "RssAnon:")
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
        total += pss
        biggest = max(biggest, rss)
        anon = max(anon, rss_anon)
    return total, biggest, anon


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under `folder` now (0 if it is gone; files may vanish while counting)."""
    total = 0
    try:
        for path in folder.rglob("*"):
            try:
                total += path.stat().st_size if path.is_file() else 0
            except OSError:
                continue
    except OSError:
        return total
    return total


def measure(src: Path, workers: int, extra: list[str]) -> dict[str, float]:
    """Run cleanse over `src` and sample its memory until it ends."""
    dest = Path(tempfile.mkdtemp(prefix="cleanse-mem-out-"))
    shutil.rmtree(dest)
    command = [sys.executable, "-m", "cleanse", "run", str(src), str(dest), "-q", "--workers", str(workers), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak_total = peak_one = peak_anon = 0
    index_bytes = 0
    while proc.poll() is None:
        total, one, anon = tree_memory(proc.pid)
        peak_total, peak_one, peak_anon = max(peak_total, total), max(peak_one, one), max(peak_anon, anon)
        index_bytes = max(index_bytes, folder_bytes(dest / ".cleanse" / "run-index"))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        msg = f"cleanse failed ({proc.returncode}): {proc.stderr.read() if proc.stderr else ''}"
        raise SystemExit(msg)
    summary = json.loads((dest / ".cleanse" / "summary.json").read_text(encoding="utf-8"))
    shutil.rmtree(dest)
    return {
        "wall_s": wall,
        "peak_tree_mb": peak_total / 1e6,
        "peak_process_mb": peak_one / 1e6,
        "peak_anon_mb": peak_anon / 1e6,
        "index_mb": index_bytes / 1e6,
        "documents": summary["documents"]["in"],
        "duplicate_documents": sum(v for k, v in summary["removed_by"].items() if k.startswith("dedup.")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gb", type=float, nargs="+", default=[0.1, 0.3, 1.0], help="corpus sizes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-corpus", type=Path, help="write the corpora here and keep them")
    parser.add_argument("cleanse_args", nargs="*", help="extra flags for cleanse run (after --)")
    args = parser.parse_args()
    rows = []
    for size in args.gb:
        root = (args.keep_corpus / f"{size:g}gb") if args.keep_corpus else Path(tempfile.mkdtemp(prefix="cleanse-mem-"))
        root.mkdir(parents=True, exist_ok=True)
        if not any(root.iterdir()):
            write_corpus(root, size)
        corpus_bytes = sum(p.stat().st_size for p in root.glob("*.jsonl"))
        result = measure(root, args.workers, args.cleanse_args)
        result["corpus_mb"] = corpus_bytes / 1e6
        rows.append(result)
        if not args.keep_corpus:
            shutil.rmtree(root)
        print(
            f"{result['corpus_mb']:8.0f} MB corpus  {result['documents']:>8,} docs  "
            f"peak {result['peak_tree_mb']:6.0f} MB (biggest process {result['peak_process_mb']:6.0f} MB, "
            f"anonymous {result['peak_anon_mb']:6.0f} MB)  "
            f"index {result['index_mb']:6.0f} MB  peak/corpus {result['peak_tree_mb'] / result['corpus_mb']:.2f}  "
            f"{result['wall_s']:6.0f} s  duplicates removed {result['duplicate_documents']:,}",
            flush=True,
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"corpus grew {last['corpus_mb'] / first['corpus_mb']:.1f}x, peak memory "
            f"{last['peak_tree_mb'] / first['peak_tree_mb']:.2f}x, index {last['index_mb'] / max(first['index_mb'], 1e-9):.1f}x"
        )


if __name__ == "__main__":
    main()
