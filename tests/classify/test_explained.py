"""Every line the classifier drops says why and how sure: its audit entry carries the reason and
the score, and `cleanse explain` prints them."""

from __future__ import annotations

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.clean import CleanConfig, Cleaner
from cleanse.cli.explain import render
from cleanse.document import Document
from cleanse.packs import load_rules

from .test_classifier import EN_PARA, FOOTER_EN, MENU_EN

PAGE = "\n".join([*MENU_EN, *EN_PARA, *FOOTER_EN]) + "\n"


def _classify_changes(config: CleanConfig) -> list[dict]:
    doc = Cleaner(load_rules(), config).clean(Document.from_text("page", PAGE))
    return [c.to_json() for c in doc.changes if c.stage == "classify"]


def test_dropped_lines_carry_reason_and_score_in_the_audit() -> None:
    changes = _classify_changes(CleanConfig())
    assert changes
    for change in changes:
        assert change["rule"] == f"classify.{change['reason']}"
        assert 0.0 <= change["score"] <= 1.0
        assert abs(change["score"] - change["scores"]["p_content"]) < 6e-4  # the model's probability
        assert change["score"] < change["scores"]["threshold"]


def test_rule_fallback_scores_are_the_prose_score() -> None:
    verdicts = classify_lines(PAGE.split("\n"), "en", ClassifyConfig(use_model=False))
    dropped = [v for v in verdicts if not v.keep]
    assert dropped
    assert all(v.score == round(v.scores["prose"], 4) for v in dropped)


def test_explain_prints_reason_and_score() -> None:
    doc = Cleaner(load_rules()).clean(Document.from_text("page", PAGE))
    text = "\n".join(render(doc))
    assert "reason: " in text and ", score 0." in text
