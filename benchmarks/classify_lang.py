"""Where the classifier's language guess changes verdicts: the pages of ../shared/eval/wcxb-dev
and readability-pages that reach the classifier without a language it knows, and what it keeps of
them with each guess.

    python benchmarks/classify_lang.py [--limit N] [--show N]

`cleanse run` detects each document's language (cleanse.lang.detect_language over its first
lines); the classifier guesses again only when that answer is `und` (or a code it has no stop
words for). Until 2026-12-01 that second guess was a separate guesser (stop-word shares, the most
frequent language over 20,000 characters); now it is cleanse.lang's over the same sample (a clear
winner among the marker words, else `und`). This
script replays both on every page whose run-time language is `und` and reports, per page type, the
pages whose guess differs and the lines whose verdict changes (content lines by the labels).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from boilerplate_eval import DEFAULT_DATA, load_pages
from wcxb_eval import WCXB, load_wcxb

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.classifier import GUESS_SAMPLE_CHARS
from cleanse.classify.features import WORD_RE
from cleanse.classify.stopwords import STOPWORDS
from cleanse.lang import UNDETERMINED, detect_language


def old_guess(lines: Sequence[str]) -> str:
    """The classifier's former guesser: the language with most stop-word hits, if they make at
    least a fifth of the words of its first 400 non-blank lines (20,000 characters)."""
    sample = " ".join(itertools.islice((x for x in lines if x.strip()), 400))[:20000]
    words = WORD_RE.findall(sample.lower())
    if not words:
        return UNDETERMINED
    counts = {lang: sum(w in table for w in words) for lang, table in STOPWORDS.items()}
    best = max(sorted(counts), key=lambda lang: counts[lang])
    return best if counts[best] / len(words) >= 0.2 else UNDETERMINED


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N wcxb pages")
    ap.add_argument("--show", type=int, default=10, help="list N pages whose guess differs")
    args = ap.parse_args(argv)
    sets = {
        "wcxb-dev": load_wcxb(WCXB, args.limit),
        "readability-pages": [replace(p, page_type="article") for p in load_pages(DEFAULT_DATA)],
    }
    for name, pages in sets.items():
        und = Counter[str]()
        differ = Counter[str]()
        lines_changed = Counter[str]()
        content_lost = Counter[str]()
        content_won = Counter[str]()
        shown = 0
        for page in pages:
            text = "\n".join(page.lines)
            if detect_language(text) != UNDETERMINED:
                continue  # `cleanse run` gives the classifier a language it knows
            und[page.page_type] += 1
            sample = "\n".join(itertools.islice((x for x in page.lines if x.strip()), 400))
            before, after = old_guess(page.lines), detect_language(sample, GUESS_SAMPLE_CHARS)
            if before == after:
                continue
            differ[page.page_type] += 1
            cfg = ClassifyConfig(guess_lang=False)
            old = classify_lines(page.lines, before, cfg)
            new = classify_lines(page.lines, after, cfg)
            for y, a, b in zip(page.labels, old, new, strict=True):
                if a.keep != b.keep:
                    lines_changed[page.page_type] += 1
                    content_lost[page.page_type] += bool(y) and a.keep
                    content_won[page.page_type] += bool(y) and b.keep
            if shown < args.show:
                shown += 1
                print(f"  {name} {page.id} {page.page_type}: {before} -> {after}")
        print(f"\n{name}: pages the classifier gets as `und`, guessed differently, lines changed")
        print("| page type | und pages | guess differs | lines whose verdict changes | content "
              "lines lost / won |")
        print("|---|---|---|---|---|")
        for key in sorted(und):
            print(f"| {key} | {und[key]} | {differ[key]} | {lines_changed[key]} | "
                  f"{content_lost[key]} / {content_won[key]} |")
        print(f"| all | {sum(und.values())} | {sum(differ.values())} | "
              f"{sum(lines_changed.values())} | {sum(content_lost.values())} / "
              f"{sum(content_won.values())} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
