"""A whole run from SRC to DEST: read, clean, (deduplicate), write the corpus and the report.

The CLI commands `run`, `clean` and `dedup` are thin shells around `run_job`; everything a run
decides is in `JobConfig`, so a run can be repeated exactly from its summary.json.

Documents stream through in batches of about `batch_chars` input characters. After each batch
the duplicate stages settle it against everything kept before (held in a duplicate index on
disk, so memory grows with the index, not with the corpus), its documents are written, and a
checkpoint is taken; `resume` continues a killed run from the last one. Batch edges depend only
on the input, so a run's output does not depend on where it was interrupted.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from cleanse.checkpoint import Checkpoint, fingerprint
from cleanse.clean import CleanConfig
from cleanse.dedup import DedupConfig, DuplicateIndex
from cleanse.document import Document
from cleanse.duplicates import deduplicate
from cleanse.errors import InputError
from cleanse.learn import LearnConfig, LearnedRules, learn_boilerplate
from cleanse.pipeline import clean_documents
from cleanse.readers import STDIN, ReadConfig, list_inputs, read_documents, read_inputs
from cleanse.rules import RuleSet
from cleanse.runlock import LOCK_FILE
from cleanse.runstate import Claim, claim
from cleanse.stats import Stats
from cleanse.writers import STDOUT, CorpusWriter, fsync_dir, json_line, temporary_name, write_atomic

REPORT_DIRNAME = ".cleanse"
RUN_INDEX_DIRNAME = "run-index"  # the duplicate index of a run without --index, in the report
BATCH_CHARS = 32_000_000


@dataclass(frozen=True, slots=True)
class JobConfig:
    """Where a run reads and writes, and which stages it runs.

    overwrite: write into a DEST that is not empty (files of the same name are replaced);
    resume: continue the killed run whose checkpoint is in the report folder;
    wait: when another run holds DEST's report folder or the index, wait for it (else refuse);
    batch_chars: input characters per batch (the unit of memory use and of checkpoints).
    """

    src: str
    dest: str
    report: str | None = None
    clean: bool = True
    read: ReadConfig = field(default_factory=ReadConfig)
    cleaning: CleanConfig = field(default_factory=CleanConfig)
    workers: int = 1
    progress: bool = True
    learn: LearnConfig | None = None
    dedup: DedupConfig | None = None
    index: str | None = None
    annotate: bool = False
    overwrite: bool = False
    resume: bool = False
    wait: bool = False
    batch_chars: int = BATCH_CHARS


@dataclass(frozen=True, slots=True)
class Layout:
    """Resolved output places: the corpus destination, whether it mirrors SRC, the report folder."""

    dest: str
    mirror: bool
    report: Path | None


def plan_layout(src: str, dest: str, report: str | None) -> Layout:
    """Check SRC and DEST against each other and decide where everything goes.

    DEST equal to SRC, inside it, or containing it is refused: output never overwrites input.
    """
    if src != STDIN and not Path(src).exists():
        msg = f"{src}: no such file or folder"
        raise InputError(msg)
    if dest == STDOUT:
        return Layout(dest, False, Path(report) if report else None)
    dest_path = Path(dest)
    if src != STDIN:
        s, d = Path(src).resolve(), dest_path.resolve()
        if s == d or s in d.parents or (Path(src).is_dir() and d in s.parents):
            msg = f"DEST {dest} overlaps SRC {src}; choose an output folder outside the input"
            raise InputError(msg)
    if src == STDIN or Path(src).is_file():
        mirror = dest.endswith(("/", "\\")) or dest_path.is_dir()
        out_dir = dest_path if mirror else dest_path.parent
    else:
        if dest_path.exists() and not dest_path.is_dir():
            msg = f"DEST {dest} is a file; a folder SRC needs a folder DEST"
            raise InputError(msg)
        mirror, out_dir = True, dest_path
    report_dir = Path(report) if report else out_dir / REPORT_DIRNAME
    return Layout(dest, mirror, report_dir)


def dest_is_free(layout: Layout) -> bool:
    """DEST is stdout, new, or an empty folder (its report folder aside, while it holds no more
    than a run lock: the lock this run has just taken)."""
    dest = Path(layout.dest)
    if layout.dest == STDOUT or not dest.exists():
        return True
    if not dest.is_dir():
        return False
    for child in dest.iterdir():
        own = layout.report is not None and child == layout.report
        if not own or any(p.name != LOCK_FILE for p in child.iterdir()):
            return False
    return True


def run_job(config: JobConfig, ruleset: RuleSet) -> tuple[Stats, Layout]:
    """Run every configured stage over SRC and write DEST and the report.

    The report folder and the index are locked while the run works (another run is refused, or
    waits with `wait`); a run that stops midway can be resumed, and one killed before its first
    checkpoint is started over by `resume`.
    """
    layout = plan_layout(config.src, config.dest, config.report)
    if config.resume and (layout.report is None or config.src == STDIN or layout.dest == STDOUT):
        msg = "--resume needs SRC and DEST on disk (not - for stdin or stdout)"
        raise InputError(msg)
    settings = _settings(config, ruleset)
    inputs = None if config.src == STDIN else list_inputs(Path(config.src))  # listed once
    # The number of workers does not change the output, so a run may resume with another.
    same_output = {k: v for k, v in settings.items() if k != "workers"}
    mark = fingerprint(same_output, list(ruleset.files), [f.path for f in inputs or ()])
    owner = claim(
        src=config.src, dest=config.dest, report=layout.report if config.dest != STDOUT else None,
        index=config.index if config.dedup is not None else None, mark=mark,
        resume=config.resume, overwrite=config.overwrite, wait=config.wait,
        dest_is_free=lambda: dest_is_free(layout),
    )  # fmt: skip
    try:
        # Opened first: an index built with other settings is refused before any work is done.
        index, scratch = _open_index(config, layout.report, owner)
    except BaseException:
        owner.abandon()
        raise
    owner.begin({"src": config.src, "dest": config.dest, "index": config.index, "fingerprint": mark})
    try:
        stats = _run(config, ruleset, layout, inputs, settings, mark, owner, index)
    except BaseException as exc:
        owner.interrupted()
        if not isinstance(exc, KeyboardInterrupt) and _interrupt_inside(exc):
            raise KeyboardInterrupt from exc  # Ctrl-C inside compiled code (numba)
        raise
    owner.completed(layout.report if config.dest != STDOUT else None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    return stats, layout


def _run(
    config: JobConfig,
    ruleset: RuleSet,
    layout: Layout,
    inputs: list[Any] | None,
    settings: dict[str, Any],
    mark: str,
    owner: Claim,
    index: DuplicateIndex | None,
) -> Stats:
    """The stages over every document not done yet, batch after batch, then the report."""
    report = layout.report
    checkpoint = owner.checkpoint
    stats = Stats.restore(checkpoint.stats) if checkpoint else Stats()
    learned = None
    if config.clean and config.learn is not None:
        learned = learn_from(config.src, config.read, config.learn)
        stats.extra["learned_rules"] = [
            {"id": r.id, "site": r.site, "example": r.example, "documents": r.documents, "of": r.of}
            for r in learned
        ]
    if config.dedup is not None:
        stats.extra["duplicates"] = {"annotate": config.annotate, "params": config.dedup.params()}
    done = checkpoint.documents if checkpoint else 0
    every = read_documents(STDIN, config.read) if inputs is None else read_inputs(inputs, config.read)
    docs = itertools.islice(every, done, None)
    docs = _with_progress(docs, config.progress, done)
    sizes: deque[int] = deque()  # input sizes, in order: the stages keep the order of documents
    docs = _remember_sizes(docs, sizes)
    if config.clean:
        docs = clean_documents(docs, ruleset, config.cleaning, config.workers, learned)
    if checkpoint is None:
        writer = CorpusWriter(layout.dest, mirror=layout.mirror, text_field=config.read.text_field)
    else:
        writer = CorpusWriter.resume(
            layout.dest, checkpoint.writer, mirror=layout.mirror, text_field=config.read.text_field
        )
    audit = _open_audit(report, checkpoint)
    try:
        for batch in _batches(docs, sizes, config.batch_chars):
            if config.dedup is not None:
                batch = _deduplicate(batch, config, index, stats)
            for doc in batch:
                writer.write(doc)
                stats.add(doc, sizes.popleft())
                if audit is not None:
                    audit.write(json_line(doc.audit()))
            done += len(batch)
            if report is not None and config.dest != STDOUT:
                _save_checkpoint(report, mark, done, stats, writer, audit, index, owner.run)
    except BaseException:
        writer.abandon()
        if audit is not None:
            audit.close()
        _close(docs)
        raise
    # Completing is redone as a whole by --resume if it is interrupted here: each step repeats.
    writer.close()
    if report is not None and audit is not None:
        audit.close()
        os.replace(temporary_name(report / "audit.jsonl"), report / "audit.jsonl")
        summary = stats.to_json() | {"settings": settings}
        write_atomic(report / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        fsync_dir(report)
    if index is not None:
        index.finish_run()
    return stats


def _interrupt_inside(exc: BaseException) -> bool:
    """Whether `exc` wraps a KeyboardInterrupt (numba turns one into a SystemError)."""
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _close(docs: Iterator[Document]) -> None:
    """Stop the stages' generators now, so worker pools end with the run, not at exit."""
    close = getattr(docs, "close", None)
    if close is not None:
        close()


