"""Measures, prices and attributions are not counters (cleanse.classify.lookalikes)."""

from __future__ import annotations

import pytest

from cleanse.classify.lookalikes import MEASURE_RE, reads_as_content


@pytest.mark.parametrize(
    "text",
    ["86 x 54 x 6 mm", "$7 to $10", "Weight: 0.1 Pounds", "12 V / 2000 mAh", "€ 24,90", "15 cm"],
)
def test_measures_and_prices_are_not_counters(text: str) -> None:
    assert MEASURE_RE.search(text)


@pytest.mark.parametrize("text", ["12 comments", "1.2K", "5 min read", "3/50", "— Ah !", "2 of 12"])
def test_counters_are_not_measures(text: str) -> None:
    assert not MEASURE_RE.search(text)


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


@pytest.mark.parametrize(
    "text", ["12 ▲", "| • |", "1.2K", "[5]", "* * *", " Save $100.00", "You save 20 %"]
)
def test_marks_and_counters_do_not_read_as_content(text: str) -> None:
    assert not reads_as_content(text)
