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

import contextlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse.checkpoint import PROGRESS_FILE, Checkpoint, RunIdentity, identify, normalize_path
from cleanse.clean_config import CleanConfig
from cleanse.dedup import DedupConfig
from cleanse.dedup.config import ANNOTATION
from cleanse.dedup_stage import open_index
from cleanse.document import Document
from cleanse.durable import write_atomic
from cleanse.errors import InputError, OutputError
from cleanse.formats.registry import WriteConfig
from cleanse.heap import give_back
from cleanse.layout import Layout, plan_layout, refuse_occupied, refuse_report_file
from cleanse.learn import LearnConfig, LearnedRules, learn_boilerplate
from cleanse.progress import ProgressReporter, RunProgress
from cleanse.readers import STDIN, ReadConfig, list_inputs, read_documents, read_inputs
from cleanse.report import write_report
from cleanse.rules import RuleSet
from cleanse.runner import BATCH_CHARS, BATCH_DOCS, Runner
from cleanse.runstate import Claim, ClaimRequest, claim
from cleanse.settings import fingerprint_settings, run_settings
from cleanse.sinks import AuditSink, CorpusSink, StatsSink
from cleanse.stages import build_stages
from cleanse.staging import run_staged, touches_store
from cleanse.stats import Stats
from cleanse.unfinished import describe_write_failure, discard_unfinished, out_of_space
from cleanse.writers import STDOUT, CorpusWriter, naming_path

if TYPE_CHECKING:
    from cleanse.dedup import DuplicateIndex  # loads numba: only a run that deduplicates opens one

__all__ = ["BATCH_CHARS", "BATCH_DOCS", "JobConfig", "learn_from", "run_job"]


@dataclass(frozen=True, slots=True)
class JobConfig:
    """Where a run reads and writes, and which stages it runs.

    annotate: keep duplicates and describe them in the field `annotate_field` of every record;
    overwrite: write into a DEST that is not empty (files of the same name are replaced);
    resume: continue the killed run whose checkpoint is in the report folder;
    wait: when another run holds DEST's report folder or the index, wait for it (else refuse);
    batch_chars: input characters per batch (the unit of memory use and of checkpoints);
    batch_docs: documents per batch at most, whatever their size;
    progress: told how far each phase has got (None: nobody is told).
    """

    src: str
    dest: str
    report: str | None = None
    clean: bool = True
    read: ReadConfig = field(default_factory=ReadConfig)
    output: WriteConfig = field(default_factory=WriteConfig)
    cleaning: CleanConfig = field(default_factory=CleanConfig)
    workers: int = 1
    progress: ProgressReporter | None = None  # the library never prints; the CLI hands one in
    learn: LearnConfig | None = None
    dedup: DedupConfig | None = None
    index: str | None = None
    annotate: bool = False
    annotate_field: str = ANNOTATION
    overwrite: bool = False
    resume: bool = False
    wait: bool = False
    batch_chars: int = BATCH_CHARS
    batch_docs: int = BATCH_DOCS


def _identity_path(path: Any) -> Any:
    """An input as the fingerprint names it: a local path made absolute, a RemoteFile as is."""
    return Path(os.path.abspath(path)) if isinstance(path, Path) else path


def run_job(config: JobConfig, ruleset: RuleSet) -> tuple[Stats, Layout]:
    """Run every configured stage over SRC and write DEST and the report.

    The report folder and the index are locked while the run works (another run is refused, or
    waits with `wait`); a run that stops midway can be resumed, and one killed before its first
    checkpoint is started over by `resume`. When writing fails (a full disk, a read-only folder),
    what was written after the last checkpoint is removed and OutputError names the path, the OS
    error and what to do. A remote DEST, --report or --index (`s3://...`) is written in a local
    scratch folder and uploaded once the run completes (see cleanse.staging).
    """
    if touches_store(config):
        return run_staged(config, lambda local: run_job(local, ruleset))
    try:
        return _run_job(config, ruleset)
    except OSError as exc:
        raise OutputError(describe_write_failure(exc, resumable=False)) from exc


