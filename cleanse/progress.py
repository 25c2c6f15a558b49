"""How far a run has got, per phase (clean, dedup, write), for whoever wants to show it.

The library never prints: a caller hands `run_job` a `ProgressReporter` (the CLI's draws bars on
a terminal or logs a line every few seconds) and `RunProgress` feeds it the input bytes each phase
has finished, measured against the total the listing of SRC gave before any work started.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from cleanse.document import Document, Item
from cleanse.walk import InputFile

PHASES = ("clean", "dedup", "write")


class ProgressReporter(Protocol):
    """Receives progress; `total` is None when it is not known (stdin)."""

    def start(self, phase: str, total: int | None, unit: str) -> None:
        """A phase begins; `unit` is `B` (input bytes) or `docs`."""

    def advance(self, phase: str, amount: int) -> None:
        """`amount` more units of `phase` are done."""

    def close(self) -> None:
        """The run is over (or failed): release the display."""


class _FileMeter:
    """Turns documents into input bytes: a file counts in full once its last document passed.

    Within a file, a document counts as its text's UTF-8 length, never past the file's size (a
    .jsonl.gz file's text is larger than the file), so the figure stays within the total.
    """

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = sizes
        self.current: str | None = None
        self.counted = 0

    def measure(self, doc: Item) -> int:
        """Bytes to add for `doc`."""
        step = 0
        if doc.source != self.current:
            step += self._finish_current()
            self.current, self.counted = doc.source, 0
        size = self.sizes.get(doc.source)
        if size is None:  # stdin, or a file the listing did not have
            return step + _text_bytes(doc)
        # The file's last bytes are counted when the next file begins, or at the end.
        part = min(_text_bytes(doc), max(0, size - 1 - self.counted))
        self.counted += part
        return step + part

    def _finish_current(self) -> int:
        if self.current is None or self.current not in self.sizes:
            return 0
        return max(0, self.sizes[self.current] - self.counted)

    def finish(self) -> int:
        """Bytes left of the last file."""
        step = self._finish_current()
        self.current, self.counted = None, 0
        return step


class RunProgress:
    """Feeds a reporter from the points of `run_job` where each phase finishes documents.

    >>> class Show:
    ...     def start(self, phase, total, unit): print("start", phase, total, unit)
    ...     def advance(self, phase, amount): print(phase, amount)
    ...     def close(self): print("close")
    >>> p = RunProgress(Show(), None)
    start clean None docs
    start dedup None docs
    start write None docs
    >>> p.written([Document("a", ("x",))])
    write 1
    """

    def __init__(
        self,
        reporter: ProgressReporter | None,
        inputs: Sequence[InputFile] | None,
        dedup: bool = True,
    ) -> None:
        self.reporter = reporter
        self.sizes: dict[str, int] | None = None
        if inputs is not None:
            self.sizes = {found.rel: _size(found) for found in inputs}
        total = sum(self.sizes.values()) if self.sizes is not None else None
        unit = "docs" if self.sizes is None else "B"
        self.meters = {phase: _FileMeter(self.sizes or {}) for phase in PHASES}
        self.phases = PHASES if dedup else ("clean", "write")
        if reporter is not None:
            for phase in self.phases:
                reporter.start(phase, total, unit)

    def _advance(self, phase: str, docs: Iterable[Item]) -> None:
        if self.reporter is None:
            return
        if self.sizes is None:
            amount = sum(1 for _ in docs)
        else:
            meter = self.meters[phase]
            amount = sum(meter.measure(doc) for doc in docs)
        if amount:
            self.reporter.advance(phase, amount)

    def cleaned(self, docs: Iterable[Item]) -> Iterator[Item]:
        """Pass documents through, counting them as cleaned."""
        for doc in docs:
            self._advance("clean", (doc,))
            yield doc

    def deduplicated(self, batch: Sequence[Item]) -> None:
        """A batch went through the duplicate stages."""
        self._advance("dedup", batch)

    def written(self, batch: Sequence[Item]) -> None:
        """Documents were written."""
        self._advance("write", batch)

    def deduplicated_stage(self, batch: list[Item]) -> list[Item]:
        """As a batch stage after the duplicate stages: count the batch, pass it on."""
        self.deduplicated(batch)
        return batch

    def write(self, batch: Sequence[Item], sizes: Sequence[int]) -> None:
        """As the last sink (cleanse.runner.Sink): the batch is written."""
        self.written(batch)

    def close(self, complete: bool = True) -> None:
        """Count what is left of the last files (when the run completed); release the reporter."""
        if self.reporter is None:
            return
        if complete and self.sizes is not None:
            for phase in self.phases:
                rest = self.meters[phase].finish()
                if rest:
                    self.reporter.advance(phase, rest)
        self.reporter.close()


def _text_bytes(doc: Item) -> int:
    """The UTF-8 size of a document's text (none for a rejected input)."""
    return len(doc.text.encode("utf-8", "surrogatepass")) if isinstance(doc, Document) else 0


def _size(found: InputFile) -> int:
    try:
        return found.path.stat().st_size if found.error is None else 0
    except OSError:
        return 0
