"""pyproject.toml tells the truth: a run imports every required dependency, and not datasketch.

A `cleanse run` with both duplicate levels, the HTML report and the progress display is what
"run time" means here. numba is required (the duplicate kernels and cluster.py are compiled with
it); datasketch is not (only `signatures.to_datasketch`, for sharing an index with datasketch,
needs it: the `datasketch` extra).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib.metadata as md, json, sys
sys.argv = ["cleanse"]
from cleanse.cli import main
import io
from cleanse.cli import progress_display
code = main(["run", sys.argv_src, sys.argv_dest, "-q", "-j", "1", "--level", "both"])
bars = progress_display.TerminalBars(io.StringIO())  # what a terminal run shows: its bars load tqdm
bars.start("clean", 1, "B")
bars.close()
dists = md.packages_distributions()
found = set()
for name in list(sys.modules):
    top = name.partition(".")[0]
    for dist in dists.get(top, ()):
        found.add(dist.lower())
print(json.dumps({"code": code, "dists": sorted(found)}))
"""


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {re.split(r"[<>=!~\\[ ;]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}


def imported_by_a_run(tmp_path: Path) -> set[str]:
    src = tmp_path / "src"
    src.mkdir()
    text = "Le conseil municipal a voté le budget de la ville après un long débat public.\n"
    for n in range(3):
        (src / f"d{n}.txt").write_text(text * 3, encoding="utf-8")
    probe = PROBE.replace("sys.argv_src", repr(str(src))).replace("sys.argv_dest", repr(str(tmp_path / "out")))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 0
    return set(result["dists"]) - {"cleanse", "pip", "setuptools"}


def test_a_run_imports_exactly_the_required_dependencies(tmp_path):
    needed = declared()
    used = imported_by_a_run(tmp_path)
    assert needed - used == set(), "declared as required, but a run never imports them"
    assert {"numba", "numpy", "ftfy", "regex", "tqdm"} <= needed
    assert "datasketch" not in used


def test_datasketch_is_an_extra_and_the_dev_extra_installs_it():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert any(dep.startswith("datasketch") for dep in extras["datasketch"])
    assert any(dep.startswith("datasketch") for dep in extras["dev"])
