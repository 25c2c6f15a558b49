"""The loader refuses broken rule files, naming file, rule id and what to fix."""

from __future__ import annotations

import contextlib
import json
import tomllib

import pytest

from cleanse.cli import main
from cleanse.errors import RuleFileError
from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.rules import parse_rule, runaway_probe

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
        (lambda s: s.replace('tests.drop = ["Subscribe now"]', ""), "at least one example it changes"),
        (lambda s: s.replace('action = "drop_line"', 'action = "drop_doc"'), "`action`"),
        (lambda s: s.replace('id = "mine.subscribe"', 'id = "Mine Subscribe"'), "`id`"),
        (lambda s: s + "\nbogus = 1\n", "unknown key"),
        (lambda s: s + "\n" + s, "already defined"),
        (lambda s: s.replace('stage = "lines"', 'stage = "line"'), "use one of artifacts, lines, document"),
        (lambda s: s.replace('action = "drop_line"', 'action = "replace"'), "needs a `replace` string"),
        (lambda s: s.replace('action = "drop_line"', 'action = "extract"'), "needs `field`"),
        (lambda s: s + "drop_next = '(oops'\n", "`drop_next` does not compile"),
        (lambda s: s.replace("pattern = '^Subscribe now$'", "pattern = 42"), "must be a non-empty string"),
        (lambda s: s + "tests.maybe = []\n", "unknown key `tests.maybe`"),
        (lambda s: s + "guard = 3\n", "max_rank = 2000"),
        (lambda s: s + 'contains = [""]\n', "non-empty strings"),
        (lambda s: "rule = [1, 2]\n", "[[rule]] tables"),
        (lambda s: s.replace("^Subscribe now$", "(a+)+$").replace('["Subscribe now"]', '["aaa"]'), "timed out"),
        (
            lambda s: s.replace("^Subscribe now$", "^(a|aa)+$").replace('["Subscribe now"]', '["aaaa"]')
            .replace('["Subscribe now to the idea."]', '["' + "a" * 60 + '!"]'),
            "timed out",
        ),
    ],
    ids=[
        "toml", "pattern", "failing-example", "no-lookalike", "no-change-example", "action", "id", "unknown-key", "duplicate",
        "stage", "replace-missing", "extract-field", "drop-next", "pattern-type", "tests-key", "guard",
        "contains", "not-tables", "runaway", "runaway-alternation",
    ],
)  # fmt: skip
def test_broken_files_are_refused(tmp_path, edit, message):
    with pytest.raises(RuleFileError) as exc:
        load(tmp_path, edit(GOOD))
    assert "mine.toml" in str(exc.value)
    assert message in str(exc.value)


# -- patterns that backtrack catastrophically ---------------------------------------------------

RUNAWAY = """[[rule]]
id = "mine.runaway"
stage = "lines"
action = "drop_line"
pattern = '(a+)+$'
tests.drop = ["aaa"]
tests.keep = ["bbb!"]
"""
# Slow only after a digit and a colon, which no load-time probe writes: the run-time watchdog's case.
SNEAKY = RUNAWAY.replace("mine.runaway", "mine.sneaky").replace("'(a+)+$'", r"'\d:(a|aa)+$'")
SNEAKY = SNEAKY.replace('["aaa"]', '["1:aaa"]').replace('["bbb!"]', '["1:aab"]')
TRAP = "1:" + "a" * 40 + "!"  # (a|aa)+ tries every way of splitting 40 a's before the "!" stops it

GROWING = r"""[[rule]]
id = "mine.grow"
stage = "lines"
action = "replace"
pattern = 'PATTERN'
replace = 'TEMPLATE'
tests.fix = [["BEFORE", "AFTER"]]
tests.keep = ["a y b"]
"""


def growing(pattern, template, before, after):
    text = GROWING.replace("PATTERN", pattern).replace("TEMPLATE", template)
    return text.replace("BEFORE", before).replace("AFTER", after)


