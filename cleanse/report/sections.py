"""The report's sections other than duplicates: summary, rules, sources, rejected inputs.

Each function takes the run's figures and returns one <section> of HTML. Long lists are cut to
their largest entries and say how many there are in all.
"""

from __future__ import annotations

import json
from typing import Any

from cleanse.report.diff import removed_line, word_diff
from cleanse.report.html_parts import esc, filter_box, num, pct, table
from cleanse.report.load import RuleFacts, RunFacts, SourceFacts
from cleanse.report.svg import columns, hbars, stacked

RULES_LISTED = 300
RULES_WITH_EXAMPLES = 60
EXAMPLES_OPEN = 4  # the busiest rules' examples are open, the others one click away
SOURCES_LISTED = 500
HEAVY_SHARE = 0.5  # a source that lost at least this share of its text stands out
UNUSUAL_SHARE = 0.2  # a rule that removed this share of one source's text (and far more than
UNUSUAL_FACTOR = 5  # this many times its share of the whole run) is flagged
MIN_FLAGGED_CHARS = 200  # sources smaller than this are too small to call anything unusual
ADVICE = {
    "input.binary": "not text: remove it from SRC, or convert it to .txt/.jsonl first",
    "input.empty": "nothing to clean: remove the empty file or fill it",
    "input.malformed-json": "fix or remove the broken JSON line",
    "input.missing-text": "give the record a text field, or pick the field with --text-field",
    "input.text-not-string": "make the text field a string, or pick the field with --text-field",
    "input.unreadable": "check the file's permissions and links",
    "input.truncated-gzip": "the records before the break were read; fetch the file again",
    "input.not-gzip": "rename the file to .jsonl, or compress it with gzip",
    "input.corrupt-gzip": "fetch or compress the file again",
    "input.cleaning-failed": "a bug in cleanse: please report it with this document",
}


def documents(facts: RunFacts) -> dict[str, int]:
    """Documents in / written / kept / changed / removed / rejected, from the summary or the audit."""
    found = (facts.summary or {}).get("documents")
    if isinstance(found, dict) and all(isinstance(found.get(k), int) for k in ("in", "removed")):
        return {k: int(v) for k, v in found.items() if isinstance(v, int)}
    s = facts.statuses
    kept, changed = s.get("kept", 0), s.get("changed", 0)
    return {
        "in": facts.audit_lines, "written": kept + changed, "kept": kept, "changed": changed,
        "removed": s.get("removed", 0), "rejected": s.get("rejected", 0),
    }  # fmt: skip


def summary_section(facts: RunFacts) -> str:
    """Counts, characters, time, and the settings of the run."""
    docs = documents(facts)
    chars = (facts.summary or {}).get("characters") or {}
    found_in, found_out = chars.get("in"), chars.get("out")
    chars_in = (
        found_in if isinstance(found_in, int) else sum(s.chars_in for s in facts.sources.values())
    )
    chars_out = (
        found_out
        if isinstance(found_out, int)
        else sum(s.chars_out for s in facts.sources.values())
    )
    seconds = (facts.summary or {}).get("seconds")
    took = _duration(seconds) if isinstance(seconds, (int, float)) else "not recorded"
    cards = [
        ("documents in", num(docs.get("in", 0))), ("written", num(docs.get("written", 0))),
        ("changed", num(docs.get("changed", 0))), ("removed", num(docs.get("removed", 0))),
        ("rejected", num(docs.get("rejected", 0))),
        ("characters removed", f"{num(chars_in - chars_out)} ({pct(chars_in - chars_out, chars_in)})"),
        ("time", took),
    ]  # fmt: skip
    html_cards = "".join(
        f'<div class="card" data-card="{esc(k)}"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
        for k, v in cards
    )
    chart = stacked(
        "documents by outcome",
        [
            ("kept as is", docs.get("kept", 0), "s-kept"), ("changed", docs.get("changed", 0), "s-changed"),
            ("removed", docs.get("removed", 0), "s-removed"), ("rejected", docs.get("rejected", 0), "s-rejected"),
        ],
    )  # fmt: skip
    removed_by = (facts.summary or {}).get("removed_by") or dict(facts.removed_by)
    reasons = ""
    if removed_by:
        rows = [
            [(esc(r), None), (num(int(n)), int(n))]
            for r, n in sorted(removed_by.items(), key=lambda kv: -int(kv[1]))
        ]
        reasons = "<h3>Documents removed, by reason</h3>" + table(
            ["reason", "documents"], rows, numeric=[False, True]
        )
    return (
        '<section id="summary"><h2>Summary</h2>'
        f'<div class="cards">{html_cards}</div>{chart}'
        f'<p class="muted">{num(chars_in)} characters read, {num(chars_out)} written.</p>'
        f"{reasons}{_settings(facts.settings)}</section>"
    )


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole >= 3600:
        return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
    if whole >= 60:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{seconds:.1f} s"


