"""Fingerprints of the line classifier on real text, to prove a speed change changes nothing.

    python benchmarks/classify_hash.py [--pages 300]
    python benchmarks/classify_hash.py --pages 0 --novel-lines 0   # every page, whole novels

Prints two SHA-256 digests over a fixed sample of real text: the first `--pages` pages of
../shared/eval/wcxb-dev, every real page of ../shared/eval/readability-pages and the first 2,000
lines of four novels of ../shared/corpora (two French, two English).

- `features`: every field of `line_features` on every non-blank line (with the page's stop words).
  It depends on cleanse/classify/features.py and patterns.py only, not on the fitted model.
- `page-features`: the same fields from `lines_features` over each whole document (the path the
  classifier takes, with its cache and page-wide shortcuts): equal rows, so the same digest.
- `verdicts`: every verdict of `classify_lines` (keep, reason, scores rounded to 6 digits). It
  changes when the model is refitted (weights.json), so it is re-derived with this command then.

tests/classify/test_speed_identical.py holds the digests printed by this command and fails when the
code computes anything else on the sample.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from boilerplate_eval import DEFAULT_DATA, load_pages
from corpus import DEFAULT_CORPORA
from wcxb_eval import WCXB, load_wcxb

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.classifier import _stopwords
from cleanse.classify.features import line_features, lines_features

NOVELS = (
    "eltec-eng/ENG18400_Trollope.txt",
    "eltec-eng/ENG18410_Sinclair.txt",
)
NOVEL_LINES = 2000


def sample(pages: int, novel_lines: int = NOVEL_LINES) -> list[tuple[list[str], str]]:
    """The sample's documents as (lines, language); `pages` 0: every wcxb-dev page,
    `novel_lines` 0: the whole novels."""
    docs = [(p.lines, p.lang) for p in load_wcxb(WCXB, pages or None)]
    docs += [(p.lines, p.lang) for p in load_pages(DEFAULT_DATA)]
    fra = sorted((DEFAULT_CORPORA / "eltec-fra").glob("*.txt"))[:2]
    paths = [DEFAULT_CORPORA / n for n in NOVELS] + fra
    for path in paths:
        lines = path.read_text(encoding="utf-8").split("\n")[: novel_lines or None]
        docs.append((lines, "fr" if "eltec-fra" in str(path) else "en"))
    return docs


def _feature_rows(docs: Sequence[tuple[list[str], str]]) -> Iterator[str]:
    cfg = ClassifyConfig()
    for lines, lang in docs:
        stops = _stopwords(lines, lang, cfg)
        for line in lines:
            s = line.strip()
            yield repr(tuple(line_features(s, stops))) if s else "-"


def _page_feature_rows(docs: Sequence[tuple[list[str], str]]) -> Iterator[str]:
    cfg = ClassifyConfig()
    for lines, lang in docs:
        for f in lines_features(lines, _stopwords(lines, lang, cfg)):
            yield "-" if f is None else repr(tuple(f))


def _verdict_rows(docs: Sequence[tuple[list[str], str]]) -> Iterator[str]:
    for lines, lang in docs:
        for v in classify_lines(lines, lang):
            scores = sorted((k, round(float(x), 6)) for k, x in v.scores.items())
            yield repr((v.keep, v.reason, scores))


def digest(rows: Iterator[str]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(row.encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


def fingerprints(pages: int = 300, novel_lines: int = NOVEL_LINES) -> dict[str, str]:
    """{'features', 'page-features', 'verdicts': sha256} of the sample."""
    docs = sample(pages, novel_lines)
    return {
        "features": digest(_feature_rows(docs)),
        "page-features": digest(_page_feature_rows(docs)),
        "verdicts": digest(_verdict_rows(docs)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300, help="first N wcxb-dev pages (0: all)")
    ap.add_argument(
        "--novel-lines", type=int, default=NOVEL_LINES, help="first N lines of each novel (0: all)"
    )
    args = ap.parse_args(argv)
    if not (WCXB / "index.jsonl").is_file():
        print(f"no {WCXB}/index.jsonl: the sample is read from ../shared", file=sys.stderr)
        return 2
    for name, value in fingerprints(args.pages, args.novel_lines).items():
        print(f"{name} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
