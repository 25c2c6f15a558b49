"""Boilerplate line classifier for plain text: keep the content lines of a page, drop the rest.

Public API: `classify_lines(lines, lang, config) -> list[LineVerdict]` with `ClassifyConfig`, and
`classify_documents([(lines, lang), ...], config)`: the same verdicts for many documents in one call.
"""

from cleanse.classify.classifier import (
    ClassifyConfig,
    LineVerdict,
    classify_documents,
    classify_lines,
)

__all__ = ["ClassifyConfig", "LineVerdict", "classify_documents", "classify_lines"]
