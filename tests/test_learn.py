"""Corpus-learned boilerplate: template lines found, body text never proposed, TOML well formed."""

from __future__ import annotations

import random
import tomllib

import pytest
import regex

from cleanse.errors import ConfigError
from cleanse.learn import LearnConfig, learn_boilerplate, line_key, site_of

HEADER = [
    "Skip to content",
    "Example Daily",
    "News",
    "Sport",
    "Culture",
    "Subscribe for 1 €",
    "Updated 3 May 2021 at 10:30",
]
FOOTER = [
    "Most popular",
    "About us",
    "Privacy policy",
    "© 2021 Example Daily Ltd",
    "Follow us on Twitter",
    "17 comments",
]
WORDS = [
    "river",
    "council",
    "bridge",
    "winter",
    "supports",
    "engineers",
    "buses",
    "station",
    "mayor",
    "residents",
    "safety",
    "timetable",
    "repairs",
    "inspection",
    "estate",
    "decision",
    "county",
    "village",
    "market",
    "harbour",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(14, 24))]
    return "The " + " ".join(words) + "."


def vary(line: str, rng: random.Random) -> str:
    return regex.sub(r"\d+", lambda m: str(rng.randint(1, 99)), line)


def make_corpus(seed: int = 3, docs: int = 20) -> tuple[list[tuple[str, str, str]], str, str]:
    """A site of `docs` pages; returns (docs, wire paragraph, paragraph shared by two pages)."""
    rng = random.Random(seed)
    wire = "Reporting by the wire agency, with contributions from the regional desk and partners."
    shared = sentence(rng)
    out = []
    for d in range(docs):
        body = [sentence(rng) for _ in range(rng.randint(3, 6))]
        if d % 2 == 0:
            body.insert(1, wire)
        if d in (4, 9):
            body.insert(0, shared)
        related = [f"Related headline {rng.randint(1, 10**6)} about the {rng.choice(WORDS)}"]
        head = [vary(x, rng) for x in HEADER]
        foot = [vary(x, rng) for x in FOOTER]
        text = "\n".join([*head, "", *body, "", *related, *foot])
        out.append((f"example/{d:02d}.txt", "example.com", text))
    out.append(("other/00.txt", "other.org", "\n".join(["Other header", sentence(rng)])))
    return out, wire, shared


def test_learns_template_lines_with_evidence() -> None:
    docs, wire, shared = make_corpus()
    learned = learn_boilerplate(docs)
    keys = {r.key for r in learned}
    assert keys == {line_key(x) for x in HEADER + FOOTER}
    assert line_key(wire) not in keys and line_key(shared) not in keys
    rule = next(r for r in learned if r.example == "Skip to content")
    assert rule.id == "learned.example-com.skip-to-content"
    assert (rule.documents, rule.of, rule.position) == (20, 20, "top")
    assert next(r for r in learned if r.example.startswith("Privacy")).position == "bottom"


def test_matches_applies_learning_per_site() -> None:
    docs, wire, _ = make_corpus()
    learned = learn_boilerplate(docs)
    assert learned.matches("example.com", "Updated 28 June 2023 at 07:05") is not None
    assert learned.matches("example.com", "42 comments") is not None
    assert learned.matches("example.com", wire) is None
    assert learned.matches("other.org", "Privacy policy") is None
    assert learned.matches("example.com", "Privacy policy matters, she said.") is None


def test_toml_round_trip_and_embedded_tests_hold() -> None:
    docs, _, _ = make_corpus()
    learned = learn_boilerplate(docs)
    parsed = tomllib.loads(learned.to_toml())["rule"]
    assert len(parsed) == len(learned)
    ids = [r["id"] for r in parsed]
    assert len(set(ids)) == len(ids)
    for rule in parsed:
        assert regex.fullmatch(
            r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+", rule["id"]
        )
        assert rule["status"] == "review" and rule["stage"] == "lines"
        assert rule["action"] == "drop_line" and rule["sites"] == ["example.com"]
        assert rule["evidence"]["documents"] <= rule["evidence"]["of"]
        assert rule["evidence"]["samples"]
        assert "documents of example.com" in rule["note"]
        pattern = regex.compile(rule["pattern"])
        assert all(pattern.search(x.strip()) for x in rule["tests"]["drop"])
        assert not any(pattern.search(x.strip()) for x in rule["tests"]["keep"])


