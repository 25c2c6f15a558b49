"""Boilerplate line classifier for plain text: keep the content lines of a page, drop the rest.

Public API: `classify_lines(lines, lang, config) -> list[LineVerdict]` with `ClassifyConfig`.
"""

from cleanse.classify.classifier import ClassifyConfig, LineVerdict, classify_lines

__all__ = ["ClassifyConfig", "LineVerdict", "classify_lines"]
