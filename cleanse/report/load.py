"""Read a report folder (summary.json, audit.jsonl) into the figures the HTML report shows.

The audit is streamed once and only bounded samples are kept (a few examples per rule, the first
rejected inputs), so a report of a million documents needs little memory. Whatever is missing or
damaged (no summary, a truncated audit, fields an older version did not write) becomes a note
that the report shows, never an exception.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXAMPLES_PER_RULE = 3
REJECTED_SHOWN = 200
MAX_SOURCES = 200_000  # sources aggregated; past that, new ones are counted under "(others)"
MAX_RULE_SITES = 200_000  # (rule, source) pairs aggregated for the unusual-share flag
OTHERS = "(others)"


@dataclass
class Example:
    """One change a rule made: the document, its input line, the line before and after."""

    doc_id: str
    line: int | None
    before: str
    after: str | None


@dataclass
class RuleFacts:
    """What one rule id did over the run, with the first few examples."""

    stage: str = ""
    hits: int = 0
    chars: int = 0
    lines: int = 0
    docs: int = 0
    examples: list[Example] = field(default_factory=list)
    last_doc: int = -1  # audit line of the last document counted in `docs`


@dataclass
class SourceFacts:
    """Documents and characters of one site or input file."""

    docs: int = 0
    chars_in: int = 0
    chars_out: int = 0
    changed: int = 0
    removed: int = 0
    rejected: int = 0


@dataclass
class Rejection:
    """An input that could not be read as a document."""

    doc_id: str
    reason: str
    path: str
    line: int | None
    error: str


@dataclass
class RunFacts:
    """Everything the report shows, gathered from one report folder."""

    folder: Path
    summary: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    audit_found: bool = False
    audit_lines: int = 0
    bad_lines: list[int] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    rules: dict[str, RuleFacts] = field(default_factory=dict)
    sources: dict[str, SourceFacts] = field(default_factory=dict)
    sizes_known: int = 0  # audit lines that carry the document's input size
    rule_source_chars: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)
    rejected_by: Counter[str] = field(default_factory=Counter)
    removed_by: Counter[str] = field(default_factory=Counter)
    paragraph_clusters: Counter[tuple[str, int]] = field(default_factory=Counter)
    document_clusters: Counter[str] = field(default_factory=Counter)

    @property
    def settings(self) -> dict[str, Any]:
        """The run's settings, or {} when the summary does not have them."""
        found = (self.summary or {}).get("settings")
        return found if isinstance(found, dict) else {}


def load_run(folder: Path, counted: RunFacts | None = None) -> RunFacts:
    """The figures of the run whose report folder is `folder`.

    `counted`: the audit's figures, counted (`count_entry`) while the run wrote every line of it;
    the audit is then not read again, only summary.json.
    """
    facts = RunFacts(folder) if counted is None else counted
    facts.summary = _read_summary(folder / "summary.json", facts.notes)
    audit = folder / "audit.jsonl"
    if counted is not None:
        facts.audit_found = True
        _note_audit_problems(facts)
    elif not audit.is_file():
        facts.notes.append(
            "audit.jsonl is missing: rules, sources, duplicates and rejected inputs are shown "
            "only as far as summary.json counts them"
        )
    else:
        facts.audit_found = True
        for number, entry in iter_audit(audit, facts.bad_lines):
            _count(facts, number, entry)
        _note_audit_problems(facts)
    return facts


