"""Compressed streams: gzip (standard library) and zstd (the `zstd` extra), read and written.

Reading checks the magic number first and reports a stream that ends mid-frame as truncated (an
EOFError, as gzip does), so a cut-off shard is never taken for a short one. Writing produces one
gzip member or zstd frame per checkpoint: decoders read the pieces as one stream, and a file
resumed after a crash is the same bytes as one written at once.
"""

from __future__ import annotations

import gzip
import io
import zlib
from typing import IO, Any

from cleanse.formats.registry import COMPRESSIONS, require

__all__ = [
    "STREAM_ERRORS",
    "break_kind",
    "compression_label",
    "open_member",
    "open_reader",
    "starts_like",
]

# zstd frames are read in chunks of this many compressed bytes.
ZSTD_CHUNK = 1 << 17
ZSTD_LEVEL = 3  # zstd's own default: fast, and about gzip -6's ratio

LABELS = {"gz": "gzip", "zst": "zstd"}


class _CorruptStreamError(OSError):
    """The compressed data is damaged (raised for zstd, whose own error is not an OSError)."""


# Everything a compressed stream may raise while it is read.
STREAM_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error)


def compression_label(compression: str) -> str:
    """The name users know a compression by: `gz` -> `gzip`.

    >>> compression_label("zst")
    'zstd'
    """
    return LABELS[compression]


def starts_like(raw: io.BufferedReader, compression: str) -> bool:
    """True when a file starts with the compression's magic number, or is empty (no records)."""
    magic = COMPRESSIONS[compression][1]
    return raw.peek(len(magic))[: len(magic)] in (b"", magic)


def open_reader(
    raw: io.BufferedReader, compression: str | None
) -> io.BufferedReader | gzip.GzipFile:
    """The decompressed bytes of `raw` (itself when `compression` is None), with `peek`."""
    if compression is None:
        return raw
    if compression == "gz":
        return gzip.GzipFile(fileobj=raw)
    return io.BufferedReader(_ZstdReader(raw))


def break_kind(exc: BaseException) -> str:
    """Why a stream stopped: `truncated`, `corrupt`, or `unreadable` (the OS failed)."""
    if isinstance(exc, EOFError):
        return "truncated"
    if isinstance(exc, gzip.BadGzipFile | zlib.error | _CorruptStreamError):
        return "corrupt"
    return "unreadable"


class _ZstdReader(io.RawIOBase):
    """Decompressed bytes of a sequence of zstd frames; EOFError when the last one is cut off."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._zstd: Any = require("zstd")
        self._frame: Any = None
        self._pending = b""
        self._midframe = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending:
            if not self._fill():
                return 0
        size = min(len(view), len(self._pending))
        view[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _fill(self) -> bool:
        """Decompress the next chunk into `_pending`; False at the end of the input."""
        chunk = self._raw.read(ZSTD_CHUNK)
        if not chunk:
            if self._midframe:
                msg = "the zstd stream ends in the middle of a frame"
                raise EOFError(msg)
            return False
        out = []
        while chunk:
            if self._frame is None:
                self._frame = self._zstd.ZstdDecompressor().decompressobj()
            try:
                out.append(self._frame.decompress(chunk))
            except self._zstd.ZstdError as exc:
                raise _CorruptStreamError(str(exc)) from exc
            self._midframe = not self._frame.eof
            chunk = self._frame.unused_data if self._frame.eof else b""
            if self._frame.eof:
                self._frame = None
        self._pending = b"".join(out)
        return True


def open_member(raw: IO[bytes], compression: str | None) -> IO[bytes]:
    """A writable layer over `raw` whose `close()` ends one gzip member or zstd frame and leaves
    `raw` open (None: `raw` itself, which the caller must not close through it)."""
    if compression is None:
        return raw
    if compression == "gz":
        # mtime=0 and no file name in the header: the same input gives the same bytes.
        member: IO[bytes] = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)  # type: ignore[assignment]
        return member
    zstd: Any = require("zstd")
    writer: IO[bytes] = zstd.ZstdCompressor(level=ZSTD_LEVEL).stream_writer(raw, closefd=False)
    return writer
