"""DedupConfig: every setting of the duplicate stages, frozen and validated on construction.

`index_params()` is the subset that shapes signatures and band keys; a persistent index records
it and refuses a run whose values differ.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from cleanse.dedup.bands import candidate_probability, choose_bands
from cleanse.dedup.normalize import NORMALIZATION
from cleanse.errors import ConfigError

#: The field `--annotate` adds to every record, unless `--annotate-field` names another.
ANNOTATION = "duplicate"
Level = Literal["both", "paragraph", "document"]
Keep = Literal["first", "longest", "none"]

#: How our signatures map onto datasketch: MinHash(num_perm, seed, scheme="affine32",
#: hashfunc=cleanse.dedup.shingles.shingle_hash32) updated with cleanse.dedup.shingles.shingles().
SCHEME = "datasketch-2 affine32: fmix32(h), a*h+b mod 2**32, (a, b) from numpy RandomState(seed)"
TOKEN_HASH = "cleanse-shingle-1: fnv1a64 tokens, xor-multiply chain, fmix64, high 32 bits"


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings of the duplicate stages.

    threshold: Jaccard similarity of shingle sets at or above which two texts are duplicates.
      0.8 on word 5-grams is about 2 % of words changed, or a tenth of a text added or cut.
    recall: the chance that an LSH picks a pair exactly at the threshold (higher pairs: more).
    min_paragraph_words: shorter paragraphs are never paragraph duplicates (headings, "Source
      link", dialogue lines such as "Yes." repeat legitimately and are the cleaning rules' job).
    short_words: paragraphs with fewer tokens are shingled by characters, not words.
    """

    threshold: float = 0.8
    num_perm: int = 128
    level: Level = "both"
    keep: Keep = "first"
    seed: int = 1
    recall: float = 0.99
    bands: int | None = None
    rows: int | None = None
    word_ngram: int = 5
    char_ngram: int = 5
    short_words: int = 16
    min_paragraph_words: int = 8
    max_bucket: int = 64

    def __post_init__(self) -> None:
        problems = []
        if not 0.0 < self.threshold <= 1.0:
            problems.append(f"threshold must be in (0, 1], got {self.threshold}")
        if not 16 <= self.num_perm <= 1024:
            problems.append(f"num_perm must be between 16 and 1024, got {self.num_perm}")
        if self.level not in ("both", "paragraph", "document"):
            problems.append(f"level must be both, paragraph or document, got {self.level!r}")
        if self.keep not in ("first", "longest", "none"):
            problems.append(f"keep must be first, longest or none, got {self.keep!r}")
        if not 0 <= self.seed < 2**32:
            problems.append(f"seed must be in [0, 2**32), got {self.seed}")
        if not 0.0 < self.recall < 1.0:
            problems.append(f"recall must be in (0, 1), got {self.recall}")
        if not (1 <= self.word_ngram <= 16 and 1 <= self.char_ngram <= 32):
            problems.append("word_ngram must be in [1, 16] and char_ngram in [1, 32]")
        if self.short_words < self.word_ngram:
            problems.append(
                f"short_words ({self.short_words}) must be >= word_ngram ({self.word_ngram})"
            )
        if self.min_paragraph_words < 1 or self.max_bucket < 2:
            problems.append("min_paragraph_words must be >= 1 and max_bucket >= 2")
        if (self.bands is None) != (self.rows is None):
            problems.append("give both bands and rows, or neither")
        elif (
            self.bands is not None
            and self.rows is not None
            and (self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm)
        ):
            problems.append(f"bands x rows must fit in num_perm={self.num_perm}")
        if problems:
            msg = "invalid DedupConfig: " + "; ".join(problems)
            raise ConfigError(msg)

    @property
    def banding(self) -> tuple[int, int]:
        """(bands, rows), explicit or chosen for `recall` at `threshold`."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        return choose_bands(self.threshold, self.num_perm, self.recall)

    def index_params(self) -> dict[str, Any]:
        """The settings a persistent index must share with a run."""
        bands, rows = self.banding
        return {
            "num_perm": self.num_perm,
            "seed": self.seed,
            "bands": bands,
            "rows": rows,
            "word_ngram": self.word_ngram,
            "char_ngram": self.char_ngram,
            "short_words": self.short_words,
            "scheme": SCHEME,
            "token_hash": TOKEN_HASH,
            "normalization": NORMALIZATION,
        }

    def params(self) -> dict[str, Any]:
        """Everything recorded in a run's summary: settings, banding and its recall at threshold."""
        out = dataclasses.asdict(self)
        out.update(self.index_params())
        bands, rows = self.banding
        out["recall_at_threshold"] = round(candidate_probability(self.threshold, bands, rows), 6)
        return out
