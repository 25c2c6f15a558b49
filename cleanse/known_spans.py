"""The paragraph spans the cleaning workers find, kept for the duplicate stage.

With workers and paragraphs to deduplicate, each cleaning worker splits the documents it cleaned
into paragraphs (`cleanse.dedup.paragraphs.paragraph_spans`) and sends the spans back packed;
this process keeps them by the document's lines until the duplicate stage takes them, so it
does not split those documents itself while the workers wait (`cleanse.stages` wires both ends: `cleanse.cleaning_stage`, `cleanse.dedup_stage`).
"""

from __future__ import annotations

import itertools
from array import array

from cleanse.dedup import DedupConfig


class KnownSpans:
    """The paragraph spans the cleaning workers found in the documents they cleaned, kept by the
    lines they were found in until the duplicate stage takes them (`take`).

    With workers, splitting a document into paragraphs (`cleanse.dedup.paragraphs`) is done by the
    worker that cleaned it, not by this process while the workers wait: each document's spans
    come back packed (`pack_spans`, 8 bytes a paragraph), and the duplicate stage takes them for
    the same lines, the very same tuple, or splits the lines itself when there are none.
    """

    def __init__(self) -> None:
        self._spans: dict[int, tuple[tuple[str, ...], bytes]] = {}

    def put(self, lines: tuple[str, ...], packed: bytes) -> None:
        """Keep the spans of `lines` (holding the tuple: its id stays its own meanwhile)."""
        self._spans[id(lines)] = (lines, packed)

    def take(self, lines: tuple[str, ...]) -> list[tuple[int, int]] | None:
        """The spans kept for this very tuple of lines (then forgotten), else None.

        The duplicate stage takes documents in the order they were cleaned, so the spans kept
        before these ones belong to documents it has passed without taking them (their lines
        replaced on the way): they are dropped too, and this map holds no more than the cleaning
        runs ahead of the duplicate stage."""
        entry = self._spans.get(id(lines))
        if entry is None or entry[0] is not lines:
            return None
        while True:  # oldest first: up to and including this entry
            key = next(iter(self._spans))
            kept = self._spans.pop(key)
            if kept is entry:
                return unpack_spans(entry[1])

    def __len__(self) -> int:
        return len(self._spans)


def known_spans(dedup: DedupConfig | None, workers: int) -> KnownSpans | None:
    """Where the cleaning workers leave paragraph spans for the duplicate stage: with workers and
    paragraphs to deduplicate; else None (the duplicate stage splits the documents itself)."""
    if workers <= 1 or dedup is None or dedup.level == "document":
        return None
    return KnownSpans()


def pack_spans(spans: list[tuple[int, int]]) -> bytes:
    """Paragraph spans as bytes: cheap to send, unlike a list of tuples."""
    return array("I", itertools.chain.from_iterable(spans)).tobytes()


def unpack_spans(packed: bytes) -> list[tuple[int, int]]:
    """The spans `pack_spans` packed.

    >>> unpack_spans(pack_spans([(0, 2), (4, 4)]))
    [(0, 2), (4, 4)]
    """
    flat = array("I")
    flat.frombytes(packed)
    pairs = iter(flat)
    return list(zip(pairs, pairs, strict=True))
