"""Real near-duplicate sets: every wcxb-dev page through several real HTML-to-text extractors.

Extractions are cached under benchmarks/.cache/dedup-real/ (gitignored; the pages belong to their
publishers and are read in place from ../shared/eval/wcxb-dev). Usage, to fill the cache:
    python benchmarks/dedup_real_data.py [--pages N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

WCXB = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "wcxb-dev"
CACHE = Path(__file__).resolve().parent / ".cache" / "dedup-real"
WORD_RE = re.compile(r"\w+")
BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote", "td", "dd", "dt")


def _trafilatura(html: str, lang: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def _html2text(html: str, lang: str) -> str:
    import html2text

    h = html2text.HTML2Text()  # body_width=78: hard-wrapped lines, Markdown markup
    return h.handle(html)


def _inscriptis(html: str, lang: str) -> str:
    import inscriptis

    return inscriptis.get_text(html)


def _soup(html: str, lang: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text()


def _justext(html: str, lang: str) -> str:
    import justext

    stoplist = {"fr": "French", "es": "Spanish"}.get(lang, "English")
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist(stoplist))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _readability(html: str, lang: str) -> str:
    import lxml.html
    from readability import Document

    tree = lxml.html.fromstring(Document(html).summary(html_partial=True))
    return "\n\n".join(t for el in tree.iter(*BLOCKS) if (t := " ".join(el.text_content().split())))


def _resiliparse(html: str, lang: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return extract_plain_text(HTMLTree.parse(html), main_content=True)


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "trafilatura": _trafilatura,
    "html2text": _html2text,
    "inscriptis": _inscriptis,
    "bs4": _soup,
    "justext": _justext,
    "readability": _readability,
    "resiliparse": _resiliparse,
}


def pages(limit: int | None = None) -> list[dict[str, str]]:
    """The wcxb-dev index rows (id, domain, lang, ...), in id order, the first `limit` of them."""
    path = WCXB / "index.jsonl"
    if not path.exists():
        msg = f"no {path}; the real near-duplicate set reads ../shared/eval/wcxb-dev"
        raise SystemExit(msg)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if (WCXB / "html" / f"{r['id']}.html.gz").exists()]
    return rows[:limit] if limit else rows


def extract_all(
    rows: list[dict[str, str]], verbose: bool = True, only: list[str] | None = None
) -> dict[str, dict[str, str]]:
    """{extractor: {page id: text}}, from the cache, extracting (and caching) what is missing."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, str]] = {}
    for name, fn in EXTRACTORS.items():
        if only and name not in only:
            continue
        path = CACHE / f"{name}.jsonl"
        done: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:  # the last line of an interrupted extraction
                    continue
                done[rec["page"]] = rec["text"]
        todo = [r for r in rows if r["id"] not in done]
        t0 = time.perf_counter()
        if path.exists() and not path.read_bytes().endswith(b"\n"):
            with path.open("a", encoding="utf-8") as fh:
                fh.write("\n")  # close a line an interrupted extraction left open
        with path.open("a", encoding="utf-8") as fh:
            for r in todo:
                html = gzip.decompress((WCXB / "html" / f"{r['id']}.html.gz").read_bytes())
                text = html.decode("utf-8", "replace")
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        got = fn(text, r.get("lang", "en"))
                except Exception as err:  # an extractor that fails on a page gives no copy
                    got = ""
                    print(f"  {name} failed on {r['id']}: {type(err).__name__}", file=sys.stderr)
                done[r["id"]] = got
                fh.write(json.dumps({"page": r["id"], "text": got}, ensure_ascii=False) + "\n")
        if verbose and todo:
            print(f"{name}: {len(todo)} pages in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        out[name] = {r["id"]: done[r["id"]] for r in rows}
    return out


def word_ngrams(text: str, n: int) -> set[str]:
    """The reference shingles: lower-cased `\\w+` tokens of the whole text, word n-grams."""
    words = WORD_RE.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=None, help="first N pages (default: all)")
    parser.add_argument("--only", nargs="+", choices=list(EXTRACTORS), help="these extractors")
    args = parser.parse_args()
    texts = extract_all(pages(args.pages), only=args.only)
    for name, by_page in texts.items():
        size = sum(len(t) for t in by_page.values())
        empty = sum(not t.strip() for t in by_page.values())
        print(f"{name:12s} {len(by_page):5d} pages {size / 1e6:7.1f} MB  empty {empty}")


if __name__ == "__main__":
    main()