def _settings(settings: dict[str, Any]) -> str:
    if not settings:
        return "<h3>Settings</h3><p class=muted>not recorded in summary.json.</p>"
    rows = []
    for key, value in settings.items():
        if key == "dedup_params":
            continue
        shown = _setting(value)
        rows.append([(esc(key), None), (f'<span class="id">{esc(shown)}</span>', None)])
    extra = ""
    if isinstance(settings.get("dedup_params"), dict):
        params = json.dumps(settings["dedup_params"], ensure_ascii=False, indent=1)
        extra = f'<details><summary>duplicate detection parameters</summary><pre class="text">{esc(params)}</pre></details>'
    return "<h3>Settings</h3>" + table(["setting", "value"], rows) + extra


def _setting(value: object) -> str:
    """A setting's value as a reader expects it.

    >>> _setting(None), _setting(True), _setting(["a", "b"]), _setting({"k": 1})
    ('–', 'yes', 'a, b', '{"k": 1}')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _plural(count: int, word: str) -> str:
    """`1 hit`, `2 hits`.

    >>> _plural(1, "hit"), _plural(1200, "change")
    ('1 hit', '1,200 changes')
    """
    return f"{num(count)} {word}{'' if count == 1 else 's'}"


def _rules(facts: RunFacts) -> dict[str, RuleFacts]:
    """Per rule facts from the audit, or from the summary's counts when there is no audit."""
    if facts.audit_found:
        return facts.rules
    out: dict[str, RuleFacts] = {}
    for rule_id, counts in ((facts.summary or {}).get("rules") or {}).items():
        if isinstance(counts, dict):
            out[rule_id] = RuleFacts(
                hits=int(counts.get("changes", 0)), chars=int(counts.get("chars_removed", 0)),
                lines=int(counts.get("lines_removed", 0)), docs=0,
            )  # fmt: skip
    return out


def unusual_shares(facts: RunFacts) -> list[tuple[str, str, float]]:
    """(rule, source, share) where a rule removed an unusual share of one source's text."""
    total_in = sum(s.chars_in for s in facts.sources.values())
    if not total_in:
        return []
    found = []
    for (rule_id, source), chars in facts.rule_source_chars.items():
        src = facts.sources.get(source)
        if rule_id.startswith("dedup.") or src is None or src.chars_in < MIN_FLAGGED_CHARS:
            continue
        share = chars / src.chars_in
        overall = facts.rules[rule_id].chars / total_in if rule_id in facts.rules else 0.0
        if share >= UNUSUAL_SHARE and share >= UNUSUAL_FACTOR * overall:
            found.append((rule_id, source, share))
    return sorted(found, key=lambda f: (-f[2], f[0], f[1]))


