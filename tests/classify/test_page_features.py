"""Page-relative features of the line model (cleanse.classify.page_features)."""

from __future__ import annotations

import numpy as np
import pytest

from cleanse.classify.page_features import (
    MEASURE_RE,
    PAGE_FEATURES,
    page_columns,
    reads_as_content,
)


def _columns(texts: list[str]) -> dict[str, np.ndarray]:
    log_chars = np.log1p([len(t) for t in texts])
    digits = np.array([sum(c.isdigit() for c in t) / len(t) for t in texts])
    stop = np.array([0.4 if len(t) > 40 else 0.0 for t in texts])
    prose = np.array([0.9 if len(t) > 40 else 0.1 for t in texts])
    cols = page_columns(texts, log_chars, stop, digits, prose)
    return dict(zip(PAGE_FEATURES, cols, strict=True))


@pytest.mark.parametrize(
    "text",
    ["86 x 54 x 6 mm", "$7 to $10", "Weight: 0.1 Pounds", "12 V / 2000 mAh", "€ 24,90", "15 cm"],
)
def test_measures_and_prices_are_not_counters(text: str) -> None:
    assert MEASURE_RE.search(text)


@pytest.mark.parametrize("text", ["12 comments", "1.2K", "5 min read", "3/50", "— Ah !", "2 of 12"])
def test_counters_are_not_measures(text: str) -> None:
    assert not MEASURE_RE.search(text)


def test_a_catalogue_line_is_long_for_its_page() -> None:
    page = ["Home", "Shop", "Cart", "Kettle, blue, 1.7 l", "Kettle, red, 1.5 l", "Kettle, green, 1 l"]
    cols = _columns(page)
    assert cols["chars_pct"][3] > cols["chars_pct"][0]
    assert cols["measure"].tolist() == [0, 0, 0, 1, 1, 1]
    # the three items share a first word: a record repeated
    assert cols["first_word_repeats"][3] == pytest.approx(np.log1p(2))
    assert cols["first_word_repeats"][0] == 0.0


def test_shapes_repeat_with_other_digits() -> None:
    cols = _columns(["4.5 (22K)", "3.9 (8K)", "Ratings"])
    assert cols["shape_repeats"][0] == 0.0  # 0.0 (00k) vs 0.0 (0k): different widths
    cols = _columns(["4.5 (22K)", "3.9 (18K)", "Ratings"])
    assert cols["shape_repeats"][0] == pytest.approx(np.log1p(1))


def test_distance_to_the_densest_block_is_signed() -> None:
    para = "A paragraph of prose that is much longer than the menu lines around it, as text is."
    page = ["Home"] * 10 + [para, para, para] + ["Footer"] * 10
    cols = _columns(page)
    assert cols["dist_dense"][0] < 0 < cols["dist_dense"][-1]
    assert cols["dense_share"][11] > cols["dense_share"][0]
    assert 0.0 < cols["char_pos"][0] < cols["char_pos"][11] < cols["char_pos"][-1] <= 1.0


def test_empty_and_huge_pages() -> None:
    cols = page_columns([], np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    assert len(cols) == len(PAGE_FEATURES) and all(len(c) == 0 for c in cols)
    page = ["word"] * 100_000
    cols = _columns(page)
    assert all(np.isfinite(c).all() and len(c) == len(page) for c in cols.values())


def test_an_extracted_spec_sheet_keeps_its_measures_and_prices() -> None:
    from cleanse.classify import classify_lines

    text = [
        "The card reader is small enough for a wallet and reads every common format.",
        "86 x 54 x 6 mm",
        "It costs less than the old model and ships in a recycled box.",
        "$7 to $10",
        "— RD, 2023",
        "1.2K",
    ]
    verdicts = classify_lines(text, "en")
    assert [v.keep for v in verdicts] == [True, True, True, True, True, False]


@pytest.mark.parametrize("text", ["— RD, 2023", "– J. Smith, 2021", "-- Anna, 2019"])
def test_attributions_read_as_content(text: str) -> None:
    assert reads_as_content(text)


@pytest.mark.parametrize("text", ["12 ▲", "| • |", "1.2K", "[5]", "* * *"])
def test_marks_and_counters_do_not_read_as_content(text: str) -> None:
    assert not reads_as_content(text)