def _batches(docs: Iterable[Document], sizes: deque[int], limit: int) -> Iterator[list[Document]]:
    """Consecutive runs of documents holding about `limit` input characters each.

    `sizes` holds the input size of every document read and not yet counted, in order, so the
    edges fall on the same documents whatever the number of workers.
    """
    batch: list[Document] = []
    chars = 0
    for doc in docs:
        chars += sizes[len(batch)]
        batch.append(doc)
        if chars >= limit:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _open_index(
    config: JobConfig, report: Path | None, owner: Claim
) -> tuple[DuplicateIndex | None, Path | None]:
    """The duplicate index the batches share, and the scratch folder to remove at the end.

    Without --index the run keeps its own index in the report folder (or a temporary folder
    when there is no report), so that later batches are compared with earlier ones. What the
    run adds stays pending in the index until the run completes (see DuplicateIndex.start_run).
    """
    if config.dedup is None:
        return None, None
    scratch = None
    checkpoint = owner.checkpoint
    if config.index:
        path = Path(config.index)
    elif report is not None:
        path = scratch = report / RUN_INDEX_DIRNAME
        if checkpoint is None:
            shutil.rmtree(path, ignore_errors=True)
    else:
        path = scratch = Path(tempfile.mkdtemp(prefix="cleanse-index-"))
    index = DuplicateIndex.open(path, config.dedup)
    if checkpoint is not None and checkpoint.index_segments is not None:
        # What this run added before it stopped is still this run's, not an earlier run's.
        index.resume_run(owner.run, checkpoint.index_segments, checkpoint.index_base)
    else:
        index.start_run(owner.run)
    return index, scratch