# Its example shrinks the line, but the group in the lookahead copies text after the match.
GROWING_IN_LOOKAHEAD = growing(r"x(?=(\w*))", r"\1", "a x b", "a  b")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["rules-test", "run"])
def test_a_runaway_pattern_is_refused_up_front_naming_file_rule_and_fix(tmp_path, capsys, command):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "doc.txt").write_text("Une ligne.\n" + "a" * 50 + "!\n", encoding="utf-8")
    rules = write(tmp_path, "runaway.toml", RUNAWAY)
    argv = {
        "rules-test": ["rules", "test", str(rules)],
        "run": ["run", str(src), str(out), "--rules", str(rules), "-q", "-j", "1"],
    }[command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("cleanse: error: ") and "runaway.toml" in err and "'mine.runaway'" in err
    assert "timed out" in err and "backtracks catastrophically" in err and "a+$ instead of (a+)+$" in err
    assert not out.exists()


def test_probe_passes_the_built_in_packs_and_the_sneaky_pattern():
    for rule in load_rules(check=False).rules:
        assert runaway_probe(rule.pattern.pattern, rule.pattern.flags) is None, rule.id
    assert runaway_probe(r"\d:(a|aa)+$") is None


def _clean_one_document(tmp_path, rules_text: str, text: str) -> tuple[str, list[str]]:
    """Run `cleanse clean` with only `rules_text` over one document: (its output, its flags)."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "doc.txt").write_text(text, encoding="utf-8")
    rules = write(tmp_path, "mine.toml", rules_text)
    args = ["clean", str(src), str(out), "--rules", str(rules), "--no-builtin-rules", "--classify", "off"]
    assert main([*args, "-q", "-j", "1"]) == 0
    (audit,) = [json.loads(line) for line in (out / ".cleanse" / "audit.jsonl").read_text().splitlines()]
    return (out / "doc.txt").read_text(encoding="utf-8"), audit["flags"]


RUN_TIME_STOPS = {
    # The rule is given up for the rest of the document: "1:aaa", which it would drop, stays too.
    "timeout": (SNEAKY, f"Une première ligne de texte.\n{TRAP}\n1:aaa\nUne dernière ligne.\n",
                "rule-timeout:mine.sneaky"),
    "lengthens": (GROWING_IN_LOOKAHEAD, "Une ligne.\nx" + "y" * 50 + "\n", "rule-lengthens:mine.grow"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(RUN_TIME_STOPS))
def test_a_rule_stopped_at_run_time_leaves_the_document_unchanged_and_flagged(tmp_path, case):
    rules_text, text, flag = RUN_TIME_STOPS[case]
    assert _clean_one_document(tmp_path, rules_text, text) == (text, [flag])


def test_each_rule_times_out_once_per_document_and_is_named_not_the_gate(monkeypatch):
    # Room for every rule to be named however loaded the machine is (the budget is tested below).
    monkeypatch.setattr("cleanse.rule_engine.REDO_BUDGETS", 1000)
    sneaky = parse_rule(tomllib.loads(SNEAKY)["rule"][0], "sneaky.toml")
    plain = parse_rule(tomllib.loads(GOOD)["rule"][0], "mine.toml")
    runner = RuleRunner([sneaky, plain], None, timeout=0.05)  # two unhinted rules: one union search
    lines = [(1, "Subscribe now"), *((n, TRAP) for n in range(2, 12)), (12, "Subscribe now")]
    outcome = runner.run(lines)
    assert outcome.timeouts == ["mine.sneaky"]
    assert [text for _, text in outcome.lines] == [TRAP] * 10  # plain still ran on lines 1 and 12


def test_an_example_that_times_out_fails_with_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("cleanse.ruletest.EXAMPLE_TIMEOUT", 0.1)
    path = write(tmp_path, "slow.toml", SNEAKY.replace('["1:aab"]', f'["{TRAP}"]'))
    assert main(["rules", "test", str(path)]) == 1
    captured = capsys.readouterr()
    assert "FAIL" in captured.out and "slow.toml" in captured.out and "'mine.sneaky'" in captured.out
    assert "timed out after" in captured.out and "backtracks catastrophically" in captured.out
    with pytest.raises(RuleFileError, match="timed out after"):
        load_rules([path], builtin=False)


# -- typos: unknown tables and keys are refused with file, line and the expected name ----------


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (GOOD.replace("[[rule]]", "[[rules]]"), 1, "did you mean [[rule]]?"),
        (GOOD + "\n[settings]\nx = 1\n", 9, "only [[rule]] tables"),
        ("version = 2\n" + GOOD, 1, "only [[rule]] tables"),
        (GOOD.replace('stage = "lines"', 'stage = "lines"\npaterns = "x"'), 4, "did you mean `pattern`?"),
        (GOOD + "tests.kep = ['x']\n", 8, "did you mean `tests.keep`?"),
        (GOOD + "guard = { max_rnk = 3 }\n", 8, "did you mean `guard.max_rank`?"),
    ],
    ids=["rules-table", "other-table", "top-key", "rule-key", "tests-key", "guard-key"],
)
def test_a_typo_in_a_table_or_key_is_refused_with_line_and_expected_name(tmp_path, capsys, text, line, expected):
    path = write(tmp_path, "typo.toml", text)
    assert main(["rules", "test", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cleanse: error: {path}:{line}: ") and expected in err


def test_a_run_with_a_mistyped_rule_table_is_refused_not_run_without_it(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "doc.txt").write_text("Subscribe now\nA line.\n", encoding="utf-8")
    rules = write(tmp_path, "typo.toml", GOOD.replace("[[rule]]", "[[rules]]"))
    assert main(["run", str(src), str(out), "--rules", str(rules), "-q", "-j", "1"]) == 1
    assert "[[rule]]" in capsys.readouterr().err and not out.exists()


# -- rule files that used to crash or blow up: refused at load, naming file and rule ----------

TEMPLATED = r"""[[rule]]
id = "mine.colour"
stage = "artifacts"
action = "replace"
pattern = '(?<w>colou)r'
replace = 'TEMPLATE'
tests.fix = [["the colour", "the colou"]]
tests.keep = ["the color"]
"""


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        (r"\2", "names group 2, but the pattern has 1 group(s) (named w)"),
        (r"\g<nope>", "names group 'nope'"),
        (r"\q", r"unknown escape \q"),
        ("\\", "lone backslash"),
    ],
)
def test_a_replacement_naming_a_missing_group_or_bad_escape_is_refused(tmp_path, capsys, template, problem):
    path = write(tmp_path, "tpl.toml", TEMPLATED.replace("TEMPLATE", template))
    assert main(["rules", "test", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cleanse: error: {path}:1: rule 'mine.colour': `replace`") and problem in err


@pytest.mark.parametrize("template", [r"\g<w>", r"\1", r"\g<1>", r"\g<0>", r"\\", r"\n"])
def test_good_templates_load(tmp_path, template):
    path = write(tmp_path, "tpl.toml", TEMPLATED.replace("TEMPLATE", template))
    assert load_rules([path], builtin=False, check=False).rules


@pytest.mark.parametrize(
    ("tail", "what"),
    [
        ("evidence = " + "[" * 5000 + "]" * 5000 + "\n", "nested 33 deep"),
        ("evidence = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "nested 33 deep"),
        ("evidence." + ".".join(["a"] * 50_000) + " = 1\n", "dotted key of more than 32 parts"),
    ],
    ids=["arrays", "inline-tables", "dotted-key-100kb"],
)
def test_deep_toml_is_refused_before_parsing_naming_line_and_rule(tmp_path, tail, what):
    path = write(tmp_path, "deep.toml", GOOD + tail)
    with pytest.raises(RuleFileError) as exc:
        load_rules([path], builtin=False)
    assert str(exc.value).startswith(f"{path}:8: ") and what in str(exc.value)
    assert "'mine.subscribe'" in str(exc.value)


def test_nesting_in_strings_and_comments_is_not_counted(tmp_path):
    text = GOOD.replace("tests.keep = [", "# " + "[" * 100 + "\ntests.keep = ['" + "[" * 100 + "', ")
    assert load(tmp_path, text).rules


def test_an_oversized_rule_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr("cleanse.rulefile.MAX_FILE_BYTES", 100)  # where rule files are read
    with pytest.raises(RuleFileError, match="over 100 bytes, more than any rule file needs"):
        load(tmp_path, GOOD + "# " + "x" * 200)


# -- rules only shorten lines (one added space per match aside) --------------------------------

def test_a_rule_whose_example_lengthens_the_line_is_refused_at_load(tmp_path):
    path = write(tmp_path, "grow.toml", growing("x", "x" * 10, "a x b", "a " + "x" * 10 + " b"))
    with pytest.raises(RuleFileError) as exc:
        load_rules([path], builtin=False)
    assert "grow.toml" in str(exc.value) and "'mine.grow'" in str(exc.value)
    assert "rules only shorten lines" in str(exc.value)


@pytest.mark.parametrize("template", [r"\1\1", r"\g<0>\1", r"\g<w>\1"])
def test_a_template_copying_a_group_twice_is_refused_at_load(tmp_path, template):
    path = write(tmp_path, "grow.toml", growing("(?<w>x)", template, "a x b", "a xx b"))
    with pytest.raises(RuleFileError, match="copies matched text more than once"):
        load_rules([path], builtin=False, check=False)


def test_a_rule_that_lengthens_other_lines_is_stopped_at_run_time_and_flagged(tmp_path):
    path = write(tmp_path, "grow.toml", GROWING_IN_LOOKAHEAD)
    (rule,) = load_rules([path], builtin=False).rules
    line = "x" + "y" * 10_000
    outcome = RuleRunner([rule], None, timeout=1.0).run([(1, "a x b"), (2, line), (3, "a x b")])
    assert [text for _, text in outcome.lines] == ["a  b", line, "a x b"]  # skipped after line 2
    assert outcome.flags == ["rule-lengthens:mine.grow"]


def test_a_multiplying_rule_never_builds_the_long_line():
    rule = parse_rule(tomllib.loads(growing("x", "x" * 10, "a x b", "a x b"))["rule"][0], "grow.toml")
    line = "x " * 50_000  # 100 KB; three passes of x10 would make 100 MB
    outcome = RuleRunner([rule], None, timeout=1.0).run([(1, line)])
    assert outcome.lines == [(1, line)] and outcome.flags == ["rule-lengthens:mine.grow"]


def test_one_space_per_match_is_allowed():
    table = tomllib.loads(growing("(?<m>»)(?=a)", r"\g<m> ", "»a»a", "» a» a"))["rule"][0]
    outcome = RuleRunner([parse_rule(table, "space.toml")], None, timeout=1.0).run([(1, "»a»a")])
    assert outcome.lines == [(1, "» a» a")] and not outcome.flags


# -- a total rule-time budget per document -----------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "drop", "keep"),
    [(r"^(a|b|ab)*$", "ab", "abc"), (r"^(foo|bar|foobar)+$", "foobar", "foobaz"), (r"^x(?:\d|5|\d5)+;", "x55;", "x5")],
)
def test_overlapping_alternatives_are_refused_at_load(tmp_path, pattern, drop, keep):
    text = RUNAWAY.replace("'(a+)+$'", f"'{pattern}'").replace('["aaa"]', f'["{drop}"]')
    path = write(tmp_path, "overlap.toml", text.replace('["bbb!"]', f'["{keep}"]'))
    with pytest.raises(RuleFileError) as exc:
        load_rules([path], builtin=False)
    assert "'mine.runaway'" in str(exc.value) and "backtracks catastrophically" in str(exc.value)


def test_many_slow_rules_cannot_add_up_past_the_budget():
    table = tomllib.loads(SNEAKY)["rule"][0]
    rules = [parse_rule({**table, "id": f"mine.sneaky{i}"}, "sneaky.toml") for i in range(30)]
    runner = RuleRunner(rules, None, timeout=0.05)
    outcome = runner.run([(1, TRAP), (2, "1:aaa")])
    # Before: each of the 30 rules ran its own full timeout on the trap, and none was flagged over.
    assert "rules-over-budget" in outcome.flags
    assert len(outcome.timeouts) <= 6  # the slow rules named until the budget ran out
    assert [text for _, text in outcome.lines] == [TRAP, "1:aaa"]  # the rest is left as it is


class _FakeClock:
    """A clock that moves `step` seconds each time it is read: every regex call looks slow."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def __call__(self):
        self.now += self.step
        return self.now


@contextlib.contextmanager
def _no_alarm(seconds):
    yield False  # as in a thread, or on a platform without SIGALRM: straight to the slow path


def test_lines_each_under_the_call_limit_still_stop_at_the_budget_and_are_flagged(monkeypatch):
    # The 44-second case: each call stays under its own limit, so no rule ever times out.
    monkeypatch.setattr("cleanse.rule_engine.time_limit", _no_alarm)
    clock = _FakeClock(step=0.4)  # one clock for the budget and for each call's limit
    monkeypatch.setattr("cleanse.rule_engine._clock", clock)
    monkeypatch.setattr("cleanse.timed_search._clock", clock)
    plain = parse_rule(tomllib.loads(GOOD)["rule"][0], "mine.toml")
    lines = [(n, "Subscribe now") for n in range(1, 101)]
    outcome = RuleRunner([plain], None, timeout=1.0).run(lines)
    assert outcome.flags == ["rules-over-budget"] and outcome.timeouts == []
    dropped = 100 - len(outcome.lines)
    assert 0 < dropped < 20  # about 4 s of budget at 0.4 s a call, then the rules stopped


def test_a_document_over_budget_is_flagged_in_the_audit(tmp_path, monkeypatch):
    from cleanse.clean import CleanConfig, Cleaner
    from cleanse.document import Document

    monkeypatch.setattr("cleanse.rule_engine.time_limit", _no_alarm)
    clock = _FakeClock(step=0.4)  # one clock for the budget and for each call's limit
    monkeypatch.setattr("cleanse.rule_engine._clock", clock)
    monkeypatch.setattr("cleanse.timed_search._clock", clock)
    cleaner = Cleaner(load_rules([write(tmp_path, "mine.toml", GOOD)], builtin=False), CleanConfig(classify="off"))
    doc = cleaner.clean(Document.from_text("d", "Subscribe now\n" * 100))
    assert "rules-over-budget" in doc.flags
