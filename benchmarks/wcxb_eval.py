"""Score what cleanse keeps of real page dumps, per kind of page: ../shared/eval/wcxb-dev (1,337
pages of 7 kinds from 1,295 domains) and ../shared/eval/readability-pages (94 articles).

    python benchmarks/wcxb_eval.py [--system full|classify|all|audit] [--classify auto|page|...]
                                   [--limit N] [--errors N] [--json FILE] [--speed]
                                   [--no-second-pass]

Line precision / recall / F1 with content as the positive class, micro over the lines of each
page type, next to C4-style line rules computed here on the same lines. A page is *gutted* when it
keeps under half of its content characters (pages with no content line are not counted).

Systems: `full` is what `cleanse run` does to a document (ftfy, every built-in pack, language
detection, the classifier; a document removed whole keeps nothing), `classify` the line classifier
alone with the page's labelled language, `c4` the C4 line rules. With `full`, each page's output is
cleaned again and the lines that second pass drops are counted per page type (the classifier
judges a line by its neighbours, so a line kept once can go the second time).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from boilerplate_eval import DEFAULT_DATA, Counts, Page, c4_rules, load_pages

from cleanse.classify import ClassifyConfig, classify_lines, features, wordscore
from cleanse.clean import CleanConfig, Cleaner
from cleanse.document import Document
from cleanse.packs import load_rules
from cleanse.report.load import iter_audit

WCXB = REPO / ".." / "shared" / "eval" / "wcxb-dev"
PAGE_TYPES = ("article", "forum", "listing", "collection", "product", "documentation", "service")
GUTTED_SHARE = 0.5  # a page that keeps less than this share of its content characters is gutted

Keeps = list[list[bool]]


def load_wcxb(data: Path = WCXB, limit: int | None = None) -> list[Page]:
    """The wcxb-dev pages with their labels, page type and domain, in index order."""
    pages = []
    for row in (data / "index.jsonl").read_text(encoding="utf-8").splitlines()[:limit]:
        meta = json.loads(row)
        raw = (data / "docs" / f"{meta['id']}.raw.txt").read_text(encoding="utf-8").split("\n")
        labels = json.loads(
            (data / "docs" / f"{meta['id']}.labels.json").read_text(encoding="utf-8")
        )["labels"]
        if raw and raw[-1] == "" and len(raw) == len(labels) + 1:
            raw = raw[:-1]
        if len(raw) != len(labels):
            msg = f"wcxb-dev {meta['id']}: {len(raw)} lines but {len(labels)} labels"
            raise SystemExit(msg)
        lang = meta["lang"] if meta["lang"] not in ("", "other", None) else "und"
        pages.append(Page(meta["id"], lang, raw, labels, meta["page_type"], meta["domain"]))
    return pages


# --- systems ------------------------------------------------------------------------------------
def full_keeps(
    pages: Sequence[Page], classify: str = "auto", second: Keeps | None = None
) -> Keeps:
    """What `cleanse run` keeps of each page (minus dedup across documents). With `second` (an
    empty list), also clean each page's output again and append there what that second pass
    keeps, aligned with the page's own lines."""
    cleaner = Cleaner(load_rules(), CleanConfig(classify=classify))
    out = []
    for page in pages:
        doc = cleaner.clean(Document.from_text(page.id, "\n".join(page.lines)))
        kept = set(doc.line_numbers) if isinstance(doc, Document) and not doc.removed else set()
        out.append([n in kept for n in range(1, len(page.lines) + 1)])
        if second is not None:
            again = set()
            if isinstance(doc, Document) and doc.removed is None:
                redo = cleaner.clean(Document.from_text(page.id, doc.text))
                if isinstance(redo, Document) and redo.removed is None:
                    # The second pass numbers the first pass's output lines from 1.
                    again = {doc.line_numbers[n - 1] for n in redo.line_numbers}
            second.append([n in again for n in range(1, len(page.lines) + 1)])
    return out


