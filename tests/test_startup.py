"""Start-up stays light: `cleanse --help` and `cleanse rules list` import no heavy module.

numpy, numba, ftfy, datasketch and tqdm cost most of a second to import; they are loaded when a
command needs them, never to print help or list rules. Each check runs in a fresh interpreter and
reads sys.modules afterwards (no timing: the load of the machine does not matter).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "numba", "ftfy", "datasketch", "tqdm")
# Not heavy alone, but the HTML report (cleanse.report) is a tenth of start-up: loaded only by
# the commands that write one.
LIGHT_ONLY = ("cleanse.report",)


def modules_after(code: str) -> set[str]:
    probe = f"import sys, io, contextlib\n{code}\nprint(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("argv", [["--help"], ["rules", "list"], ["rules", "list", "--lang", "fr"], ["run", "--help"]])
def test_light_commands_import_no_heavy_module(argv: list[str]) -> None:
    code = (
        "from cleanse.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    try: main({argv!r})\n"
        "    except SystemExit as exc: assert not exc.code, exc.code\n"
        "assert out.getvalue(), 'the command printed nothing'"
    )
    loaded = modules_after(code)
    assert not loaded & {*HEAVY, *LIGHT_ONLY}, sorted(loaded & {*HEAVY, *LIGHT_ONLY})


# The modules of the commands not run: a command's flags are built only when it is given
# (cleanse.cli.commands), and listing rules needs none of the job's settings.
NOT_FOR = {
    "--help": ("cleanse.cli.jobs", "cleanse.cli.explain", "cleanse.cli.rules_cmd", "cleanse.cli.options", "cleanse.rules"),
    "rules list": (
        "cleanse.cli.jobs", "cleanse.cli.explain", "cleanse.cli.learn_cmd", "cleanse.cli.report_cmd",
        "cleanse.clean_config", "cleanse.dedup", "cleanse.formats", "cleanse.parallel", "multiprocessing",
    ),
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(NOT_FOR))
def test_a_light_command_imports_only_its_own_command_module(command: str) -> None:
    code = (
        "from cleanse.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try: main({command.split()!r})\n"
        "    except SystemExit as exc: assert not exc.code, exc.code\n"
    )
    loaded = modules_after(code)
    assert not loaded & set(NOT_FOR[command]), sorted(loaded & set(NOT_FOR[command]))


def test_the_report_command_names_the_report_page_of_the_report_package() -> None:
    from cleanse.cli import report_cmd
    from cleanse.report import REPORT_NAME

    assert report_cmd.REPORT_NAME == REPORT_NAME


def test_importing_the_package_loads_nothing_heavy_until_used() -> None:
    loaded = modules_after("import cleanse, cleanse.dedup\nprint(cleanse.__version__, file=sys.stderr)")
    assert not loaded & set(HEAVY)
    used = modules_after("from cleanse import clean_text\nassert clean_text('a  b\\n', lang='en')")
    assert {"ftfy", "numpy"} <= used  # the lazy names still resolve to the real engine


def test_lazy_names_are_the_real_objects() -> None:
    import cleanse
    import cleanse.dedup
    from cleanse.clean import clean_text
    from cleanse.dedup.engine import find_duplicates

    assert cleanse.clean_text is clean_text
    assert cleanse.dedup.find_duplicates is find_duplicates
    assert set(cleanse.__all__) <= set(dir(cleanse))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        cleanse.nothing  # noqa: B018


def test_a_dedup_run_loads_no_cleaning_engine_and_no_blas(tmp_path: Path) -> None:
    """`cleanse dedup` runs the duplicate kernels only: ftfy, the rule engine's cleaning loop,
    the line classifier and (with -q) tqdm stay unloaded, and so does scipy's BLAS, which numba
    would otherwise probe for when the first kernel loads (no kernel uses it)."""
    src = tmp_path / "in.jsonl"
    text = "the same words of one paragraph repeated twice make a duplicate document here"
    src.write_text(f'{{"id": "a", "text": "{text}"}}\n{{"id": "b", "text": "{text}"}}\n')
    code = (
        "from cleanse.cli import main\n"
        f"assert main(['dedup', {str(src)!r}, {str(tmp_path / 'out')!r} + '/', '-q']) == 0\n"
    )
    loaded = modules_after(code)
    assert (tmp_path / "out" / "in.jsonl").read_text().count("\n") == 1  # the duplicate went
    assert {"numba", "numpy", "cleanse.report"} <= loaded  # it did run the kernels and the report
    unwanted = {"ftfy", "tqdm", "cleanse.clean", "cleanse.classify", "scipy.linalg"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_skipping_the_blas_probe_leaves_numba_linear_algebra_working() -> None:
    """After `skip_blas_probe`, numba still compiles np.dot with the BLAS (found when needed)."""
    pytest.importorskip("scipy")
    code = (
        "from cleanse.dedup.kernel import skip_blas_probe\nskip_blas_probe()\n"
        "import numba, numpy as np\n"
        "dot = numba.njit(lambda a, b: np.dot(a, b))\n"
        "a = np.arange(6.0).reshape(2, 3)\n"
        "assert (dot(a, a.T) == a @ a.T).all()\n"
        "assert 'scipy.linalg.cython_blas' in sys.modules\n"
    )
    modules_after(code)


@pytest.mark.parametrize("classify", ["auto", "off"])
def test_a_clean_run_loads_no_duplicate_kernel(tmp_path: Path, classify: str) -> None:
    """`cleanse clean` does not deduplicate: the duplicate index and engine stay unloaded. numba
    (a quarter of a second of CPU to import) comes only with the line classifier's compiled pass,
    so `--classify off` loads no numba."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "One line of text.\\nAnd another one here."}\n')
    argv = ["clean", str(src), str(tmp_path / "out.jsonl"), "-q", "--classify", classify]
    loaded = modules_after(f"from cleanse.cli import main\nassert main({argv!r}) == 0\n")
    assert not loaded & {"cleanse.dedup.index", "cleanse.dedup.engine"}
    assert "ftfy" in loaded
    if classify == "off":
        assert not loaded & {"numba", "llvmlite", "cleanse.classify.line_kernel"}
    else:
        assert {"numba", "cleanse.classify.line_kernel"} <= loaded
