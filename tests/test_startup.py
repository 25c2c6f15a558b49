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