def iter_audit(
    path: Path, bad_lines: list[int] | None = None, needles: tuple[bytes, ...] = ()
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, entry) for each well-formed line of an audit; bad line numbers are noted.

    With `needles`, only lines holding one of them are parsed (a fast second pass: one search
    for all of them, a quarter of the time of looking for each in turn).
    """
    holds = re.compile(b"|".join(map(re.escape, needles))).search if needles else None
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if holds is not None and holds(raw) is None:
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                entry = None
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                if bad_lines is not None and raw.strip():
                    bad_lines.append(number)
                continue
            yield number, entry


def _read_summary(path: Path, notes: list[str]) -> dict[str, Any] | None:
    if not path.is_file():
        notes.append(
            "summary.json is missing (the run did not finish?): totals are counted from the audit"
        )
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        notes.append(f"summary.json cannot be read ({exc}): totals are counted from the audit")
        return None
    if not isinstance(data, dict):
        notes.append("summary.json does not hold an object: totals are counted from the audit")
        return None
    return data


def source_of(entry: dict[str, Any]) -> str:
    """The site of a document when known, else its input file."""
    site = entry.get("site")
    if isinstance(site, str) and site:
        return site
    source = entry.get("source") or entry.get("path") or entry["id"]
    return str(source)


def count_entry(facts: RunFacts, entry: dict[str, Any]) -> None:
    """Count the next line of an audit, as `load_run` would read it: `entry` is the dict its JSON
    line encodes (str, int, list and dict values, as `Document.audit` gives them)."""
    _count(facts, facts.audit_lines + 1, entry)


def _count(facts: RunFacts, number: int, entry: dict[str, Any]) -> None:
    facts.audit_lines += 1
    status = str(entry.get("status", "unknown"))
    facts.statuses[status] += 1
    source = source_of(entry)
    if source not in facts.sources and len(facts.sources) >= MAX_SOURCES:
        source = OTHERS
    src = facts.sources.setdefault(source, SourceFacts())
    src.docs += 1
    chars_in = entry.get("chars_in")
    if isinstance(chars_in, int):
        facts.sizes_known += 1
        src.chars_in += chars_in
        src.chars_out += int(entry.get("chars_out") or 0)
    if status == "rejected":
        src.rejected += 1
        _rejected(facts, entry)
        return
    if status == "removed":
        src.removed += 1
        reason = str(entry.get("reason", "unknown"))
        facts.removed_by[reason] += 1
        if reason.startswith("dedup.document") and isinstance(entry.get("duplicate_of"), str):
            facts.document_clusters[entry["duplicate_of"]] += 1
    elif status == "changed":
        src.changed += 1
    changes = entry.get("changes")
    if isinstance(changes, list) and changes:
        _count_changes(facts, number, entry, source, changes)


def _count_changes(
    facts: RunFacts, number: int, entry: dict[str, Any], source: str, changes: list[Any]
) -> None:
    """Count one document's changes. Its changes of one rule are summed first and added to the
    rule's figures once: what a rule's first change in the document decides (a document more, an
    example) is decided there, and the (rule, source) figures are made in the same order."""
    rules = facts.rules
    sums: dict[str, list[int]] = {}  # rule id: [changes, characters removed, lines dropped]
    doc_id: Any = None
    for change in changes:
        if not isinstance(change, dict):
            continue
        if doc_id is None:
            doc_id = entry["id"]  # read where a change is counted, as before
        rule_id = str(change.get("rule", "unknown"))
        found_before, found_after = change.get("before"), change.get("after")
        before = found_before if isinstance(found_before, str) else ""
        after = found_after if isinstance(found_after, str) else None
        removed = len(before) if after is None else max(0, len(before) - len(after))
        rule_sums = sums.get(rule_id)
        if rule_sums is None:  # the rule's first change in this document
            rule_sums = sums[rule_id] = [0, 0, 0]
            rule = rules.get(rule_id)
            if rule is None:  # not setdefault: a RuleFacts per change cost a fifth of the counting
                rule = rules[rule_id] = RuleFacts(stage=str(change.get("stage", "")))
            if rule.last_doc != number:
                rule.docs += 1
                rule.last_doc = number
            # One example per document, so the few shown come from different pages.
            examples = rule.examples
            if len(examples) < EXAMPLES_PER_RULE and all(ex.doc_id != doc_id for ex in examples):
                line = change.get("line")
                examples.append(
                    Example(doc_id, line if isinstance(line, int) else None, before, after)
                )
        rule_sums[0] += 1
        rule_sums[1] += removed
        rule_sums[2] += after is None
        if rule_id.startswith("dedup.paragraph") and isinstance(change.get("duplicate_of"), str):
            where = change.get("duplicate_of_paragraph")
            facts.paragraph_clusters[
                (change["duplicate_of"], where if isinstance(where, int) else -1)
            ] += 1
    by_source = facts.rule_source_chars
    for rule_id, (hits, chars, lines) in sums.items():
        rule = rules[rule_id]
        rule.hits += hits
        rule.chars += chars
        rule.lines += lines
        key = (rule_id, source)
        if key in by_source or len(by_source) < MAX_RULE_SITES:
            by_source[key] += chars


def _rejected(facts: RunFacts, entry: dict[str, Any]) -> None:
    reason = str(entry.get("reason", "unknown"))
    facts.rejected_by[reason] += 1
    if len(facts.rejected) < REJECTED_SHOWN:
        line = entry.get("line") if isinstance(entry.get("line"), int) else None
        path = str(entry.get("path") or entry["id"])
        facts.rejected.append(
            Rejection(entry["id"], reason, path, line, str(entry.get("error") or ""))
        )


def _note_audit_problems(facts: RunFacts) -> None:
    if facts.bad_lines:
        shown = ", ".join(map(str, facts.bad_lines[:5])) + (
            ", …" if len(facts.bad_lines) > 5 else ""
        )
        facts.notes.append(
            f"audit.jsonl has {len(facts.bad_lines):,} line(s) that are not complete JSON "
            f"(line {shown}; a truncated or damaged file?): those documents are not counted here"
        )
    expected = ((facts.summary or {}).get("documents") or {}).get("in")
    if isinstance(expected, int) and expected != facts.audit_lines:
        facts.notes.append(
            f"audit.jsonl describes {facts.audit_lines:,} documents but summary.json counts "
            f"{expected:,}: the figures drawn from the audit cover only part of the run"
        )
    if facts.audit_lines and facts.sizes_known < facts.audit_lines:
        missing = facts.audit_lines - facts.sizes_known
        facts.notes.append(
            f"{missing:,} audit line(s) do not record the document's size (a report folder from an "
            "older version of cleanse): removal rates per source leave those documents out"
        )