def second_pass_drops(
    pages: Sequence[Page], first: Keeps, second: Keeps
) -> dict[str, tuple[int, int, int]]:
    """Per page type (and 'all'): non-blank lines the first pass kept, lines a second pass over
    its output drops, and how many of those are content."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for page, one, two in zip(pages, first, second, strict=True):
        for line, y, k1, k2 in zip(page.lines, page.labels, one, two, strict=True):
            if not line.strip() or not k1:
                continue
            for key in ("all", page.page_type):
                row = out[key]
                row[0] += 1
                if not k2:
                    row[1] += 1
                    row[2] += bool(y)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def print_second_pass(title: str, drops: dict[str, tuple[int, int, int]]) -> None:
    print(f"\n### {title}: lines dropped by a second pass (cleaning the output again)")
    print("| page type | lines kept by the first pass | dropped by a second pass | of them content |")
    print("|---|---|---|---|")
    for key in ("all", *PAGE_TYPES):
        if key in drops:
            kept, dropped, content = drops[key]
            print(f"| {key} | {kept:,} | {dropped:,} ({100 * dropped / max(kept, 1):.2f} %) "
                  f"| {content:,} |")


def audit_keeps(pages: Sequence[Page], report: Path) -> Keeps:
    """What a finished `cleanse run SRC DEST` kept of each page, read from its audit.jsonl (SRC: a
    folder of the pages' `ID.raw.txt`): lines dropped by any stage, dedup included, and every line
    of a removed document."""
    dropped: dict[str, set[int] | None] = {}
    for _, entry in iter_audit(report / "audit.jsonl"):
        page_id = entry["id"].removesuffix(".raw.txt")
        if entry["status"] in ("removed", "rejected"):
            dropped[page_id] = None
            continue
        lines = {c["line"] for c in entry.get("changes", []) if c.get("after") is None}
        dropped[page_id] = lines
    out = []
    for page in pages:
        gone = dropped.get(page.id, set())
        out.append([gone is not None and n not in gone for n in range(1, len(page.lines) + 1)])
    return out


def classify_keeps(pages: Sequence[Page], config: ClassifyConfig | None = None) -> Keeps:
    return [[v.keep for v in classify_lines(p.lines, p.lang, config)] for p in pages]


def c4_keeps(pages: Sequence[Page]) -> Keeps:
    return [c4_rules(p.lines, p.lang) for p in pages]


# --- scoring ------------------------------------------------------------------------------------
def page_counts(page: Page, keep: Sequence[bool]) -> Counts:
    one = Counts()
    one.add(page.lines, page.labels, keep)
    return one


def is_gutted(counts: Counts) -> bool:
    return counts.content_chars > 0 and counts.chars_kept() < GUTTED_SHARE


def score_by_type(pages: Sequence[Page], keeps: Keeps) -> dict[str, dict[str, float]]:
    """P / R / F1 (micro over lines), pages, gutted pages, per page type and for 'all'."""
    totals: dict[str, Counts] = defaultdict(Counts)
    n_pages: Counter[str] = Counter()
    gutted: Counter[str] = Counter()
    for page, keep in zip(pages, keeps, strict=True):
        one = page_counts(page, keep)
        for key in ("all", page.page_type):
            totals[key].merge(one)
            n_pages[key] += 1
            gutted[key] += is_gutted(one)
    out = {}
    for key in ("all", *PAGE_TYPES, *sorted(set(totals) - {"all", *PAGE_TYPES})):
        if key not in totals:
            continue
        p, r, f = totals[key].prf()
        out[key] = {
            "pages": n_pages[key],
            "P": p,
            "R": r,
            "F1": f,
            "chars": totals[key].chars_kept(),
            "gutted": gutted[key],
        }
    return out


def print_type_table(
    title: str, rows: dict[str, dict[str, float]], c4: dict[str, dict[str, float]] | None
) -> None:
    print(f"\n### {title}")
    print("| page type | pages | P / R / F1 | C4 line rules F1 | chars kept | gutted |")
    print("|---|---|---|---|---|---|")
    for key, m in rows.items():
        c4f = f"{c4[key]['F1']:.3f}" if c4 and key in c4 else "-"
        gut = int(m["gutted"])
        print(
            f"| {key} | {int(m['pages']):,} | {m['P']:.3f} / {m['R']:.3f} / **{m['F1']:.3f}** "
            f"| {c4f} | {m['chars']:.3f} | {gut} ({100 * gut / max(m['pages'], 1):.1f} %) |"
        )


def print_errors(
    pages: Sequence[Page], limit: int, config: ClassifyConfig | None = None
) -> None:
    """The gutted pages, and content lines dropped / boilerplate kept by reason, with examples."""
    dropped: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    examples: list[tuple[str, str, str, str]] = []
    for page in pages:
        verdicts = classify_lines(page.lines, page.lang, config)
        keep = [v.keep for v in verdicts]
        if is_gutted(page_counts(page, keep)):
            print(f"  gutted: {page.id} {page.page_type} {page.domain}")
        for line, y, v in zip(page.lines, page.labels, verdicts, strict=True):
            if y and not v.keep:
                dropped[v.reason] += 1
                if len(examples) < limit:
                    examples.append((page.id, page.page_type, v.reason, line))
            elif v.keep and not y:
                kept[v.reason] += 1
    print("content dropped by reason: " + ", ".join(f"{r} {n}" for r, n in dropped.most_common()))
    print("boilerplate kept by reason: " + ", ".join(f"{r} {n}" for r, n in kept.most_common()))
    for pid, kind, reason, line in examples:
        print(f"  {pid} {kind:<13} {reason:<16} {line[:100]!r}")


def measure_speed(sets: dict[str, list[Page]], repeats: int = 3) -> None:
    """CPU seconds of classify_lines on the raw pages (best of `repeats`, each with empty line
    caches), model and rules."""
    for set_name, pages in sets.items():
        size = sum(len("\n".join(p.lines).encode("utf-8")) for p in pages) / 1e6
        for label, cfg in (("model", ClassifyConfig()), ("rules", ClassifyConfig(use_model=False))):
            best = float("inf")
            for _ in range(repeats):
                features.clear_cache()  # every round starts cold: no line seen before
                wordscore.clear_cache()
                t0 = time.process_time()
                for p in pages:
                    classify_lines(p.lines, p.lang, cfg)
                best = min(best, time.process_time() - t0)
            print(f"speed {set_name} {label}: {size:.1f} MB in {best:.2f} s CPU = "
                  f"{size / best:.2f} MB/s")


def run_system(
    name: str,
    pages: Sequence[Page],
    classify: str,
    audit: Path | None,
    second: Keeps | None = None,
) -> Keeps:
    if name == "audit" and audit is not None:
        return audit_keeps(pages, audit)
    if name == "full":
        return full_keeps(pages, classify, second)
    if name == "classify":
        return classify_keeps(pages, ClassifyConfig(mode=classify))
    return c4_keeps(pages)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wcxb", type=Path, default=WCXB, help="wcxb-dev folder")
    ap.add_argument("--readability", type=Path, default=DEFAULT_DATA, help="readability-pages")
    ap.add_argument("--system", choices=("full", "classify", "all", "audit"), default="full")
    ap.add_argument(
        "--audit", type=Path, default=None, help="with --system audit: DEST/.cleanse of a "
        "`cleanse run` over a folder of wcxb-dev's docs/*.raw.txt (wcxb-dev only)"
    )
    ap.add_argument("--classify", default="auto", help="the classifier's mode (auto, page, ...)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N wcxb pages")
    ap.add_argument("--errors", type=int, default=0, help="show N dropped content lines")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--speed", action="store_true", help="only time classify_lines (CPU)")
    ap.add_argument(
        "--no-second-pass", dest="second_pass", action="store_false",
        help="with --system full: do not clean each output again (the 'lines dropped by a "
        "second pass' figure)",
    )
    args = ap.parse_args(argv)
    if not (args.wcxb / "index.jsonl").is_file():
        print(f"no index.jsonl in {args.wcxb}; pass --wcxb", file=sys.stderr)
        return 2
    sets = {"wcxb-dev": load_wcxb(args.wcxb, args.limit)}
    if (args.readability / "index.jsonl").is_file() and args.system != "audit":
        sets["readability-pages"] = [
            replace(p, page_type="article") for p in load_pages(args.readability)
        ]
    if args.speed:
        measure_speed(sets)
        return 0
    names = ("full", "classify") if args.system == "all" else (args.system,)
    report: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for set_name, pages in sets.items():
        c4 = score_by_type(pages, c4_keeps(pages))
        report[f"{set_name}/c4"] = c4
        for name in names:
            t0 = time.perf_counter()
            second: Keeps | None = [] if name == "full" and args.second_pass else None
            keeps = run_system(name, pages, args.classify, args.audit, second)
            rows = score_by_type(pages, keeps)
            secs = time.perf_counter() - t0
            report[f"{set_name}/{name}"] = rows
            print_type_table(f"{set_name}: cleanse {name} (--classify {args.classify}), "
                             f"{secs:.1f} s", rows, c4)
            if second is not None:
                drops = second_pass_drops(pages, keeps, second)
                print_second_pass(f"{set_name}: cleanse {name}", drops)
                report[f"{set_name}/{name}/second-pass"] = {
                    k: {"kept": v[0], "dropped": v[1], "content_dropped": v[2]}
                    for k, v in drops.items()
                }
    if args.errors:
        print_errors(sets["wcxb-dev"], args.errors, ClassifyConfig(mode=args.classify))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
