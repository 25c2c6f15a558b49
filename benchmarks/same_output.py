"""Digests of what the real commands write on real data, to show a speed-up changes no output.

    git archive BASE cleanse rules | tar -x -C /tmp/base
    python benchmarks/same_output.py --code /tmp/base > before.txt
    python benchmarks/same_output.py > after.txt && diff before.txt after.txt

Sets (read in place from ../shared, written to a temporary folder):
- seeds: `cleanse run seeds/ OUT` (the golden seeds, both stages);
- wcxb-raw: `cleanse run` over the 1,337 naive scrapes of wcxb-dev (`docs/*.raw.txt`): rule packs,
  classifier (the boilerplate set) and duplicates;
- dedup-real: `cleanse dedup --level both` over the real extractions of wcxb-dev pages by 7
  extractors (the near-duplicate set; needs `benchmarks/.cache/dedup-real`, see dedup_real_data.py);
- readability: `cleanse run` over the raw scrapes of ../shared/eval/readability-pages (`*.raw.txt`,
  synthetic ones included): the classifier on another set of page dumps;
- novels: `cleanse clean` over the first 20 MB of ../shared/corpora as 40-paragraph JSONL records
  (`--novels-mb` for another slice).
Each line is a set, a file and the SHA-256 of its bytes: every corpus file, audit.jsonl, and
summary.json without its time, paths and worker count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import load_documents

ROOT = Path(__file__).resolve().parent.parent
WCXB_DOCS = ROOT.parent / "shared" / "eval" / "wcxb-dev" / "docs"
READABILITY = ROOT.parent / "shared" / "eval" / "readability-pages"
# Keys of summary.json that describe the run (time, temporary paths, workers), not its result.
RUN_KEYS = frozenset({"seconds", "src", "dest", "report", "index", "rule_files", "workers"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def without_run_keys(value: object) -> object:
    if isinstance(value, dict):
        return {k: without_run_keys(v) for k, v in value.items() if k not in RUN_KEYS}
    if isinstance(value, list):
        return [without_run_keys(v) for v in value]
    return value


def run(code: Path, args: list[str], workers: int) -> None:
    cmd = [sys.executable, "-m", "cleanse", *args, "--workers", str(workers), "-q"]
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=code, env=env)
    if done.returncode != 0:
        msg = f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}"
        raise SystemExit(msg)


def report(name: str, out: Path, report_dir: Path) -> None:
    for path in sorted(p for p in out.rglob("*") if p.is_file() and ".cleanse" not in p.parts):
        print(f"{name}  {path.relative_to(out)}  {digest(path)}")
    print(f"{name}  audit.jsonl  {digest(report_dir / 'audit.jsonl')}")
    summary = without_run_keys(json.loads((report_dir / "summary.json").read_text(encoding="utf-8")))
    blob = json.dumps(summary, sort_keys=True, ensure_ascii=False).encode("utf-8")
    print(f"{name}  summary.json (no timings)  {hashlib.sha256(blob).hexdigest()[:16]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="folder holding the cleanse package to run")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--sets", nargs="*", default=["seeds", "wcxb-raw", "readability", "dedup-real", "novels"]
    )
    parser.add_argument("--novels-mb", type=float, default=20.0, help="MB of novels for `clean`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="same-output-") as tmp:
        work = Path(tmp)
        if "seeds" in args.sets:
            run(args.code, ["run", str(ROOT / "seeds"), str(work / "seeds")], args.workers)
            report("seeds", work / "seeds", work / "seeds" / ".cleanse")
        if "wcxb-raw" in args.sets:
            raw = work / "wcxb-raw"
            raw.mkdir()
            for page in sorted(WCXB_DOCS.glob("*.raw.txt")):
                (raw / page.name).write_bytes(page.read_bytes())
            run(args.code, ["run", str(raw), str(work / "wcxb-out"), "--report", str(work / "wcxb-rep")], args.workers)
            report("wcxb-raw", work / "wcxb-out", work / "wcxb-rep")
        if "readability" in args.sets:
            raw = work / "readability-raw"
            raw.mkdir()
            for page in sorted(READABILITY.glob("*.raw.txt")):
                (raw / page.name).write_bytes(page.read_bytes())
            run(args.code, ["run", str(raw), str(work / "readability-out"),
                            "--report", str(work / "readability-rep")], args.workers)  # fmt: skip
            report("readability", work / "readability-out", work / "readability-rep")
        if "dedup-real" in args.sets:
            from dedup_real import build_set

            src = work / "real.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for doc in build_set(None, 11):
                    fh.write(json.dumps({"id": doc["id"], "text": doc["text"]}, ensure_ascii=False) + "\n")
            out = work / "real-out"
            out.mkdir()
            run(args.code, ["dedup", str(src), str(out / "real.jsonl"), "--level", "both",
                            "--report", str(work / "real-rep")], args.workers)  # fmt: skip
            report("dedup-real", out, work / "real-rep")
        if "novels" in args.sets:
            src = work / "novels.jsonl"
            with src.open("w", encoding="utf-8") as fh:
                for i, text in enumerate(load_documents(args.novels_mb)):
                    fh.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
            out = work / "novels-out"
            out.mkdir()
            run(args.code, ["clean", str(src), str(out / "novels.jsonl"), "--report", str(work / "nov-rep")], args.workers)
            report("novels", out, work / "nov-rep")


if __name__ == "__main__":
    main()