def test_deterministic_and_order_independent() -> None:
    docs, _, _ = make_corpus()
    first = learn_boilerplate(docs).to_toml()
    shuffled = list(docs)
    random.Random(0).shuffle(shuffled)
    assert learn_boilerplate(shuffled).to_toml() == first
    assert learn_boilerplate(docs).to_toml() == first


def test_share_threshold_and_small_sites() -> None:
    docs, _, _ = make_corpus(docs=4)
    assert len(learn_boilerplate(docs)) == 0  # fewer documents than min_docs
    assert len(learn_boilerplate(docs, LearnConfig(min_docs=3))) > 0


def test_body_sentence_shared_by_many_mid_body_is_not_learned() -> None:
    docs, wire, _ = make_corpus()
    learned = learn_boilerplate(docs, LearnConfig(min_share=0.2))
    assert learned.matches("example.com", wire) is None


def test_config_validation() -> None:
    with pytest.raises(ConfigError):
        LearnConfig(min_docs=1)
    with pytest.raises(ConfigError):
        LearnConfig(min_share=0.0)


def test_site_of() -> None:
    assert site_of("https://www.liberation.fr/monde/2015/x") == "liberation.fr"
    assert site_of("blog.example.org") == "blog.example.org"


# Lines that differ from a learned template only in spacing or case of a month name, and lines
# that differ in words: `run --learn` and the same rule promoted to a rule file must agree.
SAME_TEMPLATE_OR_NOT = [
    "Sign up now",
    "Sign  up now",
    "Sign\tup now",
    "Sign\u00a0up now",
    "  Sign up now  ",
    "Sign up now!",
    "Sign up",
    "sign up now",
    "Updated 28 June 2023 at 07:05",
    "Updated  28 june 2023 at 07:05",
    "Updated 28 Juneau 2023 at 07:05",
    "Privacy policy matters, she said.",
]


@pytest.mark.parametrize("line", SAME_TEMPLATE_OR_NOT)
def test_run_learn_and_the_promoted_rule_give_the_same_verdict(tmp_path, line) -> None:
    from cleanse.clean import CleanConfig, Cleaner
    from cleanse.document import Document
    from cleanse.packs import load_rules

    docs, _, _ = make_corpus()
    docs = [(i, site, text.replace("Skip to content", "Sign up now")) for i, site, text in docs]
    learned = learn_boilerplate(docs)
    promoted = tmp_path / "learned.toml"
    promoted.write_text(learned.to_toml().replace('status = "review"', 'status = "stable"'), encoding="utf-8")
    rules = load_rules([promoted], builtin=False)
    config = CleanConfig(classify="off", lang="en", fix_encoding=False)
    body = "The river council decided on the bridge repairs after a long winter of inspection."
    doc = Document.from_text("d", f"{body}\n{line}\n{body}\n", site="example.com")
    by_learning = Cleaner(load_rules([], builtin=False), config, learned).clean(doc)
    by_rule_file = Cleaner(rules, config).clean(doc)
    dropped_by_learning = [c.rule for c in by_learning.changes if c.after is None]
    dropped_by_rule_file = [c.rule for c in by_rule_file.changes if c.after is None]
    assert dropped_by_learning == dropped_by_rule_file
    assert by_learning.text == by_rule_file.text
    spaced = line.replace("\t", " ").replace("\u00a0", " ")
    if " ".join(spaced.split()) in ("Sign up now", "Updated 28 June 2023 at 07:05"):
        assert dropped_by_learning, "a line of the template in other spacing is dropped"
