"""cleanse.parallel.ordered_map: results in input order, and the batches under way bounded by weight."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cleanse.parallel import BATCH, ordered_map, same_function


def square(n: int) -> int:
    return n * n


def counted(total: int, seen: list[int]) -> Iterator[int]:
    for n in range(total):
        seen[0] += 1
        yield n


@pytest.mark.parametrize(("ahead", "most_read_ahead"), [(BATCH, 3 * BATCH), (3 * BATCH, 4 * BATCH)])
def test_batches_under_way_stay_within_their_weight(ahead, most_read_ahead):
    seen = [0]
    out: list[int] = []
    read_ahead = 0
    total = 8 * BATCH
    for result in ordered_map(same_function(square), counted(total, seen), 2, weigh=lambda n: 1, ahead=ahead):
        out.append(result)
        read_ahead = max(read_ahead, seen[0] - len(out))
    assert out == [n * n for n in range(total)]
    # The window holds the batch being yielded, the ones under way while they weigh under
    # `ahead`, and the next batch read: never more, and with a larger `ahead`, more than the default.
    assert most_read_ahead - BATCH < read_ahead < most_read_ahead


def test_heavy_items_keep_the_window_at_two_batches():
    seen = [0]
    out = list(ordered_map(same_function(square), counted(4 * BATCH, seen), 2, weigh=lambda n: 10**9, ahead=BATCH))
    assert out == [n * n for n in range(4 * BATCH)]


def test_batch_items_set_how_many_items_each_batch_takes():
    # Items that are groups of documents (cleanse.cleaning_stage) go 16 to a batch, not BATCH: the
    # window then holds as many documents as it held one document per item.
    seen = [0]
    out: list[int] = []
    read_ahead = 0
    for result in ordered_map(
        same_function(square), counted(200, seen), 2, min_items=16, weigh=lambda n: 1, ahead=16, batch_items=16
    ):
        out.append(result)
        read_ahead = max(read_ahead, seen[0] - len(out))
    assert out == [n * n for n in range(200)]
    assert 16 <= read_ahead < 3 * 16


# Cleaning over workers: only what cleaning changed comes back (cleanse.cleaned_changes.changes_of).


def _inputs() -> list:
    from pathlib import Path

    from cleanse.document import Document, Rejected

    seeds = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    texts += ["Partager cet article\nLe texte reste.\n", "A plain line of prose that stays as it is.", ""]
    docs: list = []
    for n in range(BATCH + 100):  # more than one batch: the documents go through the pool
        text = texts[n % len(texts)]
        meta = {"n": n, "nested": {"k": [n]}} if n % 3 == 0 else {}
        doc = Document.from_text(f"d{n}", text, meta, location={"path": "in.jsonl", "line": n + 1})
        if n % 97 == 5:
            docs.append(Rejected(f"d{n}", "input.binary", {"path": "in.jsonl"}, meta=meta))
        elif n % 89 == 7:
            docs.append(doc.remove("test.removed-before"))
        else:
            docs.append(doc)
    return docs


def test_cleaning_over_workers_gives_the_documents_cleaning_in_this_process_gives():
    from cleanse.clean_config import CleanConfig
    from cleanse.cleaning_stage import clean_documents
    from cleanse.packs import load_rules

    docs, ruleset, config = _inputs(), load_rules([]), CleanConfig()
    alone = list(clean_documents(docs, ruleset, config, workers=1))
    shared = list(clean_documents(docs, ruleset, config, workers=2))
    assert shared == alone
    assert [d.meta for d in shared] == [d.meta for d in docs]
    statuses = {d.status for d in alone}
    assert {"kept", "changed", "removed", "rejected"} <= statuses  # every kind went through


def test_the_workers_leave_each_live_documents_paragraph_spans_for_the_duplicate_stage():
    from cleanse.clean_config import CleanConfig
    from cleanse.cleaning_stage import clean_documents
    from cleanse.dedup import DedupConfig
    from cleanse.dedup.documents import deduplicate
    from cleanse.dedup.paragraphs import paragraph_spans
    from cleanse.known_spans import known_spans
    from cleanse.packs import load_rules

    docs, ruleset, config = _inputs(), load_rules([]), CleanConfig()
    assert known_spans(DedupConfig(), 1) is None and known_spans(DedupConfig(level="document"), 2) is None
    spans = known_spans(DedupConfig(), 2)
    assert spans is not None
    shared = list(clean_documents(docs, ruleset, config, workers=2, spans=spans))
    assert shared == list(clean_documents(docs, ruleset, config, workers=1))
    live = [d for d in shared if d.status != "removed" and hasattr(d, "lines")]
    assert len(spans) == len({id(d.lines) for d in live}) > 0
    took = []

    def take(lines):
        found = spans.take(lines)
        took.append(found is not None and found == paragraph_spans(lines))
        return found

    with_spans, _ = deduplicate(shared, DedupConfig(), known_spans=take)
    assert with_spans == deduplicate(shared, DedupConfig())[0]
    assert len(spans) == 0 and sum(took) == len({id(d.lines) for d in live}) and len(took) == len(live)


def test_a_document_cleaning_fails_on_is_rejected_with_its_record_fields(monkeypatch):
    from cleanse.clean import Cleaner
    from cleanse.clean_config import CleanConfig
    from cleanse.cleaning_stage import CLEANING_FAILED, clean_documents
    from cleanse.packs import load_rules

    real = Cleaner._cleaning  # the steps of `clean` and of `clean_many` alike

    def failing(self, doc):  # forked workers inherit the patch
        if doc.id == "d9":
            msg = "boom"
            raise RuntimeError(msg)
        return real(self, doc)

    monkeypatch.setattr(Cleaner, "_cleaning", failing)
    docs = _inputs()
    out = list(clean_documents(docs, load_rules([]), CleanConfig(), workers=2))
    assert out[9].status == "rejected" and out[9].reason == CLEANING_FAILED
    assert out[9].meta == docs[9].meta == {"n": 9, "nested": {"k": [9]}}
    assert out == list(clean_documents(docs, load_rules([]), CleanConfig(), workers=1))


def test_changes_never_count_an_equal_value_of_another_kind_as_unchanged():
    from cleanse.cleaned_changes import apply_changes, changes_of
    from cleanse.document import Document

    doc = Document.from_text("d", "a\nb", annotations={"x": 1})
    assert changes_of(doc, doc) is None
    assert changes_of(doc, doc.evolve(lines=("a", "b"))) is None  # equal lines: not sent back
    same_but_bool = doc.evolve(annotations={"x": True})  # == to {"x": 1}, written differently
    assert changes_of(doc, same_but_bool) == {"annotations": {"x": True}}
    for cleaned in (doc.evolve(lang="fr"), doc.with_lines([(2, "b")], []), doc.remove("r")):
        assert apply_changes(doc, changes_of(doc, cleaned)) == cleaned


def test_the_changes_cleaning_appends_come_back_as_plain_tuples_and_rebuild_the_same():
    from cleanse.cleaned_changes import APPENDED, apply_changes, changes_of
    from cleanse.document import Change, Document

    read = Document.from_text("d", "a\nb").with_changes([Change("input", "decoded", None, "x", "y")])
    cleaned = read.with_lines(
        [(1, "a")], [Change("classify", "boilerplate", 2, "b", None, {"score": 0.9, "scores": {"a": 1}})]
    )
    sent = changes_of(read, cleaned)
    assert "changes" not in sent and all(type(t) is tuple for t in sent[APPENDED])
    assert apply_changes(read, sent) == cleaned
    replaced = read.evolve(changes=(Change("other", "r", 1, "a", "c"),))  # not appended: sent whole
    assert changes_of(read, replaced) == {"changes": replaced.changes}


def test_known_spans_forget_what_the_duplicate_stage_passed_without_taking():
    from cleanse.known_spans import KnownSpans, pack_spans

    spans = KnownSpans()
    first, second, third = ("a",), ("b", "", "c"), ("d",)
    for lines, found in ((first, [(0, 0)]), (second, [(0, 0), (2, 2)]), (third, [(0, 0)])):
        spans.put(lines, pack_spans(found))
    copy = tuple("\n".join(second).split("\n"))  # equal lines, another tuple: not theirs
    assert copy == second and copy is not second and spans.take(copy) is None
    assert spans.take(second) == [(0, 0), (2, 2)]
    assert len(spans) == 1  # `first` was passed without being taken: forgotten
    assert spans.take(first) is None and spans.take(third) == [(0, 0)] and len(spans) == 0


def test_the_pools_pipes_hold_a_whole_task_or_result():
    # A worker writes its result and goes on, instead of waiting for the parent's result thread
    # (which needs the GIL) to read it 64 KB at a time (cleanse.parallel.widen_pipe).
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("no pipe sizes here")
    from cleanse.parallel import PIPE_BYTES, _Pool

    pool = _Pool(1)
    try:
        for queue in (pool._inqueue, pool._outqueue):
            assert fcntl.fcntl(queue._reader.fileno(), fcntl.F_GETPIPE_SZ) >= min(PIPE_BYTES, 1 << 20)
    finally:
        pool.terminate()


def test_the_kernels_of_the_duplicate_stage_release_the_gil():
    # The parent runs them while its cleaning pool's threads hand documents out and take them back.
    from cleanse.dedup import cluster, kernel

    kernels = (cluster._bucket_pairs, cluster._jaccards, kernel.shingle_hashes, kernel.minhash_csr, kernel.band_keys)
    assert all(k.targetoptions.get("nogil") is True for k in kernels)


@pytest.fixture(scope="module")
def builtin_rules():
    from cleanse.packs import load_rules

    return load_rules([])


@pytest.mark.parametrize(("level", "workers", "clean", "shared"), [
    ("both", 2, True, True), ("paragraph", 2, True, True), ("document", 2, True, False),
    ("both", 1, True, False), ("both", 2, False, False),
])  # fmt: skip
def test_the_run_and_the_library_build_their_stages_in_one_place(level, workers, clean, shared, builtin_rules):
    from cleanse.clean_config import CleanConfig
    from cleanse.dedup import DedupConfig
    from cleanse.dedup_stage import DedupStage
    from cleanse.stages import build_stages

    document, batch = build_stages(
        builtin_rules, CleanConfig(), clean=clean, workers=workers, dedup=DedupConfig(level=level)
    )
    assert len(document) == int(clean)
    assert len(batch) == 1 and isinstance(batch[0], DedupStage) and batch[0].workers == workers
    spans = batch[0].spans
    # With workers and paragraphs, the cleaning workers leave their spans where the duplicate
    # stage takes them: the same KnownSpans at both ends.
    assert (spans is not None) == shared
    if clean:
        assert document[0].keywords["spans"] is spans
    assert build_stages(builtin_rules, CleanConfig(), workers=workers)[1] == []
