"""Real-shaped texts keep their content: the classifier never empties or guts a document, and a
document is removed whole only by a `drop_doc` rule or by dedup."""

from __future__ import annotations

import pytest

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.features import line_features
from cleanse.clean import CleanConfig, Cleaner
from cleanse.document import Document
from cleanse.packs import load_rules

from .real_texts import REAL_TEXTS
from .test_classifier import EN_PARA, FOOTER_EN, MENU_EN


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(load_rules())


@pytest.mark.parametrize("name", sorted(REAL_TEXTS))
def test_default_run_keeps_every_line_of_a_real_text(cleaner: Cleaner, name: str) -> None:
    text, _lang = REAL_TEXTS[name]
    doc = cleaner.clean(Document.from_text(name, text))
    assert doc.removed is None
    dropped = [c.before for c in doc.changes if c.stage == "classify"]
    assert dropped == []


@pytest.mark.parametrize("name", sorted(REAL_TEXTS))
def test_forced_page_mode_never_removes_or_guts_a_real_text(name: str) -> None:
    text, _lang = REAL_TEXTS[name]
    doc = Cleaner(load_rules(), CleanConfig(classify="page")).clean(Document.from_text(name, text))
    assert doc.removed is None
    kept = sum(len(line) for line in doc.text.split("\n"))
    assert kept >= 0.5 * sum(len(line) for line in text.split("\n"))


def test_dialogue_lines_are_not_counters() -> None:
    for line in ("— Ah !", "— Oh ?", "« Non ! »", "— Eh bien ?", "— Comment ? ", "M"):
        assert line_features(line, None).cue != "counter", line
    assert line_features("12 ▲", None).cue == "counter"
    assert line_features("2.4.0 - 2026-03-02", None).cue == "date"


@pytest.mark.parametrize("use_model", [False, True])
def test_the_classifier_never_drops_every_line(use_model: bool) -> None:
    # A page of furniture only: nothing looks like content, and nothing gives ground to empty it.
    page = MENU_EN + FOOTER_EN
    verdicts = classify_lines(page, "en", ClassifyConfig(mode="page", use_model=use_model))
    assert any(v.keep for v in verdicts)
    rules = classify_lines(page, "en", ClassifyConfig(mode="page", use_model=False))
    assert {v.reason for v in rules} == {"guard-all-dropped"}  # the rule pass would drop all


@pytest.mark.parametrize("mode", ["auto", "article", "page"])
def test_a_text_of_counters_only_is_not_emptied(mode: str) -> None:
    # Every line a counter with its word: the article treatment would drop them all.
    text = ["1.2K", "", "3 votes", "5K"]
    verdicts = classify_lines(text, "en", ClassifyConfig(mode=mode))
    assert any(v.keep and v.reason != "blank" for v in verdicts)
    if mode != "page":  # the page treatment's model keeps what it is least sure of
        assert {v.reason for v in verdicts if v.reason != "blank"} == {"guard-all-dropped"}


def test_a_page_dump_still_loses_its_menus() -> None:
    # The guard leaves ordinary page dumps alone: furniture around prose still goes.
    body = REAL_TEXTS["interview-fr"][0].split("\n")[:4]
    para = (
        "Le conseil municipal a voté mardi la fermeture du vieux pont aux voitures, après une "
        "inspection qui a montré que deux de ses piles s'étaient fissurées pendant l'hiver."
    )
    page = [*MENU_EN, *body, para, para.replace("mardi", "jeudi"), *FOOTER_EN]
    keep = [v.keep for v in classify_lines(page, "fr")]
    assert not any(keep[: len(MENU_EN)])
    assert keep[len(MENU_EN) + len(body)]


def test_a_novel_with_its_title_page_and_contents_is_an_extracted_text() -> None:
    # A title page and a table of contents are long runs of short lines, but a small part of a
    # book: the book is not taken for a page dump, and its short lines stay.
    title = ["THE FERRY", "A NOVEL", "BY", "ANNE LISTER", "IN THREE VOLUMES", "VOL. I.", "1871"]
    contents = ["CONTENTS", *[f"CHAPTER {n}. The {w}" for n, w in enumerate("abcdefghij", 1)]]
    prose = REAL_TEXTS["novel-dialogue-fr"][0].split("\n")[:1] * 4 + EN_PARA * 20
    book = [*title, "Advertisement", "", *contents, "", *prose]
    verdicts = classify_lines(book, "en")
    assert all(v.keep for v in verdicts)