def rules_section(facts: RunFacts) -> str:
    """Hits and characters removed per rule id, flagged shares, and examples with a word diff."""
    rules = _rules(facts)
    if not rules:
        return '<section id="rules"><h2>Rules</h2><p>No rule changed anything.</p></section>'
    flagged = unusual_shares(facts)
    flagged_rules = {rule for rule, _, _ in flagged}
    ordered = sorted(rules.items(), key=lambda kv: (-kv[1].chars, -kv[1].hits, kv[0]))
    chart = hbars(
        "characters removed per rule",
        [
            (r, float(f.chars), f"{num(f.chars)} chars, {_plural(f.hits, 'hit')}")
            for r, f in ordered[:15]
        ],
    )
    rows = []
    for rule_id, f in ordered[:RULES_LISTED]:
        badge = (
            '<span class="badge">unusual share of a source</span>'
            if rule_id in flagged_rules
            else ""
        )
        rows.append([
            (f'<span class="id">{esc(rule_id)}</span>{badge}', None), (esc(f.stage), None),
            (num(f.hits), f.hits), (num(f.docs) if facts.audit_found else "–", f.docs),
            (num(f.lines), f.lines), (num(f.chars), f.chars),
        ])  # fmt: skip
    cut = (
        f'<p class="muted">The {RULES_LISTED} rules that removed most are listed, of {num(len(rules))}.</p>'
        if len(rules) > RULES_LISTED
        else ""
    )
    table_html = table(
        ["rule", "stage", "hits", "documents", "lines removed", "characters removed"], rows,
        table_id="rules-table", sortable=True, numeric=[False, False, True, True, True, True],
    )  # fmt: skip
    return (
        '<section id="rules"><h2>Rules</h2>'
        f"<p>{num(sum(f.hits for f in rules.values()))} changes by {num(len(rules))} rules "
        "(dedup.* are the duplicate stages). Click a column to sort.</p>"
        f"{chart}{_flags_html(flagged)}{filter_box('rules-table', 'rules')}{table_html}{cut}"
        f"{_examples(ordered, facts.audit_found)}</section>"
    )


def _flags_html(flagged: list[tuple[str, str, float]]) -> str:
    """One line per rule: how many sources it hit hard, and the worst three."""
    if not flagged:
        return ""
    by_rule: dict[str, list[tuple[str, float]]] = {}
    for rule, source, share in flagged:  # already sorted by share, largest first
        by_rule.setdefault(rule, []).append((source, share))
    ordered = sorted(by_rule.items(), key=lambda kv: (-kv[1][0][1], kv[0]))
    items = "".join(
        f'<li><span class="id">{esc(rule)}</span> in {_plural(len(hits), "source")}: '
        + ", ".join(
            f'<b>{share:.0%}</b> of <span class="id">{esc(source)}</span>'
            for source, share in hits[:3]
        )
        + (", …" if len(hits) > 3 else "")
        + "</li>"
        for rule, hits in ordered[:12]
    )
    more = f"<li>… and {len(ordered) - 12} more rules</li>" if len(ordered) > 12 else ""
    return (
        '<div class="notes" id="unusual-shares"><b>Rules that removed an unusual share of a source</b> '
        f"(at least {UNUSUAL_SHARE:.0%} of its text, {UNUSUAL_FACTOR}× the rule's share of the run): "
        f"check these first.<ul>{items}{more}</ul></div>"
    )


def _examples(ordered: list[tuple[str, RuleFacts]], audit_found: bool) -> str:
    if not audit_found:
        return "<p class=muted>Examples come from audit.jsonl, which is missing.</p>"
    blocks = []
    for rank, (rule_id, f) in enumerate(ordered[:RULES_WITH_EXAMPLES]):
        if not f.examples:
            continue
        shown = []
        for ex in f.examples:
            where = f"{esc(ex.doc_id)}" + (f" line {ex.line}" if ex.line is not None else "")
            if ex.after is None:
                body = f'<div class="text">{removed_line(ex.before)}</div>'
            else:
                before, after = word_diff(ex.before, ex.after)
                body = f'<div class="text">− {before}</div><div class="text">+ {after}</div>'
            shown.append(f'<div class="example"><div class="where">{where}</div>{body}</div>')
        count = f"{len(f.examples)} of {_plural(f.hits, 'change')} shown"
        opened = " open" if rank < EXAMPLES_OPEN else ""
        blocks.append(
            f'<details class="rule-examples" data-rule="{esc(rule_id)}"{opened}><summary>'
            f'<span class="id">{esc(rule_id)}</span> <span class="muted">({count})</span></summary>'
            f"{''.join(shown)}</details>"
        )
    more = len(ordered) - RULES_WITH_EXAMPLES
    tail = (
        f'<p class="muted">Examples of the {RULES_WITH_EXAMPLES} busiest rules; {more} more rules not shown.</p>'
        if more > 0
        else ""
    )
    return "<h3>Examples, before and after</h3>" + "".join(blocks) + tail


