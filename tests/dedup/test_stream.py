"""Document similarity belongs to the text: re-wrapping, blank lines and extractor markup do not
change a document's signature; long texts are shingled in windows; texts without words never
collapse into one cluster."""

from __future__ import annotations

import textwrap

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.dedup import DedupConfig, find_duplicates
from cleanse.dedup import signatures as sig
from cleanse.dedup.shingles import shingles
from cleanse.dedup.stream import document_stream, windows

from .conftest import random_text

CONFIG = DedupConfig()
WORD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=12
)


def rewrap(paragraphs: list[str], width: int, blank: bool) -> list[str]:
    """The paragraphs hard-wrapped at `width`, as the non-blank lines an extractor would give."""
    lines: list[str] = []
    for p in paragraphs:
        lines.extend(textwrap.wrap(p, width, break_long_words=False, break_on_hyphens=True))
        if blank:
            lines.append("")
    return [line for line in lines if line.strip()]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(WORD, min_size=1, max_size=40).map(" ".join), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=200),
    st.booleans(),
)
def test_rewrapping_leaves_the_document_signature_unchanged(
    paragraphs: list[str], width: int, blank: bool
) -> None:
    wrapped = rewrap(paragraphs, width, blank)
    np.testing.assert_array_equal(sig.signature(paragraphs, CONFIG), sig.signature(wrapped, CONFIG))
    one_line = [" ".join(paragraphs)]
    np.testing.assert_array_equal(sig.signature(paragraphs, CONFIG), sig.signature(one_line, CONFIG))


def test_wrapped_copy_is_a_duplicate_document(rng) -> None:
    """The issue's case: one line per paragraph against 78-column lines was Jaccard 0.003."""
    paragraphs = [random_text(rng, n) for n in (12, 40, 9, 60, 14, 30)]
    wrapped = rewrap(paragraphs, 78, blank=True)
    result = find_duplicates([("lines", paragraphs), ("wrapped", wrapped)], DedupConfig(level="document"))
    assert result.documents["wrapped"].duplicate_of == "lines"
    assert result.documents["wrapped"].similarity == 1.0


def test_extractor_markup_weighs_little(rng) -> None:
    paragraphs = [random_text(rng, n) for n in (30, 50, 40)]
    words = paragraphs[1].split()
    marked = [
        "# " + paragraphs[0],
        "  * **" + " ".join(words[:10]) + "** [" + " ".join(words[10:14]) + "](https://example.com/"
        "a/very/long/path/with/many/words/in/it?utm_source=x&utm_medium=y) " + " ".join(words[14:]),
        "![logo](data:image/svg+xml;base64,PHN2ZyB2aWV3Qm94PSIwIDAgNzIgNzIiIHdpZHRo) " + paragraphs[2],
        "",
        "[1]: https://example.com/first/reference/link/with/a/long/path",
        "[12]: https://example.com/second/reference/link/with/a/long/path",
    ]
    plain = set(shingles(document_stream(paragraphs)))
    markup = set(shingles(document_stream(marked)))
    assert len(plain & markup) / len(plain | markup) >= 0.95


def test_long_text_is_shingled_in_windows_with_the_same_set() -> None:
    text = " ".join(f"w{i % 997}x{i % 13}" for i in range(3000))
    parts = windows(text, ngram=5, size=500)
    assert len(parts) > 10 and max(map(len, parts)) <= 500
    assert set().union(*(shingles(p) for p in parts)) == set(shingles(text))


def test_a_single_huge_line_goes_to_the_kernel_window_by_window(monkeypatch) -> None:
    seen: list[int] = []
    real = sig.shingle_batch

    def spy(texts, config, **kw):
        seen.extend(len(t) for t in texts)
        return real(texts, config, **kw)

    monkeypatch.setattr(sig, "shingle_batch", spy)
    line = "lorem ipsum dolor sit amet " * 200_000  # 5.4 MB, no newline
    shingled, sigs = sig.sign_texts([line, "short text"], CONFIG)
    assert max(seen) <= (1 << 20) and len(seen) > 5
    assert shingled.offsets.tolist()[0] > 0 and sigs.shape == (2, CONFIG.num_perm)
    values, _offs = sig.shingle_sets([line], CONFIG)
    assert len(values) == 5  # the five distinct 5-grams of the repeated sentence


def test_documents_without_words_never_collapse_into_one_cluster() -> None:
    docs = [("empty", [""]), ("blank", ["   "]), ("dashes", ["— … —"]), ("stars", ["***", "* * *"]),
            ("none", []), ("markup", ["[1]: https://example.com/x"]), ("images", ["![a](/b.png)"])]  # fmt: skip
    result = find_duplicates(docs)
    assert result.documents == {} and result.paragraphs == {}
    assert result.clusters["document"]["without_words"] == len(docs)


def test_documents_without_words_are_flagged_and_kept() -> None:
    from cleanse.dedup.documents import NO_WORDS, deduplicate
    from cleanse.document import Document

    docs = [Document.from_text(f"d{k}", text) for k, text in enumerate(["***\n", "— …\n", "***\n"])]
    out, result = deduplicate(docs, DedupConfig(level="document"))
    assert [d.removed for d in out] == [None, None, None]
    assert all(NO_WORDS in d.flags for d in out)
    assert result.without_words == {"d0", "d1", "d2"}


def test_character_shingles_only_for_unspaced_scripts_and_short_texts(rng) -> None:
    texts = {
        "long spaced text": random_text(rng, 40),
        "15 words": random_text(rng, 15),
        "16 words": random_text(rng, 16),
        "Chinese": "今天天气很好我们去公园散步吧然后回家吃晚饭" * 5,
        "Japanese with a few Latin words": "東京の天気は晴れです Tokyo 今日は" * 5,
        "Thai": "วันนี้อากาศดีมากเราไปเดินเล่นที่สวนกันเถอะ" * 3,
        "long text with one Chinese word": random_text(rng, 40) + " 公园",
    }
    kinds = sig.shingle_batch([document_stream([t]) for t in texts.values()], CONFIG).is_char
    assert dict(zip(texts, kinds.tolist(), strict=True)) == {
        "long spaced text": False,
        "15 words": True,
        "16 words": False,
        "Chinese": True,
        "Japanese with a few Latin words": True,
        "Thai": True,
        "long text with one Chinese word": False,
    }


MARKUP_PIECES = st.sampled_from(
    ["[a](https://x.org/p)", "![i](/i.png)", "<https://x.org/a>", "<b>", "://", "]", "(", ")",
     "[1]: https://x.org", "\n", " ", "word", "<", ">", "](", "]:", "é", "日本"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKUP_PIECES, max_size=30).map("".join))
def test_strip_markup_prefilters_change_nothing(text: str) -> None:
    """The substring tests before each pattern only skip texts it cannot match."""
    from cleanse.dedup.stream import IMAGE_RE, LINK_REFERENCE_RE, LINK_TARGET_RE, strip_markup

    expected = LINK_REFERENCE_RE.sub("", LINK_TARGET_RE.sub("]", IMAGE_RE.sub("", text)))
    assert strip_markup(text) == expected