def _run_job(config: JobConfig, ruleset: RuleSet) -> tuple[Stats, Layout]:
    started = time.monotonic()
    layout = plan_layout(config.src, config.dest, config.report)
    if config.resume and (layout.report is None or config.src == STDIN or layout.dest == STDOUT):
        msg = "--resume needs SRC and DEST on disk (not - for stdin or stdout)"
        raise InputError(msg)
    settings = run_settings(config, ruleset)
    read = config.read  # listed once, with the files --include / --exclude choose
    inputs = None if config.src == STDIN else list_inputs(config.src, read.include, read.exclude)
    same_output = fingerprint_settings(settings)
    # Paths as the file system sees them: `out` and `out/` are one DEST.
    same_output |= {k: normalize_path(same_output[k]) for k in ("src", "dest", "index")}
    report = layout.report
    same_output |= {
        "report": normalize_path(str(report) if report else None),
        "mirror": layout.mirror,
    }
    rule_files = [os.path.abspath(name) for name in ruleset.files]
    mark = identify(same_output, rule_files, [_identity_path(f.path) for f in inputs or ()])
    refuse_report_file(layout)  # before it is locked: no lock can be taken in a file
    owner = claim(
        ClaimRequest(
            dest=config.dest, report=report if config.dest != STDOUT else None,
            index=config.index if config.dedup is not None else None, mark=mark,
            resume=config.resume, overwrite=config.overwrite, wait=config.wait,
            refuse_occupied=lambda: refuse_occupied(layout),
        )
    )  # fmt: skip
    try:
        if report is not None:
            report.mkdir(parents=True, exist_ok=True)  # claimed (locked) unless DEST is stdout
        # Opened first: an index built with other settings is refused before any work is done.
        index, scratch = _open_index(config, report, owner)
    except BaseException:
        owner.abandon()
        raise
    owner.begin(
        {"src": config.src, "dest": config.dest, "index": config.index, "fingerprint": mark.digest}
    )
    try:
        stats, writer = _run(
            config, ruleset, layout, inputs, settings, mark, owner, index, scratch, started
        )
    except BaseException as exc:
        owner.interrupted()
        if not isinstance(exc, KeyboardInterrupt) and _interrupt_inside(exc):
            raise KeyboardInterrupt from exc  # Ctrl-C inside compiled code (numba)
        raise
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    owner.completed(report if config.dest != STDOUT else None)
    writer.discard_parts()  # Parquet part folders: kept until the run is recorded as complete
    return stats, layout


def _run(
    config: JobConfig,
    ruleset: RuleSet,
    layout: Layout,
    inputs: list[Any] | None,
    settings: dict[str, Any],
    mark: RunIdentity,
    owner: Claim,
    index: DuplicateIndex | None,
    scratch: Path | None,
    started: float,
) -> tuple[Stats, CorpusWriter]:
    """The stages over every document not done yet, batch after batch, then the report's data."""
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
        if config.annotate:
            stats.extra["duplicates"]["annotate_field"] = config.annotate_field
    done = checkpoint.documents if checkpoint else 0
    every = (
        read_documents(STDIN, config.read) if inputs is None else read_inputs(inputs, config.read)
    )
    progress = RunProgress(config.progress, inputs, dedup=config.dedup is not None)
    writer = _open_writer(layout, config, checkpoint)
    audit = (
        None
        if report is None
        else AuditSink(report, checkpoint.audit_bytes if checkpoint else None)
    )
    counts = StatsSink(stats)
    saved = checkpoint is not None  # whether progress.json holds a checkpoint of this run

    def after_batch(done: int) -> None:
        nonlocal saved
        if report is not None and config.dest != STDOUT:
            with naming_path(report / PROGRESS_FILE):
                _save_checkpoint(report, mark, done, stats, writer, audit, index, owner.run)
            saved = True

    document_stages, batch_stages = build_stages(
        ruleset, config.cleaning, clean=config.clean, workers=config.workers, learned=learned,
        dedup=config.dedup, index=index, annotate=config.annotate,
        annotate_field=config.annotate_field, on_result=counts.add_duplicates,
    )  # fmt: skip
    if batch_stages:
        batch_stages.append(progress.deduplicated_stage)
    runner = Runner(
        [*document_stages, progress.cleaned], batch_stages,
        [CorpusSink(writer), counts, *([audit] if audit else []), progress],
        config.batch_chars, config.batch_docs, after_batch,
    )  # fmt: skip
    try:
        runner.run(every, done)
    except BaseException as exc:
        progress.close(complete=False)
        left = writer.abandon()
        if audit is not None:
            with contextlib.suppress(OSError):
                audit.close()
        runner.close()
        if isinstance(exc, OSError):
            full = out_of_space(exc)
            saved = discard_unfinished(report, left, index, scratch, saved=saved)
            raise OutputError(describe_write_failure(exc, resumable=saved, full=full)) from exc
        raise
    # Completing is redone as a whole by --resume if it is interrupted here: each step repeats.
    if index is not None:
        index.release()  # its arrays in memory: not needed to join the output or draw the report
    give_back()
    writer.close()
    progress.close()
    if report is not None and audit is not None:
        audit.complete()
        summary = stats.to_json() | {
            "settings": settings,
            "seconds": round(time.monotonic() - started, 3),
        }
        write_atomic(
            report / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        )
        # Each report file fsynced with its folder (cleanse.durable); the audit's figures were
        # counted as it was written.
        write_report(report, counted=audit.counted)
    if index is not None:
        index.finish_run()
    return stats, writer


