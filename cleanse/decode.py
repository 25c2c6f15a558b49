"""Bytes to text: UTF-8 first, a stated fallback for everything else.

Bytes that are not valid UTF-8 are decoded as Windows-1252 (the usual culprit on scraped pages),
with the five bytes cp1252 leaves undefined taken as Latin-1, so decoding never fails and never
drops a byte. The caller flags such documents so the audit shows the guess.
"""

from __future__ import annotations

from dataclasses import dataclass

FALLBACK_ENCODING = "cp1252"
FALLBACK_FLAG = "decoded-cp1252"
_BINARY_PROBE = 8192


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text and the flag to record (None when the input was clean UTF-8)."""

    text: str
    flag: str | None


def looks_binary(data: bytes) -> bool:
    """True when the bytes hold NUL characters early on, as images and archives do.

    >>> looks_binary(b"plain text"), looks_binary(b"PK\\x03\\x04\\x00\\x00")
    (False, True)
    """
    return b"\x00" in data[:_BINARY_PROBE]


def _cp1252_with_latin1_gaps(data: bytes) -> str:
    chars = []
    for chunk in data.split(b"\n"):
        chars.append(chunk.decode(FALLBACK_ENCODING, errors="surrogateescape"))
    text = "\n".join(chars)
    # Undefined cp1252 bytes came back as lone surrogates U+DC81 etc.; read them as Latin-1.
    return "".join(chr(ord(c) - 0xDC00) if "\udc80" <= c <= "\udcff" else c for c in text)


def decode_bytes(data: bytes) -> Decoded:
    """Decode bytes as UTF-8 (a leading BOM is dropped) or, failing that, as cp1252.

    >>> decode_bytes("déjà".encode()).text, decode_bytes("déjà".encode("cp1252"))
    ('déjà', Decoded(text='déjà', flag='decoded-cp1252'))
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Decoded(_cp1252_with_latin1_gaps(data), FALLBACK_FLAG)
    return Decoded(text.removeprefix("\ufeff"), None)


def normalize_newlines(text: str) -> str:
    """Turn CR LF and lone CR into LF so that line numbers mean the same everywhere.

    >>> normalize_newlines("a\\r\\nb\\rc")
    'a\\nb\\nc'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
