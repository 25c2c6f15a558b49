"""HTML pages to text with trafilatura (the `html` extra), a library made for this job.

A page's main text is extracted with trafilatura's defaults (comments and tables kept, no links
or images); cleanse's own rules and line classifier then run on it, the classifier treating it as
the extracted text it is (flag `extracted-html`). A page with no main text to extract is refused,
not passed on empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from cleanse.formats.records import Record, Refusal
from cleanse.formats.registry import require

__all__ = ["EXTRACTED_HTML", "NO_TEXT", "extract_text", "read_html"]

NO_TEXT = "input.empty"  # a page (or WARC response) with no main text to extract
# The flag of a document whose text trafilatura extracted: an extract, not a page dump, so
# `--classify auto` gives it the article treatment (cleanse.clean).
EXTRACTED_HTML = "extracted-html"


def extract_text(html: bytes, url: str | None = None) -> str | None:
    """The main text of an HTML page (encoding found from the bytes), or None if it has none."""
    trafilatura: Any = require("html")
    text = trafilatura.extract(html, url=url)
    return text if isinstance(text, str) and text.strip() else None


def read_html(stream: IO[bytes], text_field: str) -> Iterator[Record | Refusal]:
    """The one document of an .html / .htm page: its extracted main text."""
    text = extract_text(stream.read())
    if text is None:
        error = (
            "trafilatura found no main text in this HTML page; if it has text, convert it to "
            ".txt another way, else remove it"
        )
        yield Refusal(NO_TEXT, error)
        return
    yield Record({text_field: text}, None, "page", (EXTRACTED_HTML,))
