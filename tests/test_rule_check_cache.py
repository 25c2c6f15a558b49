"""Rule files that passed their load-time checks are not checked again until something they depend
on changes (cleanse.rule_check_cache)."""

from __future__ import annotations

import pytest

from cleanse import rule_check_cache, rules, ruletest
from cleanse.cli import main
from cleanse.errors import RuleFileError
from cleanse.packs import load_rules

GOOD = """[[rule]]
id = "mine.subscribe"
stage = "lines"
action = "drop_line"
pattern = '^Subscribe now$'
tests.drop = ["Subscribe now"]
tests.keep = ["Subscribe now to the idea."]
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(rule_check_cache.CACHE_ENV, str(folder))
    return folder / "rule-checks"


@pytest.fixture
def counted(monkeypatch):
    """How often each check runs: the runaway probe (per pattern) and the examples (per load)."""
    calls = {"probe": 0, "examples": 0}
    probe, check = rules.refuse_runaway, ruletest.check_rules

    def counting_probe(*args, **kwargs):
        calls["probe"] += 1
        return probe(*args, **kwargs)

    def counting_check(*args, **kwargs):
        calls["examples"] += 1
        return check(*args, **kwargs)

    monkeypatch.setattr(rules, "refuse_runaway", counting_probe)
    monkeypatch.setattr(ruletest, "check_rules", counting_check)
    return calls


def mine(tmp_path, text=GOOD):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_second_load_of_the_same_files_skips_the_checks(tmp_path, cache, counted):
    path = mine(tmp_path)
    first = load_rules([path], builtin=False)
    assert counted == {"probe": 1, "examples": 1} and len(list(cache.iterdir())) == 1
    second = load_rules([path], builtin=False)
    assert counted == {"probe": 1, "examples": 1}  # nothing checked again
    assert [r.id for r in second.rules] == [r.id for r in first.rules] == ["mine.subscribe"]
    assert second.rules[0].pattern.pattern == first.rules[0].pattern.pattern


def test_a_changed_rule_file_is_checked_again(tmp_path, cache, counted):
    path = mine(tmp_path)
    load_rules([path], builtin=False)
    mine(tmp_path, GOOD.replace('tests.keep = ["Subscribe now to the idea."]', 'tests.keep = ["Subscribe now"]'))
    with pytest.raises(RuleFileError, match="keep example 'Subscribe now'"):
        load_rules([path], builtin=False)
    assert counted == {"probe": 2, "examples": 2}
    mine(tmp_path)  # back to the bytes that passed: remembered
    load_rules([path], builtin=False)
    assert counted == {"probe": 2, "examples": 2}


def test_other_check_settings_or_another_file_set_check_again(tmp_path, cache, counted, monkeypatch):
    path = mine(tmp_path)
    load_rules([path], builtin=False)
    monkeypatch.setattr(ruletest, "EXAMPLE_TIMEOUT", 0.5)
    load_rules([path], builtin=False)
    other = tmp_path / "other.toml"
    other.write_text(GOOD.replace("mine.subscribe", "mine.other"), encoding="utf-8")
    load_rules([path, other], builtin=False)
    assert counted["examples"] == 3


def test_a_remembered_file_is_still_parsed_and_its_ids_checked(tmp_path, cache):
    path = mine(tmp_path)
    load_rules([path], builtin=False)
    with pytest.raises(RuleFileError, match="already defined"):
        load_rules([path, path], builtin=False)


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path, monkeypatch, counted):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(rule_check_cache.CACHE_ENV, str(blocker))  # a file: no folder under it
    path = mine(tmp_path)
    for _ in range(2):
        assert [r.id for r in load_rules([path], builtin=False).rules] == ["mine.subscribe"]
    assert counted == {"probe": 2, "examples": 2}


def test_the_cache_folder_follows_xdg_when_not_set(tmp_path, monkeypatch):
    monkeypatch.delenv(rule_check_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rule_check_cache.cache_dir() == tmp_path / "cleanse" / "rule-checks"


def test_rules_test_runs_every_check_even_when_remembered(tmp_path, cache, counted, capsys):
    path = mine(tmp_path)
    load_rules([path], builtin=False)
    assert main(["rules", "test", str(path)]) == 0
    assert counted["probe"] == 2  # probed again
    assert "2 of 2 examples pass" in capsys.readouterr().out
