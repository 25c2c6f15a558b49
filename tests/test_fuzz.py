"""Fuzzing: any text, any rule file, any folder of bytes; cleanse never fails where it must not.

Properties: cleaning never raises and leaves text any writer can encode; it is idempotent; the
rule packs never lengthen text beyond a stated bound; the rule loader only ever raises
RuleFileError/ConfigError naming the file; the CLI cleans any folder of bytes with exit code 0.

The suite runs them under the `dev` profile (100 examples each) or `ci` (300, derandomized; this
file then takes about 15 s). For a long hunt, outside CI (about 8 minutes):

    HYPOTHESIS_PROFILE=fuzz python -m pytest tests/test_fuzz.py     # 10,000 examples each

The CLI property runs a tenth of the profile's examples, as each one is a whole run.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleanse.clean import CleanConfig, Cleaner, clean_text
from cleanse.cli import main
from cleanse.decode import is_blank, normalize_newlines
from cleanse.document import Document, Rejected
from cleanse.errors import ConfigError, RuleFileError
from cleanse.fix import fix_line, split_long_line
from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner
from cleanse.ruletest import examples

RULES = load_rules()
RULE_TEXTS = sorted(
    {t for rule in RULES.rules for ex in examples(rule) for t in (ex.text, ex.expected) if t}
)
LANGS = st.sampled_from([None, "fr", "en"])

# -- text strategies --------------------------------------------------------------------------

NEWLINES = st.sampled_from(
    ["\n", "\r", "\r\n", "\n\n", "\r\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
)
CONTROLS = st.characters(codec=None, categories=["Cc", "Cs", "Cf"])  # C0, C1, surrogates, format
ANY_CHAR = st.characters(codec=None)  # every code point, lone surrogates included
DAMAGE = st.sampled_from([
    "Ã©", "Ã ", "Â«", "â€™", "â€”", "Ã‰", "\x93", "\x81", "\x00", "\ufeff", "\ud83d\ude00", "\udc80",
    "&amp;", "&lt;b&gt;", "<p>", "ﬁ", "e\u0301", "\u200b", "\u00a0", "»L", "« cDes", "“LLa", "qquand",
])  # fmt: skip
FRAGMENTS = st.one_of(
    st.sampled_from(RULE_TEXTS), DAMAGE, NEWLINES, st.text(ANY_CHAR, max_size=12), CONTROLS
)
# Text that looks scraped: rule examples (boilerplate and its look-alikes), damage, any characters.
SCRAPED = st.lists(FRAGMENTS, max_size=30).flatmap(
    lambda parts: st.sampled_from([" ", "", "\n"]).map(lambda sep: sep.join(parts))
)
# Huge repetitions: a unit repeated 1,000-20,000 times, on one line or on as many lines.
REPEATED = st.builds(
    lambda unit, times, sep: sep.join([unit] * times),
    st.one_of(DAMAGE, st.sampled_from(RULE_TEXTS), st.text(ANY_CHAR, min_size=1, max_size=4)),
    st.integers(1_000, 20_000),
    st.sampled_from(["", " ", "\n", "\r\n"]),
)
ANY_TEXT = st.one_of(st.text(ANY_CHAR), SCRAPED, REPEATED)
CLEANER = Cleaner(RULES, CleanConfig())


def is_stray_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") and char not in "\n\t"


@given(ANY_TEXT, LANGS)
@example("\r\n\r", None)
@example("\ud800", None)
@example("\x00" * 100_000, None)
@example("a\u2028b\x85c\rd\x0be", "fr")
def test_any_text_cleans_into_text_a_writer_can_encode(text, lang):
    cleaned = clean_text(text, lang=lang)
    assert isinstance(cleaned, str)
    cleaned.encode("utf-8")
    assert not any(is_stray_control(c) for c in cleaned)


@given(ANY_TEXT)
def test_cleaner_returns_a_document_for_any_text(text):
    doc = CLEANER.clean(Document.from_text("fuzz", text))
    if isinstance(doc, Rejected):  # a blank text: nothing to clean
        assert doc.reason == "input.empty" and is_blank(text)
        return
    assert doc.removed is not None or doc.text.strip()
    doc.text.encode("utf-8")
    assert len(doc.lines) == len(doc.line_numbers)
    for change in doc.changes:
        assert change.line is None or change.line >= 1


NO_CLASSIFIER = CleanConfig(classify="off")


@given(SCRAPED, LANGS)
@example(  # a classifier's verdict depends on the lines around it; the repairs' do not
    "* * *\nselon Newsweek «\xa0Des inquiétudes\nCCleaner and DDoS attacks\n"
    "selon Newsweek «\xa0Des inquiétudes\nCCleaner and DDoS attacks",
    None,
)
def test_repairs_are_idempotent(text, lang):
    once = clean_text(text, lang=lang, config=NO_CLASSIFIER)
    assert clean_text(once, lang=lang, config=NO_CLASSIFIER) == once


# -- how much longer can cleaning make a text? ---------------------------------------------------

# The shipped rule packs only shorten lines, but for one rule: fr.artifact.glued-closing-guillemet
# puts a space after a » glued to the next word ("»Il" -> "» Il"). So the rules make a line at most
# this many characters longer per » it holds. ftfy may lengthen text on its own (ligatures "ﬃ" ->
# "ffi", NFC of a few characters such as U+FB2C), so the bound for clean_text is stated after ftfy.
GROWTH_PER_GUILLEMET = 1


def growth_bound(text: str) -> int:
    return len(text) + GROWTH_PER_GUILLEMET * text.count("»")


@given(
    st.lists(
        st.one_of(st.sampled_from(RULE_TEXTS), st.text(ANY_CHAR, max_size=40), DAMAGE), max_size=12
    ),
    LANGS,
)
def test_no_rule_lengthens_a_line_beyond_the_bound(lines, lang):
    """Each line after the rule packs: len(after) <= len(before) + GROWTH_PER_GUILLEMET * (» in before)."""
    rules = [rule for rule in RULES.rules if rule.applies_to(lang, None)]
    numbered = list(enumerate((line.replace("\n", " ") for line in lines), start=1))
    before = dict(numbered)
    for number, after in RuleRunner(rules, lang, timeout=1.0).run(numbered).lines:
        assert len(after) <= growth_bound(before[number]), (number, before[number], after)


@given(SCRAPED, LANGS)
def test_clean_text_is_never_longer_than_the_bound_after_ftfy(text, lang):
    """len(clean_text(x)) <= len(ftfy(x)) + GROWTH_PER_GUILLEMET * (» in ftfy(x))."""
    fixed = "\n".join(fix_line(line)[0] for line in normalize_newlines(text).split("\n"))
    assert len(clean_text(text, lang=lang)) <= growth_bound(fixed)


@given(st.text(ANY_CHAR, max_size=3000), st.integers(8, 700))
def test_long_lines_split_into_bounded_pieces_that_join_back(line, size):
    pieces = split_long_line(line, size)
    assert "".join(pieces) == line
    assert all(0 < len(piece) <= size for piece in pieces[:-1])


# -- the rule loader ------------------------------------------------------------------------------

GOOD_RULE = """[[rule]]
id = "mine.cookie-banner"
stage = "lines"
action = "drop_line"
pattern = '^We use cookies\\.?$'
tests.drop = ["We use cookies."]
tests.keep = ["We use cookies to bake."]
"""  # a valid rule file, which the strategies below mangle
TOML_KEYS = st.sampled_from([
    "id", "stage", "action", "pattern", "replace", "lang", "sites", "status", "note", "guard",
    "drop_next", "field", "contains", "evidence", "tests", "tests.fix", "tests.drop", "tests.keep",
    "tests.maybe", "guard.max_rank", "bogus", "rule",
])  # fmt: skip
TOML_VALUES = st.one_of(
    st.sampled_from([
        '"lines"', '"artifacts"', '"document"', '"drop_line"', '"replace"', '"drop_tail"', '"extract"',
        '"drop_doc"', '"stable"', '"review"', '"fr.x"', '"Not An Id"', '""', "'^a+$'", "'(oops'",
        "'(a|aa)+$'", "'(?<token>a)(?<word>b)'", '["fr"]', '["x", 1]', '[["a", "b"]]', '[["a"]]',
        "{ max_rank = 5 }", "{ max_rank = 'x' }", "{}", "[]", "42", "-1", "true", "1979-05-27",
        "'''multi\nline'''", '"\\ud800"', "inf", "nan",
    ]),
    st.text(max_size=10).map(lambda s: json.dumps(s, ensure_ascii=False)),
)  # fmt: skip
TOML_LINES = st.one_of(
    st.just("[[rule]]"),
    st.sampled_from(
        ["[rule]", "[[rule.tests]]", "[tests]", "rule = 1", "rule = [1, 2]", "= x", "[["]
    ),
    st.builds("{} = {}".format, TOML_KEYS, TOML_VALUES),
    st.text(max_size=20),
)


def mutate(edits: list[str | None], extra: list[str]) -> str:
    """GOOD_RULE with line i kept (None), dropped (""), or given a new value (or a new line)."""
    lines = []
    for line, edit in zip(GOOD_RULE.splitlines(), edits, strict=True):
        if edit is None:
            lines.append(line)
        elif edit and " = " in line:
            lines.append(line.split(" = ")[0] + " = " + edit)
        elif edit:
            lines.append(edit)
    return "\n".join(lines + extra)


# Rule-like lines, or the valid rule with values replaced, lines dropped and lines added.
TOML_TEXT = st.one_of(
    st.lists(TOML_LINES, max_size=12).map("\n".join),
    st.builds(
        mutate,
        st.lists(st.one_of(st.none(), st.none(), st.just(""), TOML_VALUES), min_size=7, max_size=7),
        st.lists(st.builds("{} = {}".format, TOML_KEYS, TOML_VALUES), max_size=3),
    ),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(TOML_TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")), st.binary(max_size=300))
)
@example(b"\xff\xfe[[rule]]")
@example(b"rule = [1, 2]")
def test_rule_loader_raises_only_rule_file_errors_naming_the_file(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.toml"
        path.write_bytes(data)
        try:
            load_rules([path], builtin=False)
        except (RuleFileError, ConfigError) as exc:
            assert "fuzzed.toml" in str(exc)


# -- the CLI on a folder of arbitrary bytes --------------------------------------------------------

JSONL_BYTES = st.lists(
    st.one_of(
        st.builds(lambda t, extra: json.dumps({"text": t, **extra}), ANY_TEXT.filter(lambda t: len(t) < 5000),
                  st.dictionaries(st.sampled_from(["id", "url", "site", "n"]), st.one_of(st.text(max_size=8), st.integers()))),
        st.builds(lambda v: json.dumps({"text": v}), st.one_of(st.integers(), st.none(), st.lists(st.text(max_size=3)))),
        st.text(max_size=40),
    ),
    max_size=5,
).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))  # fmt: skip
FILE_BYTES = st.one_of(
    st.binary(max_size=400), ANY_TEXT.map(lambda t: t[:5000].encode("utf-8", "surrogatepass"))
)
FOLDER = st.lists(
    st.one_of(st.tuples(st.just(".txt"), FILE_BYTES), st.tuples(st.just(".jsonl"), st.one_of(JSONL_BYTES, FILE_BYTES))),
    min_size=1, max_size=4,
)  # fmt: skip


@settings(
    max_examples=max(10, settings().max_examples // 10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(FOLDER, st.sampled_from([["clean"], ["run", "--no-dedup"], ["run"]]))
@example([(".txt", b"\x00\x01binary\xff")], ["clean"])
@example([(".jsonl", b'{"text": "ok"}\n{bad json\n\xff\xfe\n{"text": 3}')], ["clean"])
def test_cli_cleans_any_folder_of_bytes_and_accounts_for_every_file(files, command):
    with tempfile.TemporaryDirectory() as folder:
        src, dest = Path(folder) / "src", Path(folder) / "out"
        src.mkdir()
        for i, (suffix, data) in enumerate(files):
            (src / f"f{i}{suffix}").write_bytes(data)
        code = main([*command, str(src), str(dest), "-q", "-j", "1"])
        audit = [
            json.loads(line)
            for line in (dest / ".cleanse" / "audit.jsonl").read_text("utf-8").split("\n")
            if line
        ]
        # A run that rejected every input wrote nothing: it says so and exits 1.
        assert code == (1 if audit and all(r["status"] == "rejected" for r in audit) else 0)
        ids = {record["id"] for record in audit}
        for i, (suffix, _) in enumerate(files):
            if suffix == ".txt":
                assert f"f{i}.txt" in ids
