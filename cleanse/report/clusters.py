"""The largest duplicate clusters of a run, with the texts needed to show them side by side.

The audit names, for every removed paragraph or document, the kept copy it duplicates and the
similarity. A second pass over the audit collects the members of the largest clusters only; the
kept texts (and removed documents' texts) are read back from the run's SRC when it is still
there (cleanse.report.source_texts), with the audit's own changes applied, so they read as the
run left them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cleanse.readers import ReadConfig
from cleanse.records import escape_line_breakers
from cleanse.report.load import RunFacts, iter_audit
from cleanse.report.source_texts import read_texts

K = TypeVar("K")
CLUSTERS_SHOWN = 12
MEMBERS_SHOWN = 4


@dataclass
class Member:
    """A removed copy: its document, input line (paragraphs), similarity, kind and text."""

    doc_id: str
    line: int | None
    similarity: float | None
    kind: str
    text: str | None


@dataclass
class Cluster:
    """A kept paragraph or document and the copies removed as its duplicates."""

    level: str  # "paragraph" or "document"
    kept_id: str
    kept_line: int | None
    size: int  # members + the kept one
    members: list[Member] = field(default_factory=list)
    kept_text: str | None = None


def largest_clusters(facts: RunFacts) -> tuple[list[Cluster], list[str]]:
    """The largest clusters of each level, filled in; and notes on what could not be shown."""
    notes: list[str] = []
    wanted: dict[tuple[str, str, int], Cluster] = {}
    for (kept, paragraph), count in _top(facts.paragraph_clusters):
        wanted[("paragraph", kept, paragraph)] = Cluster("paragraph", kept, None, count + 1)
    for kept, count in _top(facts.document_clusters):
        wanted[("document", kept, -1)] = Cluster("document", kept, None, count + 1)
    if not wanted:
        return [], notes
    kept_ids = {cluster.kept_id for cluster in wanted.values()}
    entries = _collect(facts.folder / "audit.jsonl", wanted, kept_ids)
    _fill_texts(facts, wanted, entries, notes)
    clusters = sorted(wanted.values(), key=lambda c: (c.level != "paragraph", -c.size, c.kept_id))
    return clusters, notes


def _top(counter: Mapping[K, int]) -> list[tuple[K, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:CLUSTERS_SHOWN]


def _collect(
    audit: Path, wanted: dict[tuple[str, str, int], Cluster], kept_ids: set[str]
) -> dict[str, dict[str, Any]]:
    """Add the first members of the wanted clusters; return the audit entries of the documents
    whose texts are needed (kept documents, removed duplicate documents)."""
    entries: dict[str, dict[str, Any]] = {}
    names = [json.dumps(i, ensure_ascii=False) for i in kept_ids]
    # Every line that adds to a wanted cluster names its kept document (as `duplicate_of`), so
    # the lines holding a kept id are enough, when the audit writes each id as these needles
    # are (`json_line`); else every line with a duplicate decision is read too.
    written_alike = all(escape_line_breakers(name) == name for name in names)
    needles = (*(() if written_alike else (b'"dedup.',)), *(n.encode("utf-8") for n in names))
    for _, entry in iter_audit(audit, None, needles):
        doc_id = entry["id"]
        if doc_id in kept_ids:
            entries[doc_id] = entry
        if str(entry.get("reason", "")).startswith("dedup.document"):
            cluster = wanted.get(("document", str(entry.get("duplicate_of")), -1))
            if cluster is not None and len(cluster.members) < MEMBERS_SHOWN:
                cluster.members.append(_member(entry, None, None))
                entries[doc_id] = entry
        changes = entry.get("changes")
        for change in changes if isinstance(changes, list) else ():
            if not isinstance(change, dict) or not str(change.get("rule", "")).startswith(
                "dedup.paragraph"
            ):
                continue
            where = change.get("duplicate_of_paragraph")
            key = (
                "paragraph",
                str(change.get("duplicate_of")),
                where if isinstance(where, int) else -1,
            )
            cluster = wanted.get(key)
            if cluster is None:
                continue
            if cluster.kept_line is None and isinstance(change.get("duplicate_of_line"), int):
                cluster.kept_line = change["duplicate_of_line"]
            if len(cluster.members) < MEMBERS_SHOWN:
                before = change.get("before")
                cluster.members.append(
                    _member(change, entry["id"], before if isinstance(before, str) else None)
                )
    return entries


def _member(record: dict[str, Any], doc_id: str | None, text: str | None) -> Member:
    similarity = record.get("similarity")
    line = record.get("line")
    return Member(
        doc_id or str(record["id"]),
        line if isinstance(line, int) and doc_id is not None else None,
        float(similarity) if isinstance(similarity, (int, float)) else None,
        str(record.get("kind", "")),
        text,
    )


def _fill_texts(
    facts: RunFacts,
    wanted: dict[tuple[str, str, int], Cluster],
    entries: dict[str, dict[str, Any]],
    notes: list[str],
) -> None:
    """Read the needed documents from SRC and rebuild their cleaned text from the audit."""
    settings = facts.settings
    src = settings.get("src")
    if not isinstance(src, str) or src == "-" or not Path(src).exists():
        where = (
            f"SRC ({src}) is not there any more" if isinstance(src, str) else "SRC is not recorded"
        )
        notes.append(f"the kept copies' texts are not shown: {where}; the removed copies are")
        return
    read = ReadConfig(
        text_field=str(settings.get("text_field") or "text"),
        id_field=str(settings.get("id_field") or "id"),
        include=tuple(settings.get("include") or ()),
        exclude=tuple(settings.get("exclude") or ()),
    )
    places = {doc_id: (entry.get("path"), entry.get("line")) for doc_id, entry in entries.items()}
    originals = read_texts(Path(src), places, read)
    texts = {
        doc_id: rebuild(text, entries[doc_id].get("changes")) for doc_id, text in originals.items()
    }
    for cluster in wanted.values():
        kept = texts.get(cluster.kept_id)
        if cluster.level == "document":
            cluster.kept_text = kept
            for member in cluster.members:
                member.text = texts.get(member.doc_id)
        elif kept is not None and cluster.kept_line is not None:
            cluster.kept_text = _line(
                originals[cluster.kept_id], entries[cluster.kept_id], cluster.kept_line
            )
    missing = sorted(set(entries) - set(originals))
    if missing:
        notes.append(
            f"{len(missing)} document(s) of the shown clusters were not found in SRC: {', '.join(missing[:3])}"
        )


def rebuild(text: str, changes: object) -> str:
    """The text as the run left it: each change's `after` replaces its input line (None drops it).

    >>> rebuild("a\\nb\\nc\\n", [{"line": 2, "after": None}, {"line": 3, "after": "C"}])
    'a\\nC'
    """
    lines: list[str | None] = list(text.removesuffix("\n").split("\n"))
    for change in changes if isinstance(changes, list) else ():
        line = change.get("line") if isinstance(change, dict) else None
        if isinstance(line, int) and 1 <= line <= len(lines):
            after = change.get("after")
            lines[line - 1] = after if isinstance(after, str) else None
    kept = [line for line in lines if line is not None]
    out: list[str] = []
    for line in kept:
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    return "\n".join(out).strip("\n")


def _line(text: str, entry: dict[str, Any], number: int) -> str | None:
    """Input line `number` of a document, as the audit's changes left it."""
    lines = text.removesuffix("\n").split("\n")
    if not 1 <= number <= len(lines):
        return None
    current: str | None = lines[number - 1]
    changes = entry.get("changes")
    for change in changes if isinstance(changes, list) else ():
        if (
            isinstance(change, dict)
            and change.get("line") == number
            and change.get("stage") != "dedup"
        ):
            after = change.get("after")
            current = after if isinstance(after, str) else None
    return current
