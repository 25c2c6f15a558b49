"""The page guard: the model may be unsure of every line of a listing, a catalogue or a spec sheet
(each item scores under the threshold) while the page as a whole clearly holds content; the guard
then keeps the most probable lines that hold most of the page's expected content."""

from __future__ import annotations

import numpy as np

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.guard import (
    CHAR_FLOOR,
    FLOOR_MIN_P,
    LINE_FLOOR,
    LINE_FLOOR_MIN_P,
    MASS_SHARE,
    MOSTLY_KEPT,
    MOSTLY_KEPT_P,
    SPARSE_KEPT,
    UNSURE_THRESHOLD,
    char_floor,
    expected_mass,
    line_floor,
    page_keeps,
    unsure_page,
)
from cleanse.classify.model import LineModel


def _listing() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One furniture line the model half believes, ten items it is unsure of, twenty menu lines."""
    proba = np.array([0.4] + [0.2] * 10 + [0.02] * 20)
    chars = np.full(len(proba), 30.0)
    prose = np.zeros(len(proba))  # short lines: the prose guard does not see them
    return proba, chars, prose


def test_unsure_items_of_a_listing_are_kept() -> None:
    proba, chars, prose = _listing()
    keep = np.array(page_keeps([False] * len(proba), proba, 0.325, prose, chars))
    assert keep[1:11].all(), "the listing's items were dropped"
    assert not keep[11:].any(), "the menu was kept"


def test_expected_mass_takes_the_most_probable_lines_first() -> None:
    proba = np.array([0.9, 0.1, 0.5, 0.05])
    chars = np.array([10.0, 10.0, 10.0, 10.0])
    assert expected_mass(proba, chars, 0.5).tolist() == [True, False, False, False]
    assert expected_mass(proba, chars, 0.8).tolist() == [True, False, True, False]
    assert not expected_mass(np.zeros(3), np.ones(3), 0.5).any()


def test_a_confident_page_is_left_to_the_threshold() -> None:
    # The kept lines already hold the expected content: the guard adds nothing.
    proba = np.array([0.95] * 5 + [0.3] + [0.01] * 30)
    chars = np.full(len(proba), 50.0)
    keep = page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars)
    assert keep == [True] * 5 + [False] * 31
    assert 0.0 < MASS_SHARE < 1.0


def test_a_catalogue_page_keeps_its_items() -> None:
    menu = ["Home", "Shop", "Sale", "New in", "Gifts", "Sign in", "Basket (0)", "Help"]
    items = []
    for name, price in (
        ("Oak side table", "£120"),
        ("Walnut bookcase", "£340"),
        ("Linen armchair", "£410"),
        ("Rattan lamp", "£65"),
        ("Marble coffee table", "£520"),
        ("Pine bench", "£90"),
    ):
        items += [name, f"From {price}", "In stock, ships in 3 days"]
    footer = ["Privacy policy", "Terms of use", "Cookie settings", "© 2026 Example Furniture"]
    page = [*menu, "Living room furniture", *items, *footer]
    keep = [v.keep for v in classify_lines(page, "en")]
    kept_items = sum(k for line, k in zip(page, keep, strict=True) if line in items)
    assert kept_items >= len(items) // 2, "the catalogue's items were removed"
    assert not any(k for line, k in zip(page, keep, strict=True) if line in footer)


def test_lines_kept_by_the_guard_say_so() -> None:
    # A model unsure of everything (every line 0.2 < threshold 0.325): the page is not emptied
    # and each line it keeps carries the guard's reason and the model's score.
    unsure = LineModel(
        features=np.zeros((1, 1), dtype=np.int64),
        cuts=np.zeros((1, 1)),
        leaves=np.zeros((1, 2)),
        bias=float(np.log(0.2 / 0.8)),
        threshold=0.325,
    )
    menu = ["Home", "Shop", "Sale", "Sign in", "Basket (0)", "Help", "Privacy policy"]
    items = ["Oak side table", "From £120", "Walnut bookcase", "From £340", "Pine bench"]
    verdicts = classify_lines([*menu, *items], "en", ClassifyConfig(), model=unsure)
    assert all(v.keep for v in verdicts)
    assert {v.reason for v in verdicts} == {"guard-unsure"}
    assert all(v.score == 0.2 for v in verdicts)


def test_a_page_the_model_is_unsure_of_keeps_half_its_characters() -> None:
    # A spec sheet: the model is confident of no line; two furniture lines rank first, the
    # content rows just under them, the menu far below. Keeping only the expected content (the
    # two lines) would gut the page; the floor keeps half its characters, most probable first,
    # and never a line the model is sure is furniture.
    proba = np.array([0.3, 0.3] + [0.2] * 8 + [0.03] * 10)
    chars = np.full(len(proba), 40.0)
    keep = np.array(page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars))
    assert chars[keep].sum() >= CHAR_FLOOR * chars.sum()
    assert keep[:10].all() and not keep[10:].any()


def test_a_confident_page_gets_no_floor() -> None:
    proba = np.array([0.9] * 3 + [0.2] * 7 + [0.03] * 10)
    chars = np.full(len(proba), 40.0)
    assert not unsure_page(proba)
    keep = page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars)
    assert sum(keep) < 10


def test_an_unsure_catalogue_keeps_the_lines_above_its_median() -> None:
    # A catalogue the model is unsure of: five long furniture lines rank first (0.3), its 30 items
    # just under (0.14 down to 0.08, under FLOOR_MIN_P), 35 menu lines at 0.03. The expected
    # content and the character floor stop after the first lines and a few items; the items all
    # score above the page's median, so the relative keep holds them all; the menu goes.
    proba = np.array([0.3] * 5 + np.linspace(0.14, 0.08, 30).tolist() + [0.03] * 35)
    chars = np.array([80.0] * 5 + [20.0] * 30 + [30.0] * 35)
    assert unsure_page(proba)
    keep = np.array(page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars))
    assert keep[:35].all() and not keep[35:].any()
    without = expected_mass(proba, chars, MASS_SHARE) | char_floor(
        proba, chars, CHAR_FLOOR, FLOOR_MIN_P
    )
    assert not without[5:35].all()  # the items the relative keep saves


def test_an_unsure_page_keeps_lines_at_the_unsure_threshold_unless_the_rules_named_them() -> None:
    # One confident paragraph, three long lines at 0.3 that take the floors, then two short lines
    # between the unsure threshold and the threshold: the one the rule pass dropped as a menu
    # line is kept, the one it dropped for a named reason (a credit, a related box, after the
    # article's end) is not.
    proba = np.array([0.7, 0.3, 0.3, 0.3, 0.28, 0.28] + [0.01] * 40)
    chars = np.array([400.0] * 4 + [30.0, 30.0] + [10.0] * 40)
    floor_ok = np.ones(len(proba), dtype=bool)
    floor_ok[5] = False
    assert unsure_page(proba) and UNSURE_THRESHOLD <= 0.28 < 0.325
    keep = page_keeps(
        [False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars, None, floor_ok
    )
    assert keep[:5] == [True] * 5 and not keep[5] and not any(keep[6:])


def test_the_line_floor_keeps_a_catalogues_short_items() -> None:
    # A spec sheet: a few long furniture lines (a review, delivery notes) take the top of the
    # ranking and hold half the characters; the 20 spec rows score 0.12 (under FLOOR_MIN_P), the
    # 40 menu lines 0.03. The character floor stops at the long lines; the line floor keeps the
    # rows, not the menu, and never a line the rule pass named.
    proba = np.array([0.7] + [0.3] * 3 + [0.12] * 20 + [0.03] * 40)
    chars = np.array([300.0] * 4 + [25.0] * 20 + [12.0] * 40)
    floor_ok = np.ones(len(proba), dtype=bool)
    floor_ok[10] = False  # one row the rule pass dropped for a named reason
    assert unsure_page(proba)
    assert not char_floor(proba, chars, CHAR_FLOOR, FLOOR_MIN_P)[4:].any()
    keep = np.array(
        page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars, None, floor_ok)
    )
    assert int(np.ceil(LINE_FLOOR * len(proba))) <= 24
    assert keep[:4].all() and not keep[24:].any()
    assert keep[4:24].sum() >= int(np.ceil(LINE_FLOOR * len(proba))) - 5 and not keep[10]
    assert not line_floor(np.array([0.5, 0.01, 0.01]), 0.5, LINE_FLOOR_MIN_P)[1:].any()


def test_the_line_floor_leaves_an_article_whose_paragraphs_pass_the_threshold() -> None:
    # The model is confident of no line, but the lines at the threshold hold most characters
    # (three paragraphs): the menu around them is not floored in.
    proba = np.array([0.5] * 3 + [0.05] * 30)
    chars = np.array([600.0] * 3 + [10.0] * 30)
    assert unsure_page(proba)
    keep = page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars)
    assert keep == [True] * 3 + [False] * 30
    assert float(chars[:3].sum() / chars.sum()) > SPARSE_KEPT


def test_a_page_the_model_mostly_keeps_keeps_its_doubtful_lines() -> None:
    # The lines at the threshold hold most of the page (a product page of content): a doubtful
    # line (0.22) is kept too; what the model is sure is furniture (0.05) is not.
    proba = np.array([0.9] * 10 + [0.22, 0.05, 0.05])
    chars = np.full(len(proba), 40.0)
    assert float(chars[proba >= 0.325].sum() / chars.sum()) >= MOSTLY_KEPT
    assert MOSTLY_KEPT_P <= 0.22
    keep = page_keeps([False] * len(proba), proba, 0.325, np.zeros(len(proba)), chars)
    assert keep == [True] * 11 + [False] * 2
    half = np.array([0.9] * 3 + [0.22] * 5 + [0.05] * 5)
    assert not unsure_page(half)
    assert (
        page_keeps([False] * 13, half, 0.325, np.zeros(13), np.full(13, 40.0))[3:8] == [False] * 5
    )