def _save_checkpoint(
    report: Path,
    mark: str,
    done: int,
    stats: Stats,
    writer: CorpusWriter,
    audit: IO[str] | None,
    index: DuplicateIndex | None,
    run: str,
) -> None:
    """Make everything up to `done` documents durable, then record it."""
    writer_state = writer.checkpoint()
    audit_bytes = 0
    if audit is not None:
        audit.flush()
        os.fsync(audit.fileno())
        audit_bytes = audit.tell()
    segments = index.segments if index is not None else None
    base = dict(index.base) if index is not None else None
    Checkpoint(mark, done, stats.state(), audit_bytes, writer_state, segments, base, run).save(report)


def _deduplicate(
    docs: list[Document], config: JobConfig, index: DuplicateIndex | None, stats: Stats
) -> list[Document]:
    """Run the duplicate stages over one batch, against the index of everything kept before."""
    assert config.dedup is not None
    if config.progress and sys.stderr.isatty():
        print(f"cleanse: looking for duplicates among {len(docs):,} documents", file=sys.stderr)
    docs, result = deduplicate(
        docs, config.dedup, index=index, workers=config.workers, annotate=config.annotate
    )
    stats.add_duplicates(result.clusters)
    return docs


def learn_from(src: str, read: ReadConfig, config: LearnConfig) -> LearnedRules:
    """Learn each site's template lines from every document under SRC (read here, once)."""
    if src == STDIN:
        msg = "learning reads the input before cleaning it; save stdin to a file and give its path"
        raise InputError(msg)
    triples = ((d.id, d.site or "", d.text) for d in read_documents(src, read) if d.removed is None)
    return learn_boilerplate(triples, config)


def _remember_sizes(docs: Iterable[Document], sizes: deque[int]) -> Iterator[Document]:
    for doc in docs:
        sizes.append(len(doc.text))
        yield doc


def _with_progress(docs: Iterator[Document], enabled: bool, done: int) -> Iterator[Document]:
    show = enabled and sys.stderr.isatty()
    bar = tqdm(docs, unit=" docs", disable=not show, file=sys.stderr, dynamic_ncols=True, initial=done)
    return iter(bar)


def _open_audit(report: Path | None, checkpoint: Checkpoint | None) -> IO[str] | None:
    """The audit, written under a temporary name until the run completes."""
    if report is None:
        return None
    path = temporary_name(report / "audit.jsonl")
    if checkpoint is None:
        return path.open("w", encoding="utf-8")
    if not path.exists() and (report / "audit.jsonl").exists():
        os.replace(report / "audit.jsonl", path)  # stopped while completing: complete again
    with path.open("r+b") as raw:
        raw.truncate(checkpoint.audit_bytes)
    return path.open("a", encoding="utf-8")


def _settings(config: JobConfig, ruleset: RuleSet) -> dict[str, Any]:
    return {
        "src": config.src,
        "dest": config.dest,
        "lang": config.cleaning.lang,
        "fix_encoding": config.cleaning.fix_encoding,
        "rule_statuses": list(config.cleaning.statuses),
        "rule_files": list(ruleset.files),
        "rules_loaded": len(ruleset.rules),
        "text_field": config.read.text_field,
        "id_field": config.read.id_field,
        "workers": config.workers,
        "clean": config.clean,
        "classify": config.cleaning.classify,
        "dedup": config.dedup is not None,
        "dedup_params": None if config.dedup is None else config.dedup.params(),
        "keep": None if config.dedup is None else config.dedup.keep,
        "annotate": config.annotate,
        "index": config.index,
        "batch_chars": config.batch_chars,
        "learn": None if config.learn is None else {"min_docs": config.learn.min_docs, "min_share": config.learn.min_share},
    }
