"""`cleanse rules list` reads the built-in packs without compiling their patterns; these tests are
what makes that safe: every shipped pattern compiles, the listing equals the loaded rules, the
listing refuses what loading refuses (short of compiling), and a user's broken pattern is refused
by the listing with loading's own message."""

from __future__ import annotations

import pytest
import regex

from cleanse.cli import main
from cleanse.errors import RuleFileError
from cleanse.packs import list_rules, load_rules
from cleanse.rules import RuleEntry, describe_rule_file, parse_rule_file

GOOD = """[[rule]]
id = "mine.subscribe"
stage = "lines"
action = "drop_line"
pattern = '^Subscribe now$'
note = "a call to subscribe"
tests.drop = ["Subscribe now"]
tests.keep = ["Subscribe now to the idea."]
"""


def test_every_shipped_pattern_compiles_and_the_listing_equals_the_loaded_rules():
    loaded = load_rules(check=False, probe=False).rules  # compiles every pattern, or raises
    assert loaded and all(isinstance(rule.pattern, regex.Pattern) for rule in loaded)
    assert all(isinstance(rule.drop_next, regex.Pattern) for rule in loaded if rule.drop_next is not None)
    assert list_rules() == [RuleEntry.of(rule) for rule in loaded]


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.replace('stage = "lines"', 'stage = "line"'),
        lambda s: s.replace('action = "drop_line"', 'action = "drop_doc"'),
        lambda s: s.replace('id = "mine.subscribe"', 'id = "Mine Subscribe"'),
        lambda s: s.replace('action = "drop_line"', 'action = "replace"'),
        lambda s: s.replace('action = "drop_line"', 'action = "extract"'),
        lambda s: s.replace("pattern = '^Subscribe now$'", "pattern = ''"),
        lambda s: s + "drop_next = 3\n",
        lambda s: s + "status = 'maybe'\n",
        lambda s: s + "lang = [1]\n",
        lambda s: s + "guard = 3\n",
        lambda s: s + 'contains = [""]\n',
        lambda s: s + "tests.maybe = []\n",
        lambda s: s.replace('tests.keep = ["Subscribe now to the idea."]', ""),
        lambda s: s + "\nbogus = 1\n",
        lambda s: "rule = [1, 2]\n",
    ],
    ids=[
        "stage", "action", "id", "replace-missing", "extract-field", "empty-pattern", "drop-next-type",
        "status", "lang", "guard", "contains", "tests-key", "no-lookalike", "unknown-key", "not-tables",
    ],
)  # fmt: skip
def test_the_listing_refuses_what_loading_refuses_with_the_same_message(tmp_path, edit):
    path = tmp_path / "mine.toml"
    path.write_text(edit(GOOD), encoding="utf-8")
    with pytest.raises(RuleFileError) as parsed:
        parse_rule_file(path)
    with pytest.raises(RuleFileError) as described:
        describe_rule_file(path)
    assert str(described.value) == str(parsed.value)


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.replace("^Subscribe now$", "^Subscribe (now$"),
        lambda s: s + "drop_next = '(oops'\n",
        lambda s: s.replace('action = "drop_line"', 'action = "replace"\nreplace = "\\\\g<gone>"'),
    ],
    ids=["pattern", "drop-next", "template-group"],
)
@pytest.mark.parametrize("builtin", [True, False])
def test_a_broken_pattern_in_a_user_file_is_refused_by_rules_list_as_by_loading(tmp_path, capsys, edit, builtin):
    path = tmp_path / "mine.toml"
    path.write_text(edit(GOOD), encoding="utf-8")
    with pytest.raises(RuleFileError) as loading:
        load_rules([path], builtin=builtin)
    argv = ["rules", "list", "--rules", str(path), *([] if builtin else ["--no-builtin-rules"])]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert err == f"cleanse: error: {loading.value}\n" and not out


def test_rules_list_shows_a_user_file_after_the_built_in_packs(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["rules", "list", "--rules", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "STAGE", "ACTION", "LANG", "SITES", "STATUS", "NOTE"]
    assert len(lines) == 1 + len(load_rules(check=False, probe=False).rules) + 1
    assert lines[-1].split() == ["mine.subscribe", "lines", "drop_line", "*", "-", "stable", "a", "call", "to", "subscribe"]
    path.write_text(GOOD.replace("mine.subscribe", "common.nav.breadcrumb"), encoding="utf-8")
    assert main(["rules", "list", "--rules", str(path)]) == 1  # a built-in id taken again
    assert "is already defined in" in capsys.readouterr().err
