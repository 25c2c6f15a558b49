"""A wheel carries the rule packs, and an installed (non-editable) cleanse finds them there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr[-300:]}")
    return next(out.glob("cleanse-*.whl"))


def test_wheel_contains_rule_packs(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for pack in sorted((ROOT / "rules").rglob("*.toml")):
        assert f"cleanse/rules/{pack.relative_to(ROOT / 'rules').as_posix()}" in names
    assert "cleanse/data/lexicon/fr.txt" in names


def test_installed_package_loads_its_own_packs(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = (
        "import cleanse.rules as r, cleanse.packs as p; d = r.builtin_rules_dir(); print(d); "
        "print(len(p.load_rules().rules)); from cleanse import clean_text; "
        "print(clean_text('pendant qquand un accord', lang='fr'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False,
        cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    where, count, fixed = result.stdout.split("\n")[:3]
    assert Path(where) == tmp_path / "site" / "cleanse" / "rules"
    assert int(count) > 20
    assert fixed == "pendant quand un accord"
