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

    python benchmarks/classify_hash.py --exact [--code /tmp/base]   # a speed change, exactly

`--exact` prints stricter digests over every wcxb-dev page, the readability pages and the first
3,000 lines of the novels (several minutes): each verdict's scores with their key order and
float reprs, the audit entries of the dropped lines, in batches of 1 and 32 under four settings,
and the feature matrices' bytes. Run it on the tree before and after a change and compare.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# `--exact --code TREE` reads the cleanse package of another tree (a base to compare with).
_CODE = sys.argv[sys.argv.index("--code") + 1] if "--code" in sys.argv[:-1] else str(REPO)
sys.path.insert(0, _CODE)
import cleanse.classify  # first, from _CODE: the modules below put this checkout on the path

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


def exact_fingerprints(pages: int = 0, novel_lines: int = 3000) -> dict[str, str]:
    """Digests of every verdict exactly (keep, reason, each score's key and float repr in
    order, `score`) and of the audit entries of the dropped lines (`audit_scores` where the
    tree has it, else the per-verdict `score` and `rounded_scores`, as JSON), in batches of 1
    and 32 with four settings, and of the feature matrices' bytes (`page_features`)."""
    import json

    from cleanse.classify import features, wordscore
    from cleanse.classify.classifier import classify_documents, page_features
    from cleanse.score_rounding import rounded_scores

    try:
        from cleanse.classify.score_table import audit_scores
    except ImportError:  # a tree from before it
        audit_scores = None
    docs = sample(pages, novel_lines)
    settings = {
        "default": ClassifyConfig(),
        "page": ClassifyConfig(mode="page"),
        "rules": ClassifyConfig(use_model=False),
        "threshold-0.3": ClassifyConfig(threshold=0.3),
    }
    out = {}
    for name, cfg in settings.items():
        for batch in (1, 32):
            features.clear_cache()
            wordscore.clear_cache()
            verdicts, audit = hashlib.sha256(), hashlib.sha256()
            for start in range(0, len(docs), batch):
                for page in classify_documents(docs[start : start + batch], cfg):
                    for v in page:
                        row = (v.keep, v.reason, list(v.scores.items()), v.score)
                        verdicts.update(repr(row).encode("utf-8", "surrogatepass"))
                    rows = [i for i, v in enumerate(page) if not v.keep]
                    if audit_scores is not None:
                        entries = audit_scores(page, rows)
                    else:
                        dropped = [page[i] for i in rows]
                        entries = (
                            [v.score for v in dropped],
                            rounded_scores([v.scores for v in dropped]),
                        )
                    audit.update(json.dumps(entries).encode())
            out[f"verdicts {name} batch {batch}"] = verdicts.hexdigest()
            out[f"audit {name} batch {batch}"] = audit.hexdigest()
    features.clear_cache()
    wordscore.clear_cache()
    matrices = hashlib.sha256()
    for lines, lang in docs:
        x, idx, rules, kind = page_features(lines, lang)
        matrices.update(x.tobytes())
        row = (idx, kind, [(r.keep, r.reason, list(r.scores.items())) for r in rules])
        matrices.update(repr(row).encode("utf-8", "surrogatepass"))
    out["matrices"] = matrices.hexdigest()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300, help="first N wcxb-dev pages (0: all)")
    ap.add_argument(
        "--novel-lines", type=int, default=NOVEL_LINES, help="first N lines of each novel (0: all)"
    )
    ap.add_argument(
        "--exact",
        action="store_true",
        help="exact digests of verdicts, audit entries and matrices (every page unless --pages)",
    )
    ap.add_argument("--code", type=Path, default=REPO, help="with --exact: the tree to read")
    args = ap.parse_args(argv)
    if not (WCXB / "index.jsonl").is_file():
        print(f"no {WCXB}/index.jsonl: the sample is read from ../shared", file=sys.stderr)
        return 2
    if args.exact:
        pages = 0 if "--pages" not in sys.argv else args.pages
        print(f"cleanse from {Path(cleanse.__file__).parent.parent}", file=sys.stderr)
        for name, value in exact_fingerprints(pages, 3000).items():
            print(f"{name} {value}")
        return 0
    print(f"cleanse from {Path(cleanse.__file__).parent.parent}", file=sys.stderr)
    for name, value in fingerprints(args.pages, args.novel_lines).items():
        print(f"{name} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
