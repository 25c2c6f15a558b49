"""Mine the boilerplate of each site from its documents: lines that recur, outside the body.

A line (after `line_key` normalisation) is a candidate when it appears in at least `min_docs`
documents and `min_share` of its site's documents, and when its occurrences sit before or after the
document body (templates frame the article; a syndicated sentence sits inside it).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cleanse.errors import ConfigError
from cleanse.learn.normalize import line_key

# A body line: long enough and punctuated like prose; the body runs from the first to the last one.
_SENTENCE_END_RE = re.compile(r"[.!?…»\"”)]\s*$")


@dataclass(frozen=True, slots=True)
class LearnConfig:
    """Settings of corpus-learned boilerplate.

    `min_share` is the share of a site's documents a line must recur in (the 'stated share' that
    `cleanse run --learn` applies); `min_edge_share` the share of its occurrences that must sit
    above or below the body.
    """

    min_docs: int = 5
    min_share: float = 0.3
    min_edge_share: float = 0.9
    max_chars: int = 300  # longer lines are paragraphs, never templates we learn
    body_min_words: int = 12  # a non-recurring line this long with end punctuation is body text
    samples: int = 3

    def __post_init__(self) -> None:
        if self.min_docs < 2:
            msg = f"LearnConfig.min_docs must be >= 2 (a line seen once is not recurring), got {self.min_docs}"
            raise ConfigError(msg)
        for name in ("min_share", "min_edge_share"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                msg = f"LearnConfig.{name} must be in (0, 1], got {value!r}"
                raise ConfigError(msg)
        if self.samples < 1 or self.max_chars < 1 or self.body_min_words < 1:
            msg = "LearnConfig.samples, max_chars and body_min_words must be >= 1"
            raise ConfigError(msg)


@dataclass(slots=True)
class KeyStats:
    """What was seen of one normalised line on one site."""

    documents: int = 0
    top: int = 0
    middle: int = 0
    bottom: int = 0
    variants: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    @property
    def position(self) -> str:
        edge = self.top + self.bottom
        if edge == 0:
            return "middle"
        if self.top >= 0.8 * edge:
            return "top"
        if self.bottom >= 0.8 * edge:
            return "bottom"
        return "top and bottom"

    @property
    def edge_share(self) -> float:
        total = self.top + self.middle + self.bottom
        return (self.top + self.bottom) / total if total else 0.0


@dataclass(frozen=True, slots=True)
class _Doc:
    doc_id: str
    site: str
    keys: tuple[str, ...]
    texts: tuple[str, ...]
    long: tuple[bool, ...]


def _prepare(doc_id: str, site: str, text: str, cfg: LearnConfig) -> _Doc:
    keys, texts, long = [], [], []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        keys.append(line_key(line) if len(line) <= cfg.max_chars else "")
        texts.append(line)
        words = len(line.split())
        long.append(words >= cfg.body_min_words and bool(_SENTENCE_END_RE.search(line)))
    return _Doc(doc_id, site, tuple(keys), tuple(texts), tuple(long))


def mine_sites(
    docs: Iterable[tuple[str, str, str]], cfg: LearnConfig
) -> tuple[dict[str, dict[str, KeyStats]], Counter[str]]:
    """Return, per site, the stats of every recurring key, and the document count per site."""
    prepared: list[_Doc] = []
    site_docs: Counter[str] = Counter()
    df: dict[str, Counter[str]] = defaultdict(Counter)
    for doc_id, site, text in docs:
        doc = _prepare(str(doc_id), site or "", text, cfg)
        prepared.append(doc)
        site_docs[doc.site] += 1
        df[doc.site].update({k for k in doc.keys if k})
    frequent: dict[str, set[str]] = {
        site: {
            k
            for k, n in counts.items()
            if n >= cfg.min_docs and n >= cfg.min_share * site_docs[site]
        }
        for site, counts in df.items()
    }
    stats: dict[str, dict[str, KeyStats]] = defaultdict(dict)
    for doc in sorted(prepared, key=lambda d: (d.site, d.doc_id)):
        recurring = frequent[doc.site]
        if not recurring.intersection(doc.keys):
            continue
        # The body: from the first to the last long prose line that is not itself recurring.
        body = [i for i, k in enumerate(doc.keys) if doc.long[i] and k not in recurring]
        if not body:  # every paragraph recurs (a syndicated copy): judge by paragraphs anyway
            body = [i for i in range(len(doc.keys)) if doc.long[i]]
        first, last = (body[0], body[-1]) if body else (len(doc.keys), -1)
        seen: set[str] = set()
        for i, key in enumerate(doc.keys):
            if key not in recurring:
                continue
            st = stats[doc.site].setdefault(key, KeyStats())
            st.variants[doc.texts[i]] += 1
            if i < first:
                st.top += 1
            elif i > last:
                st.bottom += 1
            else:
                st.middle += 1
            if key not in seen:
                seen.add(key)
                st.documents += 1
                if len(st.samples) < cfg.samples:
                    st.samples.append(doc.doc_id)
    return dict(stats), site_docs


def accept(key: str, st: KeyStats, of: int, cfg: LearnConfig) -> bool:
    """Whether a recurring key is template boilerplate rather than shared body text."""
    if st.documents < cfg.min_docs or st.documents < cfg.min_share * of:
        return False
    if st.edge_share < cfg.min_edge_share:
        return False
    # A long punctuated sentence must be framed everywhere: syndicated text is not a template.
    text = st.variants.most_common(1)[0][0]
    sentence = len(text.split()) >= 12 and bool(_SENTENCE_END_RE.search(text))
    return not (sentence and st.middle > 0)
