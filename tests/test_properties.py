"""Properties of cleaning that must hold for any text: idempotent, total, no stray controls."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from cleanse.clean import clean_text

# Text that looks like scraped pages: words, boilerplate fragments, quotes, separators, newlines.
FRAGMENTS = st.sampled_from([
    "Partager cet article", "Commentaires (0)", "in", "- dans", "___", "by News7", "PREV Titre",
    "« cDes", "“LLa", "qquand", "»a", "Il vous reste 60% de cet article à lire.", "©", "Source link",
    "Le président a déclaré que la visite était importante.", "The minister said it was ready.",
    "Ã©tÃ©", "&amp;", "\u00a0", "\t", " ", "\n", "\n\n", "McDonald", "iPhone", "LLaMA",
])  # fmt: skip
SCRAPED = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=25).map(" ".join)


@given(st.text())
@example("\r\n\r")
@example("\ud800")
def test_never_raises_and_returns_text(text):
    assert isinstance(clean_text(text), str)


@given(SCRAPED, st.sampled_from([None, "fr", "en"]))
def test_idempotent(text, lang):
    once = clean_text(text, lang=lang)
    assert clean_text(once, lang=lang) == once


@given(SCRAPED)
def test_leaves_no_control_characters(text):
    cleaned = clean_text(text)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in cleaned)
