"""The sample articles through the real CLI: byte-for-byte against tests/golden/, and content kept.

Regenerate the golden files with `pytest tests/test_golden_seeds.py --update-golden` and read the
diff before committing it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"

# Boilerplate lines (1-based, per seed) that must be gone from the output.
BOILERPLATE = {
    "000_8e6352baf886a4de.txt": [17, 19, 20, 22, 23],
    "001_86e46f91a25bda8f.txt": [1, 5, 14, 16],
    "002_d6ccc57a6eec877f.txt": [1, 41],
    "003_93d6684eea28a751.txt": [3, 4, 5, 27, 28, 30, 32, 34],
}
# Copies of the 001 headline (line 3 is the title that stays): the duplicate stages remove them.
HEADLINE_COPIES = {"001_86e46f91a25bda8f.txt": [6, 18, 20]}
HEADLINE = "La mise en scène du rapprochement entre Moscou et Pyongyang"
# Text repairs: what the input says, and what the output must say instead.
FIXES = {
    "qquand": "quand",
    "“LLa": "“La",
    "«\xa0cDes": "«\xa0Des",  # the seed has a no-break space after «
    "»a déclaré": "» a déclaré",
    " Il vous reste 60% de cet article à lire. La suite est réservée aux abonnés.": "",
    "ils disent. ___": "ils disent.",
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanse", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-out")
    result = run_cli("run", str(SEEDS), str(out), "--workers", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_matches_golden(cleaned, name, update_golden):
    got = (cleaned / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if update_golden:
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(BOILERPLATE))
def test_boilerplate_gone_and_content_kept_word_for_word(cleaned, name):
    source = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    output_lines = set((cleaned / name).read_text(encoding="utf-8").split("\n"))
    for number, line in enumerate(source, start=1):
        if not line.strip() or number in HEADLINE_COPIES.get(name, []):
            continue  # the copies equal the title: test_headline_kept_once counts them
        if number in BOILERPLATE[name]:
            assert line not in output_lines, f"line {number} should be removed: {line!r}"
            continue
        expected = line
        for before, after in FIXES.items():
            expected = expected.replace(before, after)
        assert expected in output_lines, f"content line {number} lost or altered: {line[:80]!r}"


def test_artifacts_fixed(cleaned):
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(cleaned.glob("*.txt")))
    for before in ("qquand", "“LLa", "« cDes", "»a", "Il vous reste 60%", "___"):
        assert before not in text


def test_report_accounts_for_every_seed(cleaned):
    summary = json.loads((cleaned / ".cleanse" / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"]["in"] == 4
    audit = [json.loads(line) for line in (cleaned / ".cleanse" / "audit.jsonl").read_text().splitlines()]
    assert [a["id"] for a in audit] == sorted(BOILERPLATE)
    for entry in audit:
        assert entry["status"] in {"kept", "changed", "removed"}
        for change in entry["changes"]:
            assert {"stage", "rule", "line", "before", "after"} <= set(change)
    bylines = {a["id"]: a.get("extracted", {}).get("byline") for a in audit}
    assert bylines["003_93d6684eea28a751.txt"] == "Josephine Martin"
    assert bylines["001_86e46f91a25bda8f.txt"] == "News7"


def test_headline_kept_once_and_copies_audited(cleaned):
    name = "001_86e46f91a25bda8f.txt"
    text = (cleaned / name).read_text(encoding="utf-8")
    assert text.count(HEADLINE) == 1
    assert text.split("\n")[0] == (SEEDS / name).read_text(encoding="utf-8").split("\n")[2]
    audit = [json.loads(line) for line in (cleaned / ".cleanse" / "audit.jsonl").read_text().splitlines()]
    dedup = [(a["id"], c) for a in audit for c in a["changes"] if c["stage"] == "dedup"]
    assert sorted(c["line"] for _, c in dedup) == HEADLINE_COPIES[name]
    for doc_id, change in dedup:
        assert doc_id == name and change["duplicate_of"] == name and change["duplicate_of_line"] == 3
        assert 0.8 <= change["similarity"] <= 1.0


def test_clean_alone_keeps_the_copies(tmp_path):
    result = run_cli("clean", str(SEEDS), str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "001_86e46f91a25bda8f.txt").read_text(encoding="utf-8")
    # Title, its copy, the triple-glued line, news7.asia: the breadcrumb copy is a cleaning rule's job.
    assert text.count(HEADLINE) == 1 + 1 + 3 + 1
