"""The HTML report of a run: one self-contained page built from the report folder alone.

`write_report(folder)` reads `summary.json` and `audit.jsonl` (and, for the texts of the largest
duplicate clusters, the run's SRC when it is still there) and writes `report.html` beside them.
A folder from an older version or a damaged audit gives a partial report that says what is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanse.document import Item, is_live
from cleanse.durable import write_atomic
from cleanse.report.duplicates_section import duplicates_section
from cleanse.report.html_parts import esc, page
from cleanse.report.load import RunFacts, load_run
from cleanse.report.sections import (
    rejected_section,
    rules_section,
    sources_section,
    summary_section,
)

REPORT_NAME = "report.html"
NAV = (
    ("summary", "Summary"), ("rules", "Rules"), ("sources", "Sources"),
    ("duplicates", "Duplicates"), ("rejected", "Rejected inputs"),
)  # fmt: skip

__all__ = ["REPORT_NAME", "audit_fields", "render_report", "write_report"]


def audit_fields(doc: Item, chars_in: int) -> dict[str, Any]:
    """What the report needs in a document's audit line beyond `Document.audit()`: its site,
    URL or input file (to group by source) and its size before and after (for removal rates)."""
    out: dict[str, Any] = {}
    if doc.site:
        out["site"] = doc.site
    url = doc.meta.get("url") if doc.meta else None
    if isinstance(url, str) and url:
        out["url"] = url  # a web record's address (JSONL, Parquet, WET/WARC), to find the page
    # A file name that is not UTF-8 is shown as the reader shows it in ids: `\xe9`.
    source = doc.source.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if source and source != doc.id:
        out["source"] = source
    out["chars_in"] = chars_in
    out["chars_out"] = doc.chars if is_live(doc) else 0
    return out


def render_report(facts: RunFacts) -> str:
    """The report page of a loaded run."""
    dup_html, dup_notes = duplicates_section(facts)
    body = [
        _notes(facts.notes + dup_notes),
        summary_section(facts),
        rules_section(facts),
        sources_section(facts),
        dup_html,
        rejected_section(facts),
    ]
    settings = facts.settings
    src, dest = settings.get("src"), settings.get("dest")
    subtitle = f"{esc(src)} → {esc(dest)}" if src is not None else esc(facts.folder)
    subtitle += f' · report folder <span class="id">{esc(facts.folder)}</span>'
    return page("cleanse report", subtitle, NAV, "".join(body))


def _notes(notes: list[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return f'<div class="notes" id="partial"><h2>This report is partial</h2><ul>{items}</ul></div>'


def write_report(folder: Path, out: Path | None = None, counted: RunFacts | None = None) -> Path:
    """Write the report of the run whose report folder is `folder`; return its path.

    `counted`: the audit's figures counted as it was written (see `load_run`), so that it is not
    read back."""
    target = out if out is not None else folder / REPORT_NAME
    write_atomic(target, render_report(load_run(folder, counted)))
    return target
