"""HTML building blocks shared by the report's sections: escaping, numbers, tables, the page.

Everything that comes from the corpus or the audit goes through `esc`; the page carries a
Content-Security-Policy that allows no network access and only the report's own script (by its
hash), so even a missed escape could not load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence

# Sorting and filtering of tables, nothing else: a click on a column header sorts by it (numbers
# by their data-v value), typing in a table's filter box hides the rows that do not contain it.
SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.from(body.rows);
      var down = th.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      function key(row) {
        var cell = row.cells[col], v = cell.getAttribute("data-v");
        return v === null ? cell.textContent.toLowerCase() : parseFloat(v);
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), c = x < y ? -1 : x > y ? 1 : 0;
        return down ? -c : c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.querySelectorAll("input.filter").forEach(function (box) {
  var table = document.getElementById(box.getAttribute("data-table"));
  box.addEventListener("input", function () {
    var needle = box.value.toLowerCase();
    Array.from(table.tBodies[0].rows).forEach(function (row) {
      row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });
});
"""

STYLE = """
:root { --ink:#1d2430; --muted:#5b6675; --line:#d9dee5; --bg:#f6f7f9; --accent:#2f6fb2;
  --del:#fbe1e1; --del-ink:#8a1c1c; --ins:#dcf3e2; --ins-ink:#145a2a; --warn:#fff4d6; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color:var(--ink); background:var(--bg); }
header { background:#1f2d3d; color:#fff; padding:18px 32px; }
header h1 { margin:0; font-size:22px; } header p { margin:4px 0 0; color:#c8d3df; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; position:sticky; top:0; z-index:1; }
nav a { margin-right:18px; color:var(--accent); text-decoration:none; font-weight:600; }
main { max-width:1180px; margin:0 auto; padding:8px 32px 48px; }
section { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 24px 20px; margin:20px 0; }
h2 { font-size:19px; border-bottom:2px solid var(--line); padding-bottom:6px; }
h3 { font-size:16px; margin:22px 0 8px; }
.muted, .note-small { color:var(--muted); font-size:13px; }
.notes { background:var(--warn); border:1px solid #e6c86e; border-radius:6px; padding:10px 18px; margin:20px 0; }
.notes h2 { border:0; margin:4px 0; padding:0; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:12px 0; }
.card { border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:130px; }
.card b { display:block; font-size:22px; } .card span { color:var(--muted); font-size:13px; }
table { border-collapse:collapse; width:100%; margin:8px 0; font-size:14px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f5; white-space:nowrap; }
table.sortable th { cursor:pointer; } table.sortable th:after { content:" \\2195"; color:#9aa5b3; }
.wide { overflow-x:auto; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
td.id { font-family:ui-monospace, Menlo, Consolas, monospace; font-size:13px; word-break:break-all; }
tr.heavy td { background:#fde8e8; } tr.heavy td:first-child { border-left:4px solid #c62828; }
.badge { display:inline-block; font-size:12px; border-radius:10px; padding:0 8px; margin-left:6px;
  background:#fde8e8; color:#8a1c1c; border:1px solid #f1b5b5; white-space:nowrap; }
.badge.sim { background:#e7f0fb; color:#1f4f86; border-color:#b8d0ee; }
del { background:var(--del); color:var(--del-ink); text-decoration:line-through; text-decoration-color:#d77; }
ins { background:var(--ins); color:var(--ins-ink); text-decoration:none; }
.cut { color:var(--muted); }
.dropped { background:var(--del); color:var(--del-ink); }
.dropped:before { content:"removed line: "; font-size:12px; font-weight:600; }
.example { border-left:3px solid var(--line); margin:8px 0 12px; padding:2px 12px; }
.example .where { font-size:12px; color:var(--muted); font-family:ui-monospace, Menlo, monospace; }
.text { white-space:pre-wrap; overflow-wrap:anywhere; font-size:14px; }
.pair { display:grid; grid-template-columns:1fr 1fr; gap:12px; margin:8px 0 16px; }
.pair > div { border:1px solid var(--line); border-radius:6px; padding:8px 12px; background:#fbfcfd;
  max-height:320px; overflow:auto; }
.pair h4 { margin:0 0 6px; font-size:13px; color:var(--muted); font-weight:600; }
.cluster { border-top:1px solid var(--line); padding-top:6px; margin-top:14px; }
.kept { border:1px solid #b8d0ee; background:#f3f8fe; border-radius:6px; padding:8px 12px; }
details > summary { cursor:pointer; color:var(--accent); margin:6px 0; }
input.filter { padding:5px 8px; width:320px; border:1px solid var(--line); border-radius:4px; }
svg.chart { display:block; max-width:100%; height:auto; margin:8px 0; font-size:12px; }
svg.chart text { fill:var(--ink); } svg.chart .muted { fill:var(--muted); }
svg.chart .bar { fill:#5b8fd0; } svg.chart .bar-warn { fill:#d9534f; } svg.chart .axis { stroke:#9aa5b3; }
.s-kept { fill:#8fb8e6; } .s-changed { fill:#5b8fd0; } .s-removed { fill:#e39b52; } .s-rejected { fill:#c62828; }
"""


def esc(value: object) -> str:
    """Any value as HTML text (quotes too, so it is safe in attributes).

    >>> esc("<script>alert('x')</script>")
    '&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;'
    """
    return html.escape(str(value), quote=True)


def num(value: int | float) -> str:
    """A count with thousands separators, or a float with one decimal.

    >>> num(1234567), num(2.345)
    ('1,234,567', '2.3')
    """
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def pct(part: float, whole: float) -> str:
    """A share as a percentage with one decimal (a dash when the whole is zero).

    >>> pct(1, 8), pct(1, 0)
    ('12.5%', '–')
    """
    return f"{100 * part / whole:.1f}%" if whole else "–"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[tuple[str, float | None]]],
    *,
    table_id: str = "",
    sortable: bool = False,
    numeric: Sequence[bool] = (),
    row_classes: Sequence[str] = (),
) -> str:
    """A table; each cell is (HTML, sort value or None for text sorting)."""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    css = ' class="sortable"' if sortable else ""
    is_num = list(numeric) + [False] * (len(headers) - len(numeric))
    num_attr = ' class="n"'
    head = "".join(
        f"<th{num_attr if n else ''}>{esc(h)}</th>" for h, n in zip(headers, is_num, strict=True)
    )
    body = []
    for i, row in enumerate(rows):
        cls = row_classes[i] if i < len(row_classes) and row_classes[i] else ""
        cells = []
        for (cell, sort_value), n in zip(row, is_num, strict=True):
            attrs = f' data-v="{sort_value}"' if sort_value is not None else ""
            attrs += ' class="n"' if n else ""
            cells.append(f"<td{attrs}>{cell}</td>")
        row_attr = f' class="{esc(cls)}"' if cls else ""
        body.append(f"<tr{row_attr}>{''.join(cells)}</tr>")
    return (
        f"<table{ident}{css}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def filter_box(table_id: str, what: str) -> str:
    """A text box that filters the rows of a table (works once scripts run; harmless without)."""
    return f'<p><input class="filter" type="search" data-table="{esc(table_id)}" placeholder="filter {esc(what)}…"></p>'


def page(title: str, subtitle: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    """The whole self-contained document: style, content and the sorting script inline."""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    policy = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    links = "".join(f'<a href="#{esc(anchor)}">{esc(label)}</a>' for anchor, label in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{subtitle}</p></header>"
        f"<nav>{links}</nav><main>{body}</main>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
