"""A whole run from SRC to DEST: read, clean, (deduplicate), write the corpus and the report.

The CLI commands `run`, `clean` and `dedup` are thin shells around `run_job`; everything a run
decides is in `JobConfig`, so a run can be repeated exactly from its summary.json.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cleanse.clean import CleanConfig
from cleanse.document import Document
from cleanse.dedup import DedupConfig, DuplicateIndex
from cleanse.duplicates import deduplicate
from cleanse.errors import InputError
from cleanse.learn import LearnConfig, LearnedRules, learn_boilerplate
from cleanse.pipeline import clean_documents
from cleanse.readers import STDIN, ReadConfig, read_documents
from cleanse.rules import RuleSet
from cleanse.stats import Stats
from cleanse.writers import STDOUT, CorpusWriter

REPORT_DIRNAME = ".cleanse"


@dataclass(frozen=True, slots=True)
class JobConfig:
    """Where a run reads and writes, and which stages it runs."""

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


def run_job(config: JobConfig, ruleset: RuleSet) -> tuple[Stats, Layout]:
    """Run every configured stage over SRC and write DEST and the report."""
    layout = plan_layout(config.src, config.dest, config.report)
    # Opened first: an index built with other settings is refused before any work is done.
    index = DuplicateIndex.open(Path(config.index), config.dedup) if config.dedup and config.index else None
    docs = _with_progress(read_documents(config.src, config.read), config.progress)
    sizes: deque[int] = deque()  # input sizes, in order: the stages keep the order of documents
    docs = _remember_sizes(docs, sizes)
    stats = Stats()
    if config.clean:
        learned = None
        if config.learn is not None:
            learned = learn_from(config.src, config.read, config.learn)
            stats.extra["learned_rules"] = [
                {"id": r.id, "site": r.site, "example": r.example, "documents": r.documents, "of": r.of}
                for r in learned
            ]
        docs = clean_documents(docs, ruleset, config.cleaning, config.workers, learned)
    if config.dedup is not None:
        docs = iter(_deduplicate(list(docs), config, index, stats))
    writer = CorpusWriter(layout.dest, mirror=layout.mirror, text_field=config.read.text_field)
    audit = _open_audit(layout.report)
    try:
        for doc in docs:
            writer.write(doc)
            stats.add(doc, sizes.popleft())
            if audit is not None:
                audit.write(json.dumps(doc.audit(), ensure_ascii=False) + "\n")
    finally:
        writer.close()
        if audit is not None:
            audit.close()
    if layout.report is not None:
        summary = stats.to_json() | {"settings": _settings(config, ruleset)}
        (layout.report / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return stats, layout


def _deduplicate(
    docs: list[Document], config: JobConfig, index: DuplicateIndex | None, stats: Stats
) -> list[Document]:
    """Run the duplicate stages over every document (they need the whole corpus at once)."""
    assert config.dedup is not None
    if config.progress and sys.stderr.isatty():
        print(f"cleanse: looking for duplicates among {len(docs):,} documents", file=sys.stderr)
    docs, result = deduplicate(
        docs, config.dedup, index=index, workers=config.workers, annotate=config.annotate
    )
    stats.extra["duplicates"] = {**result.clusters, "annotate": config.annotate, "params": result.params}
    return docs


def learn_from(src: str, read: ReadConfig, config: LearnConfig) -> LearnedRules:
    """Learn each site's template lines from every document under SRC (read here, once)."""
    if src == STDIN:
        msg = "learning reads the input before cleaning it; save stdin to a file and give its path"
        raise InputError(msg)
    triples = ((d.id, d.site or "", d.text) for d in read_documents(src, read) if d.removed is None)
    return learn_boilerplate(triples, config)


def _remember_sizes(docs: Iterator[Document], sizes: deque[int]) -> Iterator[Document]:
    for doc in docs:
        sizes.append(len(doc.text))
        yield doc


def _with_progress(docs: Iterator[Document], enabled: bool) -> Iterator[Document]:
    show = enabled and sys.stderr.isatty()
    return iter(tqdm(docs, unit=" docs", disable=not show, file=sys.stderr, dynamic_ncols=True))


def _open_audit(report: Path | None) -> Any:
    if report is None:
        return None
    report.mkdir(parents=True, exist_ok=True)
    return (report / "audit.jsonl").open("w", encoding="utf-8")


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
        "index": config.index,
        "learn": None if config.learn is None else {"min_docs": config.learn.min_docs, "min_share": config.learn.min_share},
    }
