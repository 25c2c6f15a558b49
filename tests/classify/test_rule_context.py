"""The classifier in the cleaning loop reads the page as it was fitted on: every line, those the
rule packs dropped included. A rule that removes a widget line must not change the classifier's
verdict on the lines around it."""

from __future__ import annotations

import cleanse.clean
from cleanse.classify import classify_documents, classify_lines
from cleanse.clean import Cleaner
from cleanse.document import Document
from cleanse.packs import load_rules

from .real_texts import FORUM_EN
from .test_classifier import EN_PARA, MENU_EN

RULES = load_rules()
# Lines the English and common packs drop whole (checked below), spread through the page.
RULE_DROPPED = ["Share this article", "Leave a Reply Cancel reply", "Click to expand...", "Tweet"]


def _page() -> list[str]:
    widgets = iter(RULE_DROPPED)
    lines: list[str] = [*MENU_EN, next(widgets)]
    for i, para in enumerate(EN_PARA):
        lines += [para, next(widgets)] if i % 2 else [para]
    lines += [next(widgets), *FORUM_EN.splitlines(), *MENU_EN[:6]]
    return lines


def _kept(lines: list[str]) -> tuple[list[str], list[str], str]:
    doc = Cleaner(RULES).clean(Document.from_text("page", "\n".join(lines)))
    by_rule = {c.before for c in doc.changes if not c.rule.startswith("classify.")}
    return [t for _, t in doc.numbered_lines() if t.strip()], sorted(by_rule), doc.lang


def test_rule_dropped_lines_are_the_classifiers_context():
    lines = _page()
    kept, by_rule, lang = _kept(lines)
    assert by_rule == sorted(RULE_DROPPED)
    verdicts = classify_lines(lines, lang)
    assert not all(v.keep for v in verdicts)  # a page dump: the classifier has work to do
    expected = [
        line
        for line, verdict in zip(lines, verdicts, strict=True)
        if verdict.keep and line not in RULE_DROPPED and line.strip()
    ]
    assert kept == expected


def test_the_classifier_is_asked_about_every_line_of_the_page(monkeypatch):
    asked: list[list[str]] = []

    def spy(docs, config):
        asked.extend(list(texts) for texts, _ in docs)
        return classify_documents(docs, config)

    monkeypatch.setattr(cleanse.clean, "classify_documents", spy)
    lines = _page()
    Cleaner(RULES).clean(Document.from_text("page", "\n".join(lines)))
    assert asked == [lines]
