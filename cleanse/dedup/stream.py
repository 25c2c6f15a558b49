"""The text that is shingled: extractor markup taken out, a document as one token stream, windows.

A document is compared by the token stream of its whole text: its lines are joined, so line
breaks, blank lines, re-wrapping and re-flowing are whitespace like any other and cannot change
a signature. Markup that HTML-to-text extractors add weighs nothing: punctuation (`* `, `#`,
`**`, `>`, `|`, `\\`) is already a separator after folding (see normalize), and Markdown link
targets, images and link-reference lines (`[12]: https://…`) are removed here. Long texts are
cut into overlapping windows so that shingling works in bounded memory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

#: A link-reference or footnote-target line: "[12]: https://example.com/a" (html2text, pandoc).
LINK_REFERENCE_RE = re.compile(r"^[ \t]*\[[^\]\n]{1,64}\]:[ \t]*\S+[^\n]*$", re.MULTILINE)
#: An image, its alt text included: "![Icon](data:image/svg+xml;base64,…)".
IMAGE_RE = re.compile(r"!\[[^\]]{0,1000}\]\(\s*[^()\[\]\s]{0,100000}(?:\s+\"[^\"]{0,1000}\")?\s*\)")
#: The target of a Markdown link, "[text](https://…)" -> "[text]"; autolinks "<https://…>". Any
#: whitespace may stand where a space does, so a line break inside a link changes nothing.
LINK_TARGET_RE = re.compile(
    r"\]\(\s*<?[^()\[\]\s]{0,100000}>?(?:\s+\"[^\"]{0,1000}\")?\s*\)|<[a-z]{2,10}://[^<>\s]{0,100000}>"
)
#: Texts longer than this are shingled window by window (see `windows`).
WINDOW_CHARS = 1 << 20
#: Characters a window looks back for the words it shares with the one before.
OVERLAP_SCAN = 4096
WORD_RE = re.compile(r"\S*\w\S*")
#: A text to shingle: the text, or the bytes of the JSON string that holds it, between its quotes
#: (`cleanse.dedup.escaped`: never longer than a window).
Text = str | memoryview


def strip_markup(text: str) -> str:
    """`text` without Markdown link targets, images and link-reference lines.

    >>> strip_markup("See [the report](https://x.org/a.pdf) ![logo](/i.png) now.\\n[1]: https://x.org")
    'See [the report]  now.\\n'
    >>> strip_markup("A plain sentence: nothing to take out.")
    'A plain sentence: nothing to take out.'
    >>> strip_markup("[1 <https://x.org/a>: a reference whose target was an autolink")
    ''
    """
    bracket = "]" in text  # one scan rules out two of the three patterns in most texts
    if bracket and "](" in text:
        text = LINK_TARGET_RE.sub("]", IMAGE_RE.sub("", text))
    elif "<" in text and "://" in text:  # an autolink; "<" is found 4x faster than "://"
        text = LINK_TARGET_RE.sub("]", text)
        bracket = "]" in text  # an autolink became "]"
    if bracket and "]:" in text:
        text = LINK_REFERENCE_RE.sub("", text)
    return text


def document_stream(paragraphs: Sequence[str]) -> str:
    """The whole text of a document as one stream: its paragraphs joined by newlines, no markup.

    >>> document_stream(["# Title", "A line that was", "hard-wrapped [here](https://x.org)."])
    '# Title\\nA line that was\\nhard-wrapped [here].'
    """
    return strip_markup("\n".join(paragraphs))


def windows(text: str, ngram: int, size: int = WINDOW_CHARS) -> list[str]:
    """`text` cut into windows of about `size` characters that share `ngram` - 1 words.

    Each cut falls on whitespace, and the next window starts `ngram` - 1 words before it, so for
    text in spaced scripts the union of the windows' word n-grams is the text's own set.

    >>> windows("a b c d e f g h", ngram=3, size=6)
    ['a b c', 'b c d', 'c d e', 'd e f', 'e f g', 'f g h']
    """
    if len(text) <= size:
        return [text]
    out: list[str] = []
    start = 0
    while True:
        end = start + size
        if end >= len(text):
            out.append(text[start:])
            return out
        cut = max(text.rfind(" ", start + size // 2, end), text.rfind("\n", start + size // 2, end))
        end = cut if cut > start else end
        out.append(text[start:end])
        scan_from = max(start + 1, end - OVERLAP_SCAN)
        words = [m.start() for m in WORD_RE.finditer(text, scan_from, end)]
        back = words[-(ngram - 1)] if ngram > 1 and len(words) >= ngram - 1 else end
        start = back if back > start else end


def split_windows(
    texts: Sequence[Text], ngram: int, size: int = WINDOW_CHARS
) -> tuple[list[Text], np.ndarray]:
    """Every text's windows back to back, and offsets: text k is windows[groups[k]:groups[k + 1]].

    >>> split_windows(["short", "a b c d e f g h"], ngram=3, size=6)[1].tolist()
    [0, 1, 7]
    """
    if all(len(t) <= size for t in texts):
        return list(texts), np.arange(len(texts) + 1, dtype=np.int64)
    out: list[Text] = []
    groups = np.zeros(len(texts) + 1, dtype=np.int64)
    for k, text in enumerate(texts):
        out.extend(windows(text, ngram, size) if isinstance(text, str) else [text])
        groups[k + 1] = len(out)
    return out, groups