def sources_section(facts: RunFacts) -> str:
    """Removal rate per site or input file, sortable, with the heavy losers marked."""
    sources = facts.sources
    if not sources:
        return '<section id="sources"><h2>Sources</h2><p class="muted">No per-source figures: audit.jsonl is missing.</p></section>'
    sized = {name: s for name, s in sources.items() if s.chars_in}
    buckets = [
        ("0–5%", 0.0, 0.05),
        ("5–10%", 0.05, 0.1),
        ("10–20%", 0.1, 0.2),
        ("20–50%", 0.2, 0.5),
        ("50–100%", 0.5, 1.01),
    ]
    hist = [
        (label, sum(1 for s in sized.values() if lo <= 1 - s.chars_out / s.chars_in < hi))
        for label, lo, hi in buckets
    ]
    chart = (
        columns(
            "sources by share of text removed",
            hist,
            "share of the source's text removed",
            "sources",
        )
        if sized
        else ""
    )
    heavy = [n for n, s in sized.items() if 1 - s.chars_out / s.chars_in >= HEAVY_SHARE]

    def rate(s: SourceFacts) -> float:
        return 1 - s.chars_out / s.chars_in if s.chars_in else -1.0

    ordered = sorted(sources.items(), key=lambda kv: (-rate(kv[1]), -kv[1].chars_in, kv[0]))[
        :SOURCES_LISTED
    ]
    rows, classes = [], []
    for name, s in ordered:
        r = rate(s)
        rows.append([
            (f'<span class="id">{esc(name)}</span>', None), (num(s.docs), s.docs),
            (num(s.chars_in) if s.chars_in else "–", s.chars_in), (num(s.chars_in - s.chars_out) if s.chars_in else "–", s.chars_in - s.chars_out),
            (f"{r:.1%}" if r >= 0 else "–", round(r, 5)), (num(s.changed), s.changed), (num(s.removed), s.removed),
            (num(s.rejected), s.rejected),
        ])  # fmt: skip
        classes.append("heavy" if r >= HEAVY_SHARE else "")
    cut = (
        f'<p class="muted">The {SOURCES_LISTED} sources that lost the largest share are listed, of {num(len(sources))}.</p>'
        if len(sources) > SOURCES_LISTED
        else ""
    )
    lead = (
        f"<p>{num(len(sources))} sources (a site when the documents name one, else the input file). "
        f"<b>{num(len(heavy))}</b> lost at least {HEAVY_SHARE:.0%} of their text; they are marked in red.</p>"
    )
    table_html = table(
        ["source", "docs", "chars in", "chars removed", "share removed", "changed", "removed", "rejected"],
        rows, table_id="sources-table", sortable=True, numeric=[False] + [True] * 7, row_classes=classes,
    )  # fmt: skip
    return (
        f'<section id="sources"><h2>Sources</h2>{lead}{chart}{filter_box("sources-table", "sources")}'
        f'<div class="wide">{table_html}</div>{cut}</section>'
    )


def rejected_section(facts: RunFacts) -> str:
    """Inputs that could not be read: path, reason, and what to do."""
    counts = facts.rejected_by or (facts.summary or {}).get("rejected_by") or {}
    if not counts:
        return '<section id="rejected"><h2>Rejected inputs</h2><p>None: every input was read as a document.</p></section>'
    rows = []
    for r in facts.rejected:
        where = r.path + (f", line {r.line}" if r.line is not None else "")
        todo = r.error or ADVICE.get(r.reason, "")
        rows.append(
            [
                (f'<span class="id">{esc(where)}</span>', None),
                (esc(r.reason), None),
                (esc(todo), None),
            ]
        )
    total = sum(int(n) for n in counts.values())
    per_reason = ", ".join(f"{esc(k)} ({num(int(v))})" for k, v in sorted(counts.items()))
    cut = (
        f'<p class="muted">The first {len(rows)} of {num(total)} are listed.</p>'
        if total > len(rows)
        else ""
    )
    listing = (
        table(
            ["input", "reason", "what is wrong and what to do"],
            rows,
            table_id="rejected-table",
            sortable=True,
        )
        if rows
        else ""
    )
    return f'<section id="rejected"><h2>Rejected inputs</h2><p>{num(total)} inputs: {per_reason}.</p>{listing}{cut}</section>'
