"""Build WET and WARC files byte by byte (the layout of Common Crawl's files: one gzip member per
record, a warcinfo record first), so the readers are tested on files warcio did not write."""

from __future__ import annotations

import gzip
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of a test crawl: its record id, URL, date and body."""

    record_id: str
    url: str
    date: str
    body: bytes


def _record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _warcinfo(name: str) -> bytes:
    info = b"software: hand-built test crawl\r\nformat: WARC File Format 1.0\r\n"
    return _record(
        [
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", "2024-05-01T00:00:00Z"),
            ("WARC-Filename", name),
            ("WARC-Record-ID", "<urn:uuid:00000000-0000-0000-0000-000000000000>"),
            ("Content-Type", "application/warc-fields"),
        ],
        info,
    )


def wet_bytes(pages: list[Page], *, compress: bool = True) -> bytes:
    """A WET file: a warcinfo record, then one `conversion` record per page (its body is text)."""
    records = [_warcinfo("test.warc.wet.gz")]
    for page in pages:
        headers = [
            ("WARC-Type", "conversion"),
            ("WARC-Target-URI", page.url),
            ("WARC-Date", page.date),
            ("WARC-Record-ID", f"<{page.record_id}>"),
            ("WARC-Refers-To", "<urn:uuid:11111111-1111-1111-1111-111111111111>"),
            ("Content-Type", "text/plain"),
        ]
        records.append(_record(headers, page.body))
    return b"".join(gzip.compress(r, mtime=0) if compress else r for r in records)


def warc_bytes(pages: list[Page], content_type: str = "text/html; charset=utf-8") -> bytes:
    """A WARC file: a warcinfo record, then a request and an HTTP response per page."""
    records = [_warcinfo("test.warc.gz")]
    for page in pages:
        request = f"GET / HTTP/1.1\r\nHost: {page.url.split('/')[2]}\r\n\r\n".encode()
        records.append(
            _record(
                [
                    ("WARC-Type", "request"),
                    ("WARC-Target-URI", page.url),
                    ("WARC-Date", page.date),
                    ("WARC-Record-ID", f"<{page.record_id}-request>"),
                    ("Content-Type", "application/http; msgtype=request"),
                ],
                request,
            )
        )
        http = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(page.body)}\r\n\r\n"
        ).encode() + page.body
        records.append(
            _record(
                [
                    ("WARC-Type", "response"),
                    ("WARC-Target-URI", page.url),
                    ("WARC-Date", page.date),
                    ("WARC-Record-ID", f"<{page.record_id}>"),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                http,
            )
        )
    return b"".join(gzip.compress(r, mtime=0) for r in records)
