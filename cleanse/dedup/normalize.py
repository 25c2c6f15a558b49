"""Normalisation before shingling: case folded, compatibility forms folded, punctuation dropped.

One table maps every code point below U+20000 to its folded word characters (NFKC, then casefold,
then NFD, keeping letters, digits and combining marks) or to a separator. The compiled kernel and
the pure-Python reference both read this table, so they agree byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Code points at or above this are kept as they are (they are mostly CJK ideographs).
TABLE_SIZE = 0x20000
#: Bumped whenever the folding changes; recorded in every index.
NORMALIZATION = "cleanse-fold-1: nfkc+casefold+nfd per code point; keep L*, N*, M*; others split"

# Scripts written without spaces between words: shingled by characters, never by words.
UNSPACED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", ch).casefold())
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LNM")


@functools.cache
def fold_table() -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Return (offsets, utf8 blob, str.translate table) for code points below TABLE_SIZE.

    `blob[offsets[cp]:offsets[cp + 1]]` is the UTF-8 of the folded form; empty means separator.
    """
    import numpy as np  # here, not at the top: DedupConfig reads NORMALIZATION without numpy

    offsets = np.zeros(TABLE_SIZE + 1, dtype=np.int64)
    parts: list[bytes] = []
    translate: dict[int, str] = {}
    pos = 0
    for cp in range(TABLE_SIZE):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:  # lone surrogates: never part of a word
            folded = ""
        elif cp < 128:
            folded = ch.lower() if ch.isalnum() else ""
        else:
            folded = _fold_char(ch)
        if folded != ch:
            translate[cp] = folded or " "
        encoded = folded.encode("utf-8")
        parts.append(encoded)
        pos += len(encoded)
        offsets[cp + 1] = pos
    blob = np.frombuffer(b"".join(parts), dtype=np.uint8).copy()
    return offsets, blob, translate


def _cache_path(kind: str, depends_on: str = "") -> Path:
    """Where arrays derived from the table are cached: beside the compiled kernel, named by the
    Unicode version, NORMALIZATION and `depends_on` (what else they are derived by)."""
    about = f"{NORMALIZATION}|{TABLE_SIZE}" + (f"|{depends_on}" if depends_on else "")
    key = hashlib.sha1(about.encode()).hexdigest()[:10]
    name = f"{kind}-{unicodedata.unidata_version}-{key}.npz"
    return Path(__file__).resolve().parent / "__pycache__" / name


def cached_arrays(
    kind: str, depends_on: str, build: Callable[[], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """The arrays `build` gives, read from their cache file (`_cache_path`) when there is one,
    else built and cached. An unwritable package folder only means they are built each time; a
    cache file that cannot be read as arrays (cut short, overwritten) is built and written again."""
    import zipfile

    import numpy as np  # here, not at the top: DedupConfig reads NORMALIZATION without numpy

    from cleanse.durable import atomic_file

    path = _cache_path(kind, depends_on)
    try:
        with np.load(path) as cached:
            return {name: cached[name] for name in cached.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        pass  # missing, or not an archive of arrays: built below
    arrays = build()
    try:
        path.parent.mkdir(exist_ok=True)
        with atomic_file(path, path.with_name(f".{path.name}.{os.getpid()}.tmp")) as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub: names are arrays
    except OSError:
        pass
    return arrays


@functools.cache
def fold_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(offsets, utf8 blob) of `fold_table`, what the kernel reads: loaded from a cache file.

    Building the table takes about a second at every start; the cache (beside the compiled
    kernel, keyed by the Unicode version and NORMALIZATION) makes it a read.
    """

    def build() -> dict[str, np.ndarray]:
        offsets, blob, _ = fold_table()
        return {"offsets": offsets, "blob": blob}

    arrays = cached_arrays("fold", "", build)
    return arrays["offsets"], arrays["blob"]


def normalize(text: str) -> str:
    """Fold `text` to the form that is shingled: lower case, no punctuation, single spaces.

    >>> normalize("« La mise en SCÈNE »-  du rapprochement")
    'la mise en sce\u0300ne du rapprochement'
    """
    return " ".join(text.translate(fold_table()[2]).split())


def is_unspaced(cp: int) -> bool:
    """True for code points of scripts written without spaces (Han, kana, Thai, ...)."""
    return any(lo <= cp <= hi for lo, hi in UNSPACED_RANGES)
