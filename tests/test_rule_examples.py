"""Every example embedded in the built-in rule packs, as its own test."""

from __future__ import annotations

import pytest

from cleanse.packs import load_rules
from cleanse.ruletest import check_example, examples

RULESET = load_rules(check=False)
EXAMPLES = [ex for rule in RULESET.rules for ex in examples(rule)]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{ex.name}/{i}" for i, ex in enumerate(EXAMPLES)])
def test_example_holds(example):
    failure = check_example(example)
    assert failure is None, failure.message


# A rule without a change example or a look-alike, and a repeated id, are refused by the loader
# itself: tests/test_rule_loader.py (no-change-example, no-lookalike, duplicate) holds it to that.


def test_ids_are_scoped_by_pack():
    for rule in RULESET.rules:
        prefix = rule.id.split(".")[0]
        assert prefix in {"common", "fr", "en"}, rule.id
        assert f"/{prefix}/" in rule.source.replace("\\", "/"), (rule.id, rule.source)


ARTIFACT_LOOKALIKES = [
    "McDonald", "iPhone", "eBay", "LLaMA", "XXe siècle", "qqch", "Lloyd’s", "CCleaner", "DDoS",
    "Le XXe siècle a vu naître l’iPhone, eBay et McDonald’s ; qqch comme CCleaner contre les DDoS.",
    "« La Corée du Nord » a déclaré quand même que des Lloyd’s assuraient LLaMA.",
]  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("text", ARTIFACT_LOOKALIKES)
def test_artifact_rules_leave_lookalikes_alone(text, lang):
    from cleanse.clean import clean_text

    assert clean_text(text, lang=lang) == text


# Real words the artifact rules changed in ../shared/corpora and ../shared/eval/wcxb-dev
# (`python benchmarks/artifact_changes.py` lists every change each rule makes there).
REAL_TEXT_LOOKALIKES = [
    ("fr", "Si vous voulez vous placer en ville, Mmes Dumont vous trouveront une bonne maison."),
    ("fr", "Mmes Dupont et Durand ont signé la pétition."),
    ("fr", "»Je vous quitte en pleurant, et pourtant vous m'avez déshonorée."),
    ("fr", "il remit encore trois francs à l'huissier. »Tenez, Foucart, voici ce que je vous dois."),
    ("en", "The butty has given notice to quit in Parker’s field this day se’nnight."),
    ("en", "Last Sunday se'nnight—no! it was this very last Sunday, she came to tea."),
    ("en", "‘If I marry t’oother dear lass, there’s a law to punish me?’"),
    ("en", "hurryin on t’ be as onjust t’ her as oothers was t’ me."),
    ("en", "Earn miles with American Airlines AAdvantage on every flight."),
    ("en", "Home BlogFAQ'sSupport Contact"),
    ("en", "@prefix pplan: <http://purl.org/net/p-plan#> ."),
    ("en", "Aage Bohr; Niels Bohr; Harald Bohr"),
    ("en", "Customer Success Engineer - 100 % Remote (DE) - iits-consulting GmbH"),
    ("en", "Sizes\n\nSSmall\n\n6oz\n\nLLarge\n\n12oz"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text"), REAL_TEXT_LOOKALIKES)
def test_artifact_rules_keep_real_words_found_in_real_text(lang, text):
    from cleanse.clean import CleanConfig, clean_text

    assert clean_text(text, config=CleanConfig(lang=lang, classify="off")) == text


CONTENT_THAT_BEGINS_LIKE_BOILERPLATE = [
    ("fr", "Par ailleurs, la visite a été reportée à une date ultérieure."),
    ("en", "You may also like the new policy, the minister joked."),
    ("fr", "Lire la suite des événements demande du recul, estime le chercheur."),
    ("en", "Share prices fell sharply on Monday after the announcement."),
    ("fr", "Partager cet article avec ses élèves est devenu une habitude."),
    ("en", "By Monday, the plan had collapsed."),
    ("fr", "Temps de lecture: 2 minutes par jour suffisent, selon l’étude."),
    ("en", "Copyright law protects authors for seventy years after their death."),
]


@pytest.mark.parametrize(("lang", "text"), CONTENT_THAT_BEGINS_LIKE_BOILERPLATE)
def test_line_rules_keep_content_sentences(lang, text):
    from cleanse.clean import clean_text

    assert clean_text(text, lang=lang) == text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_examples_hold_with_the_whole_pack_loaded(lang):
    """The engine's shortcuts (one union search per line) must not hide any rule's match."""
    from cleanse.rule_engine import RuleRunner

    rules = [r for r in RULESET.rules if r.applies_to(lang, None)]
    runner = RuleRunner(rules, lang, 1.0)
    assert runner.line_gate is not None
    for rule in rules:
        for text in rule.tests.drop:
            outcome = runner.run(list(enumerate(text.split("\n"), start=1)))
            assert not outcome.lines, (rule.id, text)
        for before, _after in rule.tests.fix:
            outcome = runner.run(list(enumerate(before.split("\n"), start=1)))
            assert outcome.changes, (rule.id, before)
