"""Line F1 of cleanse reading HTML (trafilatura's extraction, then cleanse's rules and classifier)
against trafilatura alone, per page type, on ../shared/eval/wcxb-dev (1,337 real pages, 7 kinds).

    python benchmarks/html_eval.py [--limit N] [--json FILE] [--extractions FILE]

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
from cleanse.document import Document, Rejected
from cleanse.fix import fix_line
from cleanse.formats.html import EXTRACTED_HTML, NO_TEXT, extract_text
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
            found = found or (bool(norm) and (
                norm in lines or (len(norm.split()) >= LONG_LINE_WORDS and norm in joined)
            ))
        keep.append(found)
    return keep


def cached_extractions(path: Path) -> dict[str, str]:
    """Page id -> trafilatura's text, from an earlier run's --extractions file."""
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {row["id"]: row["text"] for row in rows}


def extract_both(
    pages: Sequence[Page], cache: Path | None = None
) -> tuple[list[str], list[str], dict[str, float]]:
    """trafilatura's text and cleanse's cleaned document for each page, and the seconds each took.

    `cache`: trafilatura's texts are read from this JSON lines file when it has them (else
    extracted and added to it), and cleanse cleans the cached text as its HTML reader hands it
    over (flag extracted-html) instead of extracting the page again."""
    cleaner = Cleaner(load_rules(), CleanConfig())
    known = cached_extractions(cache) if cache else {}
    alone, cleaned = [], []
    seconds = {"trafilatura": 0.0, "cleanse": 0.0}
    for page in pages:
        path = WCXB / "html" / f"{page.id}.html.gz"
        start = time.perf_counter()
        text = known.get(page.id)
        if text is None:
            text = extract_text(gzip.decompress(path.read_bytes())) or ""
            if cache:
                with cache.open("a", encoding="utf-8") as out:
                    out.write(json.dumps({"id": page.id, "text": text}) + "\n")
        alone.append(text)
        seconds["trafilatura"] += time.perf_counter() - start
        start = time.perf_counter()
        if cache is None:
            [doc] = list(read_documents(path))
        elif text:
            doc = Document.from_text(str(path), text, flags=(EXTRACTED_HTML,))
        else:
            doc = Rejected(str(path), NO_TEXT, {})
        if isinstance(doc, Document) and doc.removed is None:
            doc = cleaner.clean(doc)
        cleaned.append(doc.text if isinstance(doc, Document) and doc.removed is None else "")
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
    parser.add_argument(
        "--extractions", type=Path, help="keep trafilatura's texts in this JSON lines file and reuse them"
    )
    args = parser.parse_args(argv)
    if not (WCXB / "index.jsonl").exists():
        print(f"{WCXB} is not there; this benchmark reads ../shared/eval/wcxb-dev", file=sys.stderr)
        return 1
    pages = [p for p in load_wcxb(limit=args.limit) if (WCXB / "html" / f"{p.id}.html.gz").exists()]
    alone, cleaned, seconds = extract_both(pages, args.extractions)
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