def _open_writer(layout: Layout, config: JobConfig, checkpoint: Checkpoint | None) -> CorpusWriter:
    """The corpus writer: new, or continuing from where the checkpoint left the output."""
    # The writer is chosen per output file by cleanse.formats (format and compression).
    options: dict[str, Any] = {
        "mirror": layout.mirror, "text_field": config.read.text_field, "form": layout.form,
        "output": config.output, "src": config.src,
    }  # fmt: skip
    if checkpoint is None:
        return CorpusWriter(layout.dest, **options)
    return CorpusWriter.resume(layout.dest, checkpoint.writer, **options)


def _interrupt_inside(exc: BaseException) -> bool:
    """Whether `exc` wraps a KeyboardInterrupt (numba turns one into a SystemError)."""
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _open_index(
    config: JobConfig, report: Path | None, owner: Claim
) -> tuple[DuplicateIndex | None, Path | None]:
    """The duplicate index the batches share (see cleanse.dedup_stage.open_index), and the scratch
    folder to remove at the end: without --index, the run's own index in the report folder."""
    if config.dedup is None:
        return None, None
    checkpoint = owner.checkpoint
    segments = checkpoint.index_segments if checkpoint is not None else None
    base = checkpoint.index_base if checkpoint is not None and segments is not None else None
    return open_index(
        config.dedup, config.index or None, owner.run, scratch_in=report,
        segments=segments, base=base,
    )  # fmt: skip


def _save_checkpoint(
    report: Path,
    mark: RunIdentity,
    done: int,
    stats: Stats,
    writer: CorpusWriter,
    audit: AuditSink | None,
    index: DuplicateIndex | None,
    run: str,
) -> None:
    """Make everything up to `done` documents durable, then record it."""
    writer_state = writer.checkpoint()
    audit_bytes = audit.state() if audit is not None else 0
    segments = index.segments if index is not None else None
    base = dict(index.base) if index is not None else None
    Checkpoint(
        mark.digest,
        done,
        stats.state(),
        audit_bytes,
        writer_state,
        segments,
        base,
        run,
        identity=mark.parts,
    ).save(report)


def learn_from(src: str, read: ReadConfig, config: LearnConfig) -> LearnedRules:
    """Learn each site's template lines from every document under SRC (read here, once)."""
    if src == STDIN:
        msg = "learning reads the input before cleaning it; save stdin to a file and give its path"
        raise InputError(msg)
    docs = (d for d in read_documents(src, read) if isinstance(d, Document))
    triples = ((d.id, d.site or "", d.text) for d in docs)
    return learn_boilerplate(triples, config)
