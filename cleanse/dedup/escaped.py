"""A document's text as the signing kernel reads it straight from its JSONL line: the bytes of
the text's JSON string, escapes and all.

A document read from a line in the form `json_line` writes, and unchanged since, keeps that
line (`cleanse.records.RecordMeta`): the text's JSON string there is the text's UTF-8, but for
JSON's short escapes (\\" \\\\ \\b \\f \\n \\r \\t; such a line holds no \\u and no \\/). Every
character those escapes stand for is a separator to the kernel, so the kernel, told that a
text is escaped, reads each escape as one separator and finds the text's very tokens: the text
need not be joined from its lines and encoded again for signing (on 40 MB of novels, 0.1 s of
CPU and some 120 MB of new memory).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from cleanse.dedup.stream import WINDOW_CHARS
from cleanse.document import Document
from cleanse.records import RecordMeta

__all__ = ["EscapedText", "OneText", "escaped_text"]


class OneText(Sequence[str]):
    """The paragraphs of a whole document as the duplicate engine takes them: one, its text,
    made only when it is read (`text`, which each kind says how to make)."""

    __slots__ = ()

    def text(self) -> str:
        raise NotImplementedError

    def __len__(self) -> int:
        return 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self.text()][index]
        if index not in (0, -1):
            raise IndexError(index)
        return self.text()

    def __iter__(self) -> Iterator[str]:
        yield self.text()


class EscapedText(OneText):
    """The paragraphs the duplicate engine takes for a whole document, one (its text), with the
    bytes of the text's JSON string in its line (`body`, without the quotes) and the text's
    length in characters (`chars`). The text itself is joined from the document's lines only
    when it is read (verification of a candidate pair, an engine that does not take `body`);
    pickled, this is the plain list of that text."""

    __slots__ = ("_doc", "body", "chars")

    def __init__(self, doc: Document, body: memoryview) -> None:
        self._doc = doc
        self.body = body
        self.chars = doc.chars

    def text(self) -> str:
        return self._doc.text

    def __reduce__(self) -> tuple[type[list[str]], tuple[list[str]]]:
        return list, ([self._doc.text],)


def escaped_text(doc: Document) -> EscapedText | None:
    """The document's text as an EscapedText, when it can be signed from its JSON string: the
    document was read from a line in `json_line`'s form and still has the lines it was read
    with, its text is not cut into windows (`stream.WINDOW_CHARS`: its bytes are fewer) and
    holds nothing `stream.strip_markup` takes out (no `]`, not both `<` and `://`). Else None.
    """
    meta = doc.meta
    if type(meta) is not RecordMeta or meta.parts is None:
        return None
    if not meta.read_with(doc.lines, doc.final_newline):
        return None
    line = meta.line
    start = len(meta.parts[1].encode("utf-8")) + 1  # after the string's opening quote
    end = len(line) - len(meta.parts[2].encode("utf-8")) - 1  # at its closing quote
    if not 0 < start <= end < len(line) or line[start - 1] != 0x22 or line[end] != 0x22:
        return None
    if end - start > WINDOW_CHARS or line.find(b"]", start, end) >= 0:
        return None
    if line.find(b"<", start, end) >= 0 and line.find(b"://", start, end) >= 0:
        return None
    return EscapedText(doc, memoryview(line)[start:end])
