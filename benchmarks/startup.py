"""Start-up time of `cleanse --help` and `cleanse rules list`, beside the bare interpreter.

    python benchmarks/startup.py                          # this checkout, 15 runs each
    python benchmarks/startup.py --code /tmp/base         # the same commands from another tree too

Each command runs as a fresh process (`python -m cleanse ...`); the table gives the median wall
time and the median CPU time (user + system, from wait4) of the runs. On a shared machine the
wall time grows with the load while the CPU time barely moves, so both are shown, with the load.
`python -c pass` is the floor no command can go under; `--code` times another copy of the
package (e.g. the code before a change) in the same run, interleaved. Each tree's modules are
byte-compiled first, as `pip install` leaves them: where PYTHONDONTWRITEBYTECODE is set, a tree
never compiled would pay for compiling its source at every start.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {"cleanse --help": ["-m", "cleanse", "--help"], "cleanse rules list": ["-m", "cleanse", "rules", "list"]}
HEAVY = ("numpy", "numba", "ftfy", "datasketch", "tqdm")


def run_once(argv: list[str], code: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `python argv` with `code` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], cwd=code, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        msg = f"{argv} exited with {proc.returncode}"
        raise SystemExit(msg)
    return wall, usage.ru_utime + usage.ru_stime


def heavy_modules(argv: list[str], code: Path) -> list[str]:
    """The heavy modules a command imports (run in-process in a child, then sys.modules read)."""
    args = argv[2:]
    probe = (
        "import sys, contextlib, io\nfrom cleanse.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    try: main({args!r})\n    except SystemExit: pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=code, env=env, capture_output=True, text=True, check=True)
    return done.stdout.split()


def byte_compile(code: Path) -> None:
    """Write the .pyc files of the package under `code` (what an installed package has)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "cleanse")], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--code", type=Path, default=None, help="another tree holding cleanse/ to time beside this one")
    args = parser.parse_args()
    trees = {"this checkout": ROOT}
    if args.code is not None:
        trees[f"--code {args.code}"] = args.code
    for code in trees.values():
        byte_compile(code)
    rows: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.runs):  # interleaved, so that a burst of load hits every row alike
        rows.setdefault(("python -c pass", ""), []).append(run_once(["-c", "pass"], ROOT))
        for tree, code in trees.items():
            for name, argv in COMMANDS.items():
                rows.setdefault((name, tree), []).append(run_once(argv, code))
    print(f"{args.runs} runs each, load average {os.getloadavg()[0]:.2f} at the end, {os.cpu_count()} cores")
    print(f"  {'command':<22} {'code':<34} {'wall s':>7} {'cpu s':>7}  heavy modules imported")
    for (name, tree), times in rows.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        heavy = " ".join(heavy_modules(COMMANDS[name], trees[tree])) if name in COMMANDS else ""
        print(f"  {name:<22} {tree:<34} {wall:7.3f} {cpu:7.3f}  {heavy or '-'}")


if __name__ == "__main__":
    main()
