"""A batch stage that starts batches ahead (`start`: the duplicate stage's signing in workers)
is settled in order, counted done only once settled and written, and given up (`cancel`) when
the run stops before settling it; with workers, `DedupStage.start` settles a batch into what
the stage itself gives."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from cleanse.dedup import DedupConfig
from cleanse.dedup_stage import DedupStage
from cleanse.document import Document, Item
from cleanse.runner import WAITED, Runner


class _Started:
    def __init__(self, stage: _Ahead, batch: list[Item]) -> None:
        self.stage, self.batch = stage, batch

    def finish(self) -> list[Item]:
        self.stage.events.append(("finish", self.batch[0].id))
        return [doc.evolve(flags=("seen",)) for doc in self.batch]

    def ready(self) -> bool:
        return self.stage.ready

    def cancel(self) -> None:
        self.stage.events.append(("cancel", self.batch[0].id))


class _Ahead:
    """A batch stage that starts every batch ahead, and logs what it is asked to do."""

    def __init__(self, ready: bool) -> None:
        self.ready, self.events = ready, []

    def __call__(self, batch: list[Item]) -> list[Item]:
        msg = "a stage that starts batches is never called"
        raise AssertionError(msg)

    def start(self, batch: list[Item]) -> _Started:
        self.events.append(("start", batch[0].id))
        return _Started(self, batch)


class _Written:
    def __init__(self, events: list[tuple[str, str]]) -> None:
        self.events = events

    def write(self, batch, sizes) -> None:
        self.events.append(("write", batch[0].id))


def _docs(n: int) -> list[Document]:
    return [Document.from_text(f"d{i}", "x" * 10) for i in range(n)]


def _slowly(docs: list[Document]) -> Iterator[Document]:
    """The documents as cleaning workers slower than this process hand them over."""
    for doc in docs:
        time.sleep(WAITED * 3)
        yield doc


def _run(
    ready: bool, slow: bool = False
) -> tuple[list[tuple[str, str]], list[int], list[list[str]]]:
    stage = _Ahead(ready)
    done: list[int] = []
    runner = Runner(
        batch_stages=[stage], sinks=[_Written(stage.events)], batch_chars=30,
        after_batch=lambda n: (done.append(n), stage.events.append(("done", str(n)))),
    )  # fmt: skip
    docs = _slowly(_docs(7)) if slow else _docs(7)
    out = [[d.id for d in s.documents if "seen" in d.flags] for s in runner.settle(docs)]
    return stage.events, done, out


@pytest.mark.parametrize(("ready", "slow"), [(False, False), (False, True)])
def test_each_batch_settled_when_the_next_one_is_read(ready, slow):
    """Not signed yet, a batch is settled after the next one is read, whatever the pace.

    (Signed, it waits for the next one too when documents come as fast as this process takes
    them; not tested here: a pause of the test process would look like waiting.)"""
    events, done, out = _run(ready, slow)
    assert out == [["d0", "d1", "d2"], ["d3", "d4", "d5"], ["d6"]]
    assert done == [3, 6, 7]
    assert events == [
        ("start", "d0"),
        ("start", "d3"), ("finish", "d0"), ("write", "d0"), ("done", "3"),
        ("start", "d6"), ("finish", "d3"), ("write", "d3"), ("done", "6"),
        ("finish", "d6"), ("write", "d6"), ("done", "7"),
    ]  # fmt: skip


def test_a_batch_signed_is_settled_between_documents_when_they_are_slow():
    events, done, out = _run(ready=True, slow=True)
    assert out == [["d0", "d1", "d2"], ["d3", "d4", "d5"], ["d6"]]
    assert done == [3, 6, 7]
    # Settled as soon as the next document is read, before the next batch is complete.
    first = [("start", "d0"), ("finish", "d0"), ("write", "d0"), ("done", "3"), ("start", "d3")]
    assert events[:5] == first


def test_a_run_stopped_first_gives_up_the_batch_started_ahead():
    stage = _Ahead(ready=False)
    runner = Runner(batch_stages=[stage], batch_chars=30)
    settled = runner.settle(_docs(7))
    next(settled)  # batch 1 settled, batch 2 started
    settled.close()
    assert stage.events[-1] == ("cancel", "d3")


def test_dedup_stage_started_with_workers_settles_as_it_does_alone(monkeypatch):
    from cleanse.dedup import workers

    monkeypatch.setattr(workers, "CHUNK_CHARS", 500)  # several chunks: both workers sign
    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    docs: list[Item] = [
        Document.from_text(f"d{i}", f"{text} {i % 3}\n\nunique paragraph number {i} here")
        for i in range(60)
    ]
    config = DedupConfig()
    alone = DedupStage(config, None, workers=1)(list(docs))
    stage = DedupStage(config, None, workers=2)
    assert stage.start(list(docs)) is None  # not open: no workers kept, signed per batch
    assert stage(list(docs)) == alone
    stage.open()
    try:
        started = stage.start(list(docs))
        assert started is not None
        assert alone != docs  # duplicates found and settled
        assert started.finish() == alone
        assert stage(list(docs)) == alone  # called, an open stage signs in its workers too
    finally:
        stage.close()
    assert stage.start(list(docs)) is None
    one = DedupStage(config, None, workers=1)
    one.open()
    assert one.start(list(docs)) is None


class _Kept:
    """A batch stage with workers kept for the run: logs when they start and end."""

    def __init__(self, events: list[str], fail_at: int | None = None) -> None:
        self.events, self.fail_at, self.calls = events, fail_at, 0

    def open(self) -> None:
        self.events.append("open")

    def close(self) -> None:
        self.events.append("close")

    def __call__(self, batch: list[Item]) -> list[Item]:
        self.calls += 1
        if self.calls == self.fail_at:
            msg = "settling failed"
            raise RuntimeError(msg)
        self.events.append("settle")
        return batch


def test_a_run_opens_its_stages_before_reading_and_closes_them_at_its_end():
    events: list[str] = []

    def read() -> Iterator[Document]:
        events.append("read")
        yield from _docs(7)

    assert Runner(batch_stages=[_Kept(events)], batch_chars=30).run(read()) == 7
    assert events == ["open", "read", "settle", "settle", "settle", "close"]
    events.clear()
    with pytest.raises(RuntimeError, match="settling failed"):
        Runner(batch_stages=[_Kept(events, fail_at=2)], batch_chars=30).run(read())
    assert events == ["open", "read", "settle", "close"]
