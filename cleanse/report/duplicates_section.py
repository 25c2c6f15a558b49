"""The report's Duplicates section: cluster sizes, then the largest clusters side by side.

Each shown cluster names its kept member (the document, and for a paragraph the input line where
the kept copy is), then each removed copy beside the kept one with a word diff and the similarity.
"""

from __future__ import annotations

from typing import Any

from cleanse.report.clusters import Cluster, largest_clusters
from cleanse.report.diff import word_diff
from cleanse.report.html_parts import esc, num
from cleanse.report.load import RunFacts
from cleanse.report.svg import columns

SIZE_BINS = ((2, 2), (3, 3), (4, 4), (5, 9), (10, 99), (100, 10**12))


def size_histogram(sizes: dict[int, int]) -> list[tuple[str, int]]:
    """Clusters per size bin.

    >>> size_histogram({2: 5, 4: 1, 12: 2})
    [('2', 5), ('3', 0), ('4', 1), ('5–9', 0), ('10–99', 2), ('100+', 0)]
    """
    out = []
    for lo, hi in SIZE_BINS:
        label = str(lo) if lo == hi else (f"{lo}+" if hi >= 10**12 else f"{lo}–{hi}")
        out.append((label, sum(n for size, n in sizes.items() if lo <= size <= hi)))
    return out


def _sizes(facts: RunFacts, level: str) -> dict[int, int]:
    """Cluster sizes of one level: from the summary, else counted from the audit."""
    block = ((facts.summary or {}).get("duplicates") or {}).get(level)
    if isinstance(block, dict) and isinstance(block.get("cluster_sizes"), dict):
        return {int(k): int(v) for k, v in block["cluster_sizes"].items() if str(k).isdigit()}
    counter: Any = facts.paragraph_clusters if level == "paragraph" else facts.document_clusters
    sizes: dict[int, int] = {}
    for members in counter.values():
        sizes[members + 1] = sizes.get(members + 1, 0) + 1
    return sizes


def duplicates_section(facts: RunFacts) -> tuple[str, list[str]]:
    """The section's HTML, and notes on what could not be shown."""
    dups = (facts.summary or {}).get("duplicates")
    settings = facts.settings
    if (
        settings.get("dedup") is False
        and not facts.paragraph_clusters
        and not facts.document_clusters
    ):
        return (
            '<section id="duplicates"><h2>Duplicates</h2><p>The duplicate stages did not run.</p></section>',
            [],
        )
    parts = ['<section id="duplicates"><h2>Duplicates</h2>']
    if isinstance(dups, dict) and isinstance(dups.get("params"), dict):
        p = dups["params"]
        parts.append(
            f"<p>Near duplicates: Jaccard similarity of word {esc(p.get('word_ngram'))}-grams at least "
            f"{esc(p.get('threshold'))}; the {esc(p.get('keep'))} copy of each cluster is kept.</p>"
        )
    for level, label in (("paragraph", "Paragraphs"), ("document", "Documents")):
        sizes = _sizes(facts, level)
        clusters = sum(sizes.values())
        removed = sum((size - 1) * n for size, n in sizes.items())
        if not clusters:
            parts.append(f"<h3>{label}</h3><p>No duplicate {level}s.</p>")
            continue
        parts.append(
            f"<h3>{label}: {num(removed)} {'copy' if removed == 1 else 'copies'} removed in "
            f"{num(clusters)} cluster{'' if clusters == 1 else 's'}</h3>"
            + columns(
                f"{level} clusters by size",
                size_histogram(sizes),
                "cluster size (kept + removed copies)",
                "clusters",
            )
        )
    largest, notes = largest_clusters(facts) if facts.audit_found else ([], [])
    if largest:
        total = len(facts.paragraph_clusters) + len(facts.document_clusters)
        parts.append(
            f"<h3>Largest clusters</h3><p class=muted>{len(largest)} of {num(total)} clusters shown, the largest of each level first.</p>"
        )
        parts.extend(_cluster(c) for c in largest)
    parts.append("</section>")
    return "".join(parts), notes


def _where(doc_id: str, line: int | None) -> str:
    return f'<span class="id">{esc(doc_id)}</span>' + (f" line {line}" if line is not None else "")


def _cluster(cluster: Cluster) -> str:
    kind = "paragraph" if cluster.level == "paragraph" else "document"
    head = (
        f'<div class="cluster" data-level="{kind}" data-kept="{esc(cluster.kept_id)}">'
        f"<h4>{kind.capitalize()} cluster of {num(cluster.size)}: kept {_where(cluster.kept_id, cluster.kept_line)}</h4>"
    )
    kept = cluster.kept_text
    if kept is not None and not any(m.text is not None for m in cluster.members):
        head += f'<div class="kept text">{esc(kept)}</div>'
    rows = []
    for m in cluster.members:
        similarity = f"{m.similarity:.2f}" if m.similarity is not None else "?"
        badge = f'<span class="badge sim" data-similarity="{esc(similarity)}">similarity {similarity} ({esc(m.kind)})</span>'
        title = f"removed copy: {_where(m.doc_id, m.line)} {badge}"
        if kept is not None and m.text is not None:
            left, right = word_diff(kept, m.text)
            rows.append(
                f'<div class="pair"><div><h4>kept: {_where(cluster.kept_id, cluster.kept_line)}</h4>'
                f'<div class="text kept-copy">{left}</div></div><div><h4>{title}</h4><div class="text">{right}</div></div></div>'
            )
        else:
            text = (
                esc(m.text)
                if m.text is not None
                else '<span class="muted">text not available</span>'
            )
            rows.append(
                f'<div class="example"><div>{title}</div><div class="text">{text}</div></div>'
            )
    more = cluster.size - 1 - len(cluster.members)
    tail = f'<p class="muted">… and {num(more)} more removed copies.</p>' if more > 0 else ""
    return head + "".join(rows) + tail + "</div>"
