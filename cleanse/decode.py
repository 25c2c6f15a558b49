"""Bytes to text: a byte-order mark if there is one, else UTF-8, else a stated fallback.

Bytes that are not valid UTF-8 are decoded as Windows-1252 (the usual culprit on scraped pages),
with the five bytes cp1252 leaves undefined taken as Latin-1, so decoding never fails and never
drops a byte. The caller flags such documents so the audit shows the guess. `sniff_binary` tells
images and archives from text that merely holds a few stray control characters.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

FALLBACK_ENCODING = "cp1252"
FALLBACK_FLAG = "decoded-cp1252"
BINARY_PROBE = 8192  # bytes looked at to tell binary data from text

# Byte-order marks of the encodings whose newlines are not one byte, UTF-32 first: its
# little-endian mark starts with UTF-16's. The codec named here reads the mark itself.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Leading bytes of binary formats that turn up in scraped dumps under a text name.
MAGIC_NUMBERS = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a zip archive (or a docx, xlsx, epub file)",
    b"PK\x05\x06": "an empty zip archive",
    b"\x1f\x8b": "a gzip archive",
    b"\xfd7zXZ\x00": "an xz archive",
    b"(\xb5/\xfd": "a zstd archive",
    b"7z\xbc\xaf'\x1c": "a 7z archive",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office document (doc, xls)",
    b"SQLite format 3\x00": "an SQLite database",
    b"\x7fELF": "an executable",
}

# C0 controls that never occur in text, and DEL; tab, newlines, form feed and escape are text.
_CONTROL_BYTES = bytes(sorted({*range(0x20), 0x7F} - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}))

# Share of such bytes above which a file is binary: random or compressed bytes hold about 10 %,
# while text with a few stray NULs or form feeds stays far below, and the cleaner removes those.
BINARY_CONTROL_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the flag to record (None when the input was clean UTF-8)."""

    text: str
    flag: str | None


def wide_encoding(data: bytes) -> str | None:
    """`utf-16` or `utf-32` when the bytes start with that encoding's byte-order mark, else None.

    >>> wide_encoding("x".encode("utf-16")), wide_encoding(b"x")
    ('utf-16', None)
    """
    for bom, encoding in WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    return None


def sniff_binary(data: bytes) -> str | None:
    """What binary data the bytes look like (`a PNG image`, `binary data`), or None for text.

    Text with a UTF-16 or UTF-32 byte-order mark is text, although it is full of NUL bytes.
    Otherwise a known magic number, or many control bytes early on, mean binary.

    >>> sniff_binary(b"plain text with a stray \\x00 NUL"), sniff_binary(b"\\x89PNG\\r\\n\\x1a\\n")
    (None, 'a PNG image')
    >>> sniff_binary(bytes(range(256)))
    'binary data'
    """
    if wide_encoding(data):
        return None
    for magic, kind in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            return kind
    probe = data[:BINARY_PROBE]
    controls = len(probe) - len(probe.translate(None, _CONTROL_BYTES))
    return "binary data" if controls > BINARY_CONTROL_SHARE * len(probe) else None


def looks_binary(data: bytes) -> bool:
    """True when the bytes look like an image, an archive or other binary data.

    >>> looks_binary(b"plain text"), looks_binary(b"PK\\x03\\x04\\x00\\x00")
    (False, True)
    """
    return sniff_binary(data) is not None


def _build_fallback_table() -> str:
    """The 256 characters of cp1252, with Latin-1's for the five bytes cp1252 leaves undefined."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode(FALLBACK_ENCODING))
        except UnicodeDecodeError:
            chars.append(chr(byte))  # 0x81, 0x8D, 0x8F, 0x90, 0x9D
    return "".join(chars)


_FALLBACK_TABLE = _build_fallback_table()


def decode_bytes(data: bytes) -> Decoded:
    """Decode bytes by their byte-order mark, else as UTF-8 (a BOM is dropped), else as cp1252.

    UTF-16 and UTF-32 are flagged (`decoded-utf-16`); their unpaired surrogates and a cut-off last
    character become U+FFFD, the one place where decoding replaces rather than keeps.

    >>> decode_bytes("déjà".encode()).text, decode_bytes("déjà".encode("cp1252"))
    ('déjà', Decoded(text='déjà', flag='decoded-cp1252'))
    >>> decode_bytes("déjà".encode("utf-16"))
    Decoded(text='déjà', flag='decoded-utf-16')
    """
    encoding = wide_encoding(data)
    if encoding is not None:
        return Decoded(data.decode(encoding, errors="replace"), f"decoded-{encoding}")
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return Decoded(body.decode("utf-8"), None)
    except UnicodeDecodeError:
        return Decoded(codecs.charmap_decode(body, "strict", _FALLBACK_TABLE)[0], FALLBACK_FLAG)


# Flags of a document that used one kind of line ending other than LF throughout: it is cleaned
# with LF and written back with its own (cleanse.output_records.output_text).
KEPT_ENDING_FLAGS = {"\r\n": "line-endings-crlf", "\r": "line-endings-cr"}
LINE_ENDINGS_RULE = "fix.line-endings"  # the rule id of endings changed to LF in a mixed text


def line_endings(text: str) -> dict[str, int]:
    """How many line endings of each kind (CR LF, lone CR, lone LF) the text holds.

    >>> line_endings("a\\r\\nb\\rc\\nd\\r\\n")
    {'\\r\\n': 2, '\\r': 1, '\\n': 1}
    """
    crlf = text.count("\r\n")
    return {"\r\n": crlf, "\r": text.count("\r") - crlf, "\n": text.count("\n") - crlf}


def normalize_newlines(text: str) -> str:
    """Turn CR LF and lone CR into LF so that line numbers mean the same everywhere.

    >>> normalize_newlines("a\\r\\nb\\rc")
    'a\\nb\\nc'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Characters that take no room when printed, besides whitespace: format characters (zero-width
# space and joiners, bidi marks and isolates, word joiner, soft hyphen, BOM) and controls.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc"})


def is_blank(text: str) -> bool:
    """True when nothing in `text` prints: it holds only whitespace (non-breaking spaces too),
    zero-width, bidi and other format characters, or control characters.

    Such a text is empty to a reader, so it is rejected as empty whatever invisible characters
    it is made of.

    >>> is_blank("\u00a0\u00a0"), is_blank("\u200b\u200e\u2066"), is_blank("\u200ba")
    (True, True, False)
    """
    return all(ch.isspace() or unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in text)
