"""Small inline SVG charts: labelled horizontal bars and a column histogram.

Every bar carries its label and value as text, so a chart reads without JavaScript, without
hovering, and in a screen reader (each chart has a <title>).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

ROW = 22
LABEL_WIDTH = 280
BAR_WIDTH = 340
VALUE_WIDTH = 260


def hbars(title: str, rows: Sequence[tuple[str, float, str]], css: str = "bar") -> str:
    """One horizontal bar per row: (label, value, value as text); bars scale to the largest.

    >>> "<title>t</title>" in hbars("t", [("a", 1.0, "1")])
    True
    """
    top = max((value for _, value, _ in rows), default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW * len(rows) + 6
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
    ]
    for n, (label, value, shown) in enumerate(rows):
        y = 3 + n * ROW
        length = max(1.0, BAR_WIDTH * value / top) if value else 0.0
        name = label if len(label) <= 40 else label[:39] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{html.escape(name)}</text>'
            f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW - 6}">'
            f"<title>{html.escape(label)}: {html.escape(shown)}</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">{html.escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(title: str, rows: Sequence[tuple[str, int]], x_label: str, y_label: str) -> str:
    """A histogram: one column per (label, count), the count written above each column.

    >>> "cluster size" in columns("sizes", [("2", 5), ("3", 1)], "cluster size", "clusters")
    True
    """
    top = max((count for _, count in rows), default=0) or 1
    col, gap, plot = 56, 10, 150
    width = max(260, 60 + len(rows) * (col + gap))
    height = plot + 70
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
        f'<line class="axis" x1="50" y1="{plot + 20}" x2="{width - 5}" y2="{plot + 20}"/>',
    ]
    for n, (label, count) in enumerate(rows):
        x = 55 + n * (col + gap)
        tall = plot * count / top if count else 0
        y = plot + 20 - tall
        parts.append(
            f'<rect class="bar" x="{x}" y="{y:.1f}" width="{col}" height="{tall:.1f}">'
            f"<title>{html.escape(label)}: {count:,}</title></rect>"
            f'<text x="{x + col / 2}" y="{y - 4:.1f}" text-anchor="middle">{count:,}</text>'
            f'<text x="{x + col / 2}" y="{plot + 36}" text-anchor="middle">{html.escape(label)}</text>'
        )
    parts.append(
        f'<text x="{50 + (width - 50) / 2}" y="{plot + 58}" text-anchor="middle" class="muted">'
        f"{html.escape(x_label)}</text>"
        f'<text x="14" y="{plot / 2 + 20}" text-anchor="middle" class="muted" '
        f'transform="rotate(-90 14 {plot / 2 + 20})">{html.escape(y_label)}</text></svg>'
    )
    return "".join(parts)


def stacked(title: str, parts_in: Sequence[tuple[str, int, str]]) -> str:
    """One bar split into coloured parts (label, count, css class), with a legend below.

    >>> "kept 3" in stacked("docs", [("kept", 3, "s-kept"), ("removed", 1, "s-removed")])
    True
    """
    total = sum(count for _, count, _ in parts_in) or 1
    width, bar = 820, 28
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{bar + 34}" '
        f'viewBox="0 0 {width} {bar + 34}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
    ]
    x = 0.0
    for label, count, css in parts_in:
        length = width * count / total
        if length:
            parts.append(
                f'<rect class="{css}" x="{x:.1f}" y="0" width="{length:.1f}" height="{bar}">'
                f"<title>{html.escape(label)}: {count:,}</title></rect>"
            )
        x += length
    x = 0.0
    for label, count, css in parts_in:
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{bar + 12}" width="12" height="12"/>'
            f'<text x="{x + 16:.1f}" y="{bar + 23}">{html.escape(label)} {count:,}</text>'
        )
        x += 16 + 9 * (len(label) + len(f"{count:,}") + 1) + 18
    parts.append("</svg>")
    return "".join(parts)
