"""Shared helpers of the dedup benchmarks: read ../shared/corpora, seeded edits, true Jaccard.

The corpora are read in place (never copied into the repository).
"""

from __future__ import annotations

import random
from pathlib import Path

from cleanse.dedup.shingles import shingles
from cleanse.dedup.stream import document_stream

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def read_novels(
    mb: float, langs: tuple[str, ...] = ("eltec-fra", "eltec-eng")
) -> list[tuple[str, list[str]]]:
    """Novels as documents (one paragraph per line) until `mb` megabytes of UTF-8 are read."""
    docs: list[tuple[str, list[str]]] = []
    size = 0
    files = [p for lang in langs for p in sorted((CORPORA / lang).glob("*.txt"))]
    if not files:
        msg = f"no corpus files under {CORPORA}; see benchmarks/README.md"
        raise SystemExit(msg)
    for path in files:
        text = path.read_text(encoding="utf-8")
        size += len(text.encode("utf-8"))
        docs.append(
            (f"{path.parent.name}/{path.name}", [line for line in text.split("\n") if line.strip()])
        )
        if size >= mb * 1e6:
            break
    return docs


def edit(rng: random.Random, text: str, rate: float) -> str:
    """Word edits at `rate`: substitutions, deletions and insertions in equal parts, seeded."""
    words = text.split()
    out = []
    for word in words:
        r = rng.random()
        if r < rate / 3:
            out.append(f"x{rng.randrange(10**6)}")  # substituted
        elif r < 2 * rate / 3:
            continue  # deleted
        elif r < rate:
            out.extend([word, f"y{rng.randrange(10**6)}"])  # inserted after
        else:
            out.append(word)
    return " ".join(out)


def noise(rng: random.Random, text: str) -> str:
    """Case, punctuation and whitespace noise: invisible to the normalised form."""
    text = text.upper() if rng.random() < 0.5 else text
    return "  " + text.replace(" ", rng.choice(["  ", " \t", " "])).replace(",", " ;") + " !"


def shingle_set(paragraphs: list[str]) -> set[bytes]:
    """Reference shingle set (pure Python) of a paragraph or document: its whole token stream."""
    return set(shingles(document_stream(paragraphs)))


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0
