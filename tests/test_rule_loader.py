"""The loader refuses broken rule files, naming file, rule id and what to fix."""

from __future__ import annotations

import pytest

from cleanse.errors import RuleFileError
from cleanse.rules import load_rules

GOOD = """[[rule]]
id = "mine.subscribe"
stage = "lines"
action = "drop_line"
pattern = '^Subscribe now$'
tests.drop = ["Subscribe now"]
tests.keep = ["Subscribe now to the idea."]
"""


def load(tmp_path, text):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return load_rules([path], builtin=False)


def test_good_file_loads(tmp_path):
    assert [r.id for r in load(tmp_path, GOOD).rules] == ["mine.subscribe"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace('stage = "lines"', 'stage = "lines'), "not valid TOML"),
        (lambda s: s.replace("^Subscribe now$", "^Subscribe (now$"), "does not compile"),
        (lambda s: s.replace('tests.drop = ["Subscribe now"]', 'tests.drop = ["Subscribe later"]'), "Subscribe later"),
        (lambda s: s.replace('tests.keep = ["Subscribe now to the idea."]', ""), "look-alike"),
        (lambda s: s.replace('action = "drop_line"', 'action = "drop_doc"'), "`action`"),
        (lambda s: s.replace('id = "mine.subscribe"', 'id = "Mine Subscribe"'), "`id`"),
        (lambda s: s + "\nbogus = 1\n", "unknown key"),
        (lambda s: s + "\n" + s, "already defined"),
    ],
    ids=["toml", "pattern", "failing-example", "no-lookalike", "action", "id", "unknown-key", "duplicate"],
)
def test_broken_files_are_refused(tmp_path, edit, message):
    with pytest.raises(RuleFileError) as exc:
        load(tmp_path, edit(GOOD))
    assert "mine.toml" in str(exc.value)
    assert message in str(exc.value)


def test_pathological_pattern_times_out_instead_of_hanging(tmp_path):
    slow = GOOD.replace("^Subscribe now$", "^(a|aa)+$").replace('["Subscribe now"]', '["aaaa"]')
    slow = slow.replace('["Subscribe now to the idea."]', '["' + "a" * 60 + '!"]')
    with pytest.raises(RuleFileError) as exc:
        load(tmp_path, slow)
    assert "timed out" in str(exc.value)
