"""Common Crawl WET and WARC files, read with warcio (the `warc` extra).

A WET `conversion` record is a document: its id is the WARC record id, and its URL
(`WARC-Target-URI`) and date (`WARC-Date`) are kept as the `url` and `date` fields, so the URL's
host scopes site rules and `rules learn`. A WARC `response` holding HTML is extracted to text
with trafilatura (cleanse.formats.html). `warcinfo`, `request`, `metadata` and `revisit` records
describe a crawl, not documents, and are passed over; a response that is not HTML, or has no
main text, is refused with its URL, as is a file that is not WARC at all.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO, Any

from cleanse.decode import decode_bytes
from cleanse.formats.html import EXTRACTED_HTML, NO_TEXT, extract_text
from cleanse.formats.records import Record, Refusal
from cleanse.formats.registry import require

__all__ = ["read_warc"]

NOT_WARC = "input.not-warc"  # a .warc / .warc.wet file that is not WARC
CORRUPT_WARC = "input.corrupt-warc"  # a WARC file that breaks after some records
NOT_HTML = "input.not-html"  # a WARC response whose content is not HTML
WARC_MAGIC = b"WARC/"
GZIP_PROBE = 512  # compressed bytes enough to decompress the first five
HTML_TYPES = ("text/html", "application/xhtml+xml")
NOT_DOCUMENTS = ("warcinfo", "request", "metadata", "revisit")


def read_warc(stream: IO[bytes], text_field: str, *, converted: bool) -> Iterator[Record | Refusal]:
    """Documents of a WET file (`converted`) or of a WARC file's HTML responses, in file order."""
    require("warc")
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
    from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

    number = 0
    try:
        head = _head(stream)
        if head and head != WARC_MAGIC:
            error = "this is not a WARC file (it does not start with WARC/); rename it or move it out of SRC"
            yield Refusal(NOT_WARC, error)
            return
        for record in ArchiveIterator(stream):
            number += 1
            if not str(record.rec_headers.protocol).startswith("WARC/"):
                msg = f"record {number} does not start with WARC/"
                raise ArchiveLoadFailed(msg)
            if record.rec_type in NOT_DOCUMENTS:
                record.raw_stream.read()
                _check_complete(record, number)
                continue
            document = _document(record, number, text_field, converted=converted)
            _check_complete(record, number)
            yield document
    except ArchiveLoadFailed as exc:
        if number == 0:
            error = f"this is not a WARC file ({_first_line(exc)}); rename it or move it out of SRC"
            yield Refusal(NOT_WARC, error)
        else:
            yield Refusal(CORRUPT_WARC, _broken(exc, number - 1), number)
    except (OSError, EOFError, zlib.error) as exc:
        yield Refusal(CORRUPT_WARC, _broken(exc, number), number + 1)


def _document(record: Any, number: int, text_field: str, *, converted: bool) -> Record | Refusal:
    """The document of one WET conversion or WARC response record, or why it is none."""
    headers = record.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    url = headers.get_header("WARC-Target-URI")
    date = headers.get_header("WARC-Date")
    content = record.content_stream().read()
    if converted:
        text: str | None = decode_bytes(content).text
    elif record.rec_type != "response" or not _is_html(record):
        kind = record.http_headers.get_header("Content-Type") if record.http_headers else None
        what = f"a {record.rec_type} record of type {kind or 'unknown'}"
        error = f"{what} at {url}: cleanse reads the HTML responses of a WARC file"
        return Refusal(NOT_HTML, error, number)
    else:
        text = extract_text(content, url)
        if text is None:
            error = f"trafilatura found no main text in the HTML response at {url}"
            return Refusal(NO_TEXT, error, number)
    fields: dict[str, Any] = {"id": record_id or None, "url": url, "date": date, text_field: text}
    return Record(fields, number, "record", () if converted else (EXTRACTED_HTML,))


def _head(stream: IO[bytes]) -> bytes:
    """The first bytes of the WARC data: decompressed when the file is a series of gzip members."""
    start: bytes = stream.peek(GZIP_PROBE)[:GZIP_PROBE]  # type: ignore[attr-defined]
    if start.startswith(b"\x1f\x8b"):
        start = zlib.decompressobj(wbits=31).decompress(start)  # 31: a gzip header
    return start[: len(WARC_MAGIC)]


def _check_complete(record: Any, number: int) -> None:
    """Raise ArchiveLoadFailed when a record holds fewer bytes than its Content-Length says (the
    file was cut off; warcio hands on what there is without a word)."""
    from warcio.exceptions import ArchiveLoadFailed

    missing = getattr(record.raw_stream, "limit", 0)
    if record.rec_headers.get_header("Content-Length") is None or missing:
        msg = f"record {number} is cut off: {missing} bytes of its content are missing"
        raise ArchiveLoadFailed(msg)


def _is_html(record: Any) -> bool:
    """True when a response's HTTP Content-Type is HTML."""
    if record.http_headers is None:
        return False
    kind = (record.http_headers.get_header("Content-Type") or "").lower()
    return kind.split(";")[0].strip() in HTML_TYPES


def _broken(exc: BaseException, number: int) -> str:
    return (
        f"the file breaks after record {number} ({_first_line(exc)}); the records before were "
        "read; copy or download it again"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
