"""Build the word-rank lists in cleanse/data/lexicon/ from the public-domain novels in ../shared/corpora.

The lists back the guard of artifact rules: a repair such as `qquand` -> `quand` is applied only when
the repaired word is frequent and the observed one unknown. Run from the repository root:

    python scripts/build_lexicon.py --corpora ../shared/corpora --top 40000
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

import regex

WORD_RE = regex.compile(r"\p{L}+")
SOURCES = {"fr": "eltec-fra", "en": "eltec-eng"}


# A word written in lower case less often than this (share of its occurrences) is a name: Amy,
# Paris. Names stay out of the lists, so that a guard never "repairs" Aamy into Amy.
MIN_LOWER_SHARE = 0.2


def count_words(folder: Path) -> collections.Counter[str]:
    """Count lower-cased letter runs over every .txt file of a folder, names left out."""
    counts: collections.Counter[str] = collections.Counter()
    lower: collections.Counter[str] = collections.Counter()
    for path in sorted(folder.glob("*.txt")):
        words = WORD_RE.findall(path.read_text(encoding="utf-8"))
        counts.update(word.lower() for word in words)
        lower.update(word for word in words if word.islower())
    return collections.Counter({w: n for w, n in counts.items() if lower[w] >= MIN_LOWER_SHARE * n})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--top", type=int, default=40000)
    parser.add_argument("--out", type=Path, default=Path("cleanse/data/lexicon"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for lang, folder in SOURCES.items():
        counts = count_words(args.corpora / folder)
        # Words seen in at least 3 places only: one-off OCR slips should not enter a lexicon.
        ranked = [w for w, n in counts.most_common() if n >= 3][: args.top]
        header = f"# {lang}: {len(ranked)} words by falling frequency, from {folder} (public domain)\n"
        (args.out / f"{lang}.txt").write_text(header + "\n".join(ranked) + "\n", encoding="utf-8")
        print(lang, len(ranked), "words")


if __name__ == "__main__":
    main()
