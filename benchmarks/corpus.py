"""Load real text from ../shared/corpora for benchmarks (never copied into the repository).

Documents are runs of consecutive paragraphs of the public-domain novels, joined by blank lines the
way extracted articles are, alternating French and English files so both languages are measured.
"""

from __future__ import annotations

import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"


def corpus_files(corpora: Path = DEFAULT_CORPORA) -> list[Path]:
    """French and English novel files, interleaved, in a fixed order."""
    fra = sorted((corpora / "eltec-fra").glob("*.txt"))
    eng = sorted((corpora / "eltec-eng").glob("*.txt"))
    if not fra and not eng:
        msg = f"no corpora under {corpora}; pass --corpora"
        raise SystemExit(msg)
    return [p for pair in itertools.zip_longest(fra, eng) for p in pair if p is not None]


def load_documents(megabytes: float, corpora: Path = DEFAULT_CORPORA, paragraphs: int = 40) -> list[str]:
    """About `megabytes` MB (UTF-8) of documents of `paragraphs` paragraphs each."""
    budget = int(megabytes * 1_000_000)
    docs: list[str] = []
    size = 0
    for path in corpus_files(corpora):
        lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        for start in range(0, len(lines), paragraphs):
            doc = "\n\n".join(lines[start : start + paragraphs])
            docs.append(doc)
            size += len(doc.encode("utf-8"))
            if size >= budget:
                return docs
    return docs


def megabytes(docs: list[str]) -> float:
    """Size of the documents in MB of UTF-8."""
    return sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
