"""Pure-Python reference of the shingles and their 32-bit hashes.

The compiled kernel in `signatures` must agree with these functions bit for bit; they also give
datasketch a `hashfunc` (`shingle_hash32`) so that `datasketch.MinHash` reproduces our signatures.
"""

from __future__ import annotations

from collections.abc import Iterable

from cleanse.dedup.normalize import is_unspaced, normalize

MASK64 = (1 << 64) - 1
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MIX = 0x9E3779B97F4A7C15  # odd multiplier (golden ratio) that chains token hashes
SALT_WORD = 0x57F0_2D1E_6A4B_9C31  # distinct salts keep word, character and exact hashes apart
SALT_CHAR = 0x3C6E_F372_FE94_F82B
SALT_EXACT = 0xA54F_F53A_5F1D_36F1
CHAR_TAG = b"\x00"  # prefix that marks a character shingle for `shingle_hash32`


def fmix64(h: int) -> int:
    """MurmurHash3's 64-bit finaliser."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def token_hash64(token: bytes) -> int:
    """FNV-1a (64 bits) of a token's UTF-8 bytes."""
    h = FNV_OFFSET
    for byte in token:
        h = ((h ^ byte) * FNV_PRIME) & MASK64
    return h


def chain64(salt: int, hashes: Iterable[int]) -> int:
    """Order-sensitive combination of token hashes, finalised."""
    s = salt
    for h in hashes:
        s = ((s ^ h) * MIX) & MASK64
    return fmix64(s)


def shingle_hash32(shingle: bytes) -> int:
    """Hash one shingle as produced by `shingles`; pass it to datasketch as `hashfunc`.

    A word shingle is its tokens joined by spaces; a character shingle is `CHAR_TAG` + characters.
    """
    if shingle[:1] == CHAR_TAG:
        units = [
            c.encode("utf-8", "surrogatepass") for c in shingle[1:].decode("utf-8", "surrogatepass")
        ]
        return chain64(SALT_CHAR, map(token_hash64, units)) >> 32
    return chain64(SALT_WORD, map(token_hash64, shingle.split(b" "))) >> 32


def shingle_kind(norm: str, short_words: int) -> str:
    """'char' for unspaced scripts and texts under `short_words` tokens, else 'word'."""
    chars = norm.replace(" ", "")
    unspaced = sum(1 for c in chars if is_unspaced(ord(c)))
    if chars and 2 * unspaced >= len(chars):
        return "char"
    return "char" if len(norm.split()) < short_words else "word"


def shingles(
    text: str, word_ngram: int = 5, char_ngram: int = 5, short_words: int = 16
) -> list[bytes]:
    """The shingles of one paragraph, in order, with repeats (a MinHash sees a set anyway).

    >>> shingles("One, two; THREE!", word_ngram=2, short_words=2)
    [b'one two', b'two three']
    """
    norm = normalize(text)
    if not norm:
        return []
    if shingle_kind(norm, short_words) == "word":
        tokens = [t.encode("utf-8", "surrogatepass") for t in norm.split(" ")]
        n = min(word_ngram, len(tokens))
        return [b" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    n = min(char_ngram, len(norm))
    return [
        CHAR_TAG + norm[i : i + n].encode("utf-8", "surrogatepass")
        for i in range(len(norm) - n + 1)
    ]


def exact_hash64(text: str) -> int:
    """Hash of the normalised token sequence of one paragraph (0 for an empty paragraph)."""
    tokens = normalize(text).split()
    if not tokens:
        return 0
    return chain64(SALT_EXACT, (token_hash64(t.encode("utf-8", "surrogatepass")) for t in tokens))
