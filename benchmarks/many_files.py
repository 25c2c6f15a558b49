"""Listing and reading a folder of many small files: seconds for `read_documents` over N files.

    python benchmarks/many_files.py                  # 20,000 files in 20 folders, 5 runs
    python benchmarks/many_files.py --files 100000 --runs 3

The files are hard links to one short text (creating that many inodes would take longer than the
reading under test), in a temporary folder removed afterwards. The table gives the median and
the fastest of the runs; the test suite checks only that every file is read, in path order
(tests/test_hostile_inputs.py), since timings do not belong in tests. Before this benchmark the
test asserted under 10 s; about 1 s was measured then.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from cleanse.readers import ReadConfig, read_documents


def make_tree(root: Path, files: int, folders: int) -> Path:
    """`files` hard links to one text, spread over `folders` folders under root/src."""
    template = root / "template.txt"
    template.write_bytes(b"Un texte court.\n")
    src = root / "src"
    per = -(-files // folders)
    for n in range(files):
        folder = src / f"f{n // per:03}"
        if n % per == 0:
            folder.mkdir(parents=True)
        os.link(template, folder / f"{n % per:06}.txt")
    return src


def time_read(src: Path) -> tuple[float, int]:
    """Seconds to list and read every document under `src`, and how many there were."""
    start = time.perf_counter()
    count = sum(1 for _ in read_documents(src, ReadConfig()))
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--folders", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cleanse-many-files-") as tmp:
        src = make_tree(Path(tmp), args.files, args.folders)
        times = []
        for _ in range(args.runs):
            seconds, count = time_read(src)
            if count != args.files:
                msg = f"read {count} documents out of {args.files} files"
                raise SystemExit(msg)
            times.append(seconds)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{args.files:,} files in {args.folders} folders: median {statistics.median(times):.2f} s, "
          f"fastest {min(times):.2f} s over {args.runs} runs")  # fmt: skip


if __name__ == "__main__":
    main()
