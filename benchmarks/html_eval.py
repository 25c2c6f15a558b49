"""Line F1 of cleanse reading HTML (trafilatura's extraction, then cleanse's rules and classifier)
against trafilatura alone, per page type, on ../shared/eval/wcxb-dev (1,337 real pages, 7 kinds).

    python benchmarks/html_eval.py [--limit N] [--json FILE]

Both systems read each page's `html/ID.html.gz` the same way: `trafilatura alone` is the text
cleanse's HTML reader extracts (cleanse.formats.html: trafilatura's defaults), `cleanse` is the
document `cleanse clean` makes of that file (read through the format registry, then ftfy, every
built-in pack, language detection and the line classifier; no dedup across pages).

Scoring reuses wcxb_eval.py's: precision / recall / F1 of content lines, micro over the lines of
each page type, against the labelled lines of the page's naive scrape (`docs/ID.raw.txt` and
`ID.labels.json`). An extraction keeps a scraped line when the line (whitespace collapsed) is a
line of the extraction, or, for a line of 3 words or more, occurs within it (extractors join or
split blocks differently than the naive scrape); a scraped line with mojibake also counts as kept
in its repaired form (ftfy, as cleanse repairs it). The same mapping is used for both systems.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from boilerplate_eval import Page
from wcxb_eval import WCXB, load_wcxb, score_by_type

from cleanse.clean import CleanConfig, Cleaner
from cleanse.fix import fix_line
from cleanse.formats.html import extract_text
from cleanse.packs import load_rules
from cleanse.readers import read_documents

SPACE_RE = re.compile(r"\s+")
LONG_LINE_WORDS = 3  # a scraped line this long may be found inside an extracted line


def _norm(line: str) -> str:
    return SPACE_RE.sub(" ", line).strip()


def keeps_of(page: Page, text: str) -> list[bool]:
    """Which of the page's scraped lines an extracted text keeps: as scraped, or with its
    mojibake repaired (the scrape holds `360Â°` where cleanse writes `360°`)."""
    lines = {_norm(line) for line in text.split("\n")}
    joined = "\n".join(lines)
    keep = []
    for raw in page.lines:
        found = False
        for form in dict.fromkeys((raw, fix_line(raw)[0])):
            norm = _norm(form)
            found = found or bool(norm) and (
                norm in lines or (len(norm.split()) >= LONG_LINE_WORDS and norm in joined)
            )
        keep.append(found)
    return keep


def extract_both(pages: Sequence[Page]) -> tuple[list[str], list[str], dict[str, float]]:
    """trafilatura's text and cleanse's cleaned document for each page, and the seconds each took."""
    cleaner = Cleaner(load_rules(), CleanConfig())
    alone, cleaned = [], []
    seconds = {"trafilatura": 0.0, "cleanse": 0.0}
    for page in pages:
        path = WCXB / "html" / f"{page.id}.html.gz"
        start = time.perf_counter()
        alone.append(extract_text(gzip.decompress(path.read_bytes())) or "")
        seconds["trafilatura"] += time.perf_counter() - start
        start = time.perf_counter()
        [doc] = list(read_documents(path))
        if doc.removed is None:
            doc = cleaner.clean(doc)
        cleaned.append("" if doc.removed is not None else doc.text)
        seconds["cleanse"] += time.perf_counter() - start
    return alone, cleaned, seconds


def print_table(title: str, rows: dict[str, dict[str, float]], base: dict[str, dict[str, float]] | None) -> None:
    print(f"\n### {title}")
    print("| page type | pages | P / R / F1 | F1 vs trafilatura alone | chars kept | gutted |")
    print("|---|---|---|---|---|---|")
    for key, m in rows.items():
        delta = f"{m['F1'] - base[key]['F1']:+.3f}" if base else "-"
        gut = int(m["gutted"])
        print(
            f"| {key} | {int(m['pages']):,} | {m['P']:.3f} / {m['R']:.3f} / **{m['F1']:.3f}** "
            f"| {delta} | {m['chars']:.3f} | {gut} ({100 * gut / max(m['pages'], 1):.1f} %) |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N pages of the index")
    parser.add_argument("--json", type=Path, help="write the tables here")
    args = parser.parse_args(argv)
    if not (WCXB / "index.jsonl").exists():
        print(f"{WCXB} is not there; this benchmark reads ../shared/eval/wcxb-dev", file=sys.stderr)
        return 1
    pages = [p for p in load_wcxb(limit=args.limit) if (WCXB / "html" / f"{p.id}.html.gz").exists()]
    alone, cleaned, seconds = extract_both(pages)
    base = score_by_type(pages, [keeps_of(p, t) for p, t in zip(pages, alone, strict=True)])
    ours = score_by_type(pages, [keeps_of(p, t) for p, t in zip(pages, cleaned, strict=True)])
    print_table("trafilatura alone (cleanse.formats.html's extraction)", base, None)
    print_table("cleanse from HTML (extraction, then rules and classifier)", ours, base)
    print(
        f"\n{len(pages)} pages; trafilatura {seconds['trafilatura']:.0f} s, "
        f"cleanse (extraction + cleaning) {seconds['cleanse']:.0f} s"
    )
    if args.json:
        args.json.write_text(json.dumps({"trafilatura": base, "cleanse": ours}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
