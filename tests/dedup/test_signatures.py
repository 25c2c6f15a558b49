"""Signatures: datasketch compatibility, numba == numpy fallback, pinned values, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.dedup import DedupConfig
from cleanse.dedup import signatures as sig
from cleanse.dedup.shingles import shingle_hash32, shingles

TEXTS = [
    "« La mise en scène du rapprochement entre Moscou et Pyongyang est avant tout un moyen »",
    "Source link",
    "",
    "   ",
    "日本語のテキストです。これは重複の検出のための文です。",
    "Straße ﬁnale \uff21\uff22\uff23 café CAFÉ cafe\u0301 — l\u2019été, 1_2, naïve déjà-vu!",
    "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen.",
]
CONFIG = DedupConfig()


@pytest.mark.parametrize("seed", [1, 7, 12345])
def test_permutations_are_datasketchs(seed: int) -> None:
    a, b = sig.permutations(64, seed)
    ref = MinHash(num_perm=64, seed=seed)
    assert ref.scheme == "affine32"
    np.testing.assert_array_equal(ref.permutations[0], a)
    np.testing.assert_array_equal(ref.permutations[1], b)


@pytest.mark.parametrize("text", TEXTS)
def test_kernel_matches_datasketch_with_our_hashfunc(text: str) -> None:
    a, b = sig.permutations(CONFIG.num_perm, CONFIG.seed)
    ours = sig.minhash(sig.shingle_batch([text], CONFIG), a, b)[0]
    ref = MinHash(num_perm=CONFIG.num_perm, seed=CONFIG.seed, hashfunc=shingle_hash32)
    ref.update_batch(shingles(text))
    np.testing.assert_array_equal(ref.hashvalues, ours)


def test_round_trip_through_leanminhash() -> None:
    s1 = sig.signature(TEXTS[:1], CONFIG)
    s2 = sig.signature([TEXTS[0] + " Source link"], CONFIG)
    lean1, lean2 = sig.to_datasketch(s1, CONFIG), sig.to_datasketch(s2, CONFIG)
    assert isinstance(lean1, LeanMinHash)
    np.testing.assert_array_equal(lean1.hashvalues, s1)
    assert lean1.seed == CONFIG.seed
    assert lean1.jaccard(lean2) == pytest.approx(float(np.mean(s1 == s2)))
    restored = LeanMinHash.deserialize(bytes(_serialize(lean1)))
    np.testing.assert_array_equal(restored.hashvalues, s1)


def _serialize(lean: LeanMinHash) -> bytearray:
    buf = bytearray(lean.bytesize())
    lean.serialize(buf)
    return buf


def test_pinned_signature_prefix() -> None:
    """Fails loudly when normalisation, shingling, hashing or permutations change."""
    s = sig.signature(
        ["The quick brown fox jumps over the lazy dog, again and again and again."], CONFIG
    )
    assert s[:4].tolist() == [299280308, 15751829, 50958433, 76269584]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=5))
def test_numba_and_numpy_paths_agree(paragraphs: list[str]) -> None:
    fast = sig.shingle_batch(paragraphs, CONFIG)
    slow = sig.shingle_batch(paragraphs, CONFIG, use_numba=False)
    for name in ("values", "offsets", "exact", "words", "is_char"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)
    a, b = sig.permutations(CONFIG.num_perm, CONFIG.seed)
    s1, s2 = sig.minhash(fast, a, b), sig.minhash(slow, a, b, use_numba=False)
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(
        sig.band_keys(s1, 21, 6), sig.band_keys(s1, 21, 6, use_numba=False)
    )
    values, offsets = sig.unique_sets(fast)
    for k, text in enumerate(paragraphs):
        found = {shingle_hash32(s) for s in shingles(text)}
        np.testing.assert_array_equal(values[offsets[k] : offsets[k + 1]], sorted(found))


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_signatures_are_deterministic(text: str) -> None:
    np.testing.assert_array_equal(sig.signature([text], CONFIG), sig.signature([text], CONFIG))


def test_document_signature_is_the_minhash_of_its_token_stream() -> None:
    ref = MinHash(num_perm=CONFIG.num_perm, seed=CONFIG.seed, hashfunc=shingle_hash32)
    ref.update_batch(shingles("\n".join(TEXTS)))
    np.testing.assert_array_equal(ref.hashvalues, sig.signature(TEXTS, CONFIG))


def test_cached_fold_arrays_are_the_fold_table(tmp_path, monkeypatch) -> None:
    from cleanse.dedup import normalize as nz

    monkeypatch.setattr(nz, "_cache_path", lambda kind, depends_on="": tmp_path / f"{kind}.npz")
    nz.fold_arrays.cache_clear()
    try:
        built = nz.fold_arrays()  # builds and writes the cache
        nz.fold_arrays.cache_clear()
        loaded = nz.fold_arrays()  # reads it
        assert (tmp_path / "fold.npz").exists()
        for x, y, z in zip(built, loaded, nz.fold_table()[:2], strict=True):
            np.testing.assert_array_equal(x, y)
            np.testing.assert_array_equal(x, z)
    finally:
        nz.fold_arrays.cache_clear()


@pytest.mark.parametrize("damage", [b"", b"not an archive", "cut"])
def test_a_damaged_fold_cache_is_built_and_written_again(tmp_path, monkeypatch, damage) -> None:
    from cleanse.dedup import normalize as nz

    monkeypatch.setattr(nz, "_cache_path", lambda kind, depends_on="": tmp_path / f"{kind}.npz")
    nz.fold_arrays.cache_clear()
    try:
        built = nz.fold_arrays()
        cache = tmp_path / "fold.npz"
        whole = cache.read_bytes()
        cache.write_bytes(whole[: len(whole) // 2] if damage == "cut" else damage)
        nz.fold_arrays.cache_clear()
        again = nz.fold_arrays()  # the damaged file is not an error: built again
        for x, y in zip(built, again, strict=True):
            np.testing.assert_array_equal(x, y)
        assert cache.read_bytes() == whole  # and the cache is whole again
    finally:
        nz.fold_arrays.cache_clear()


@pytest.mark.parametrize("level", ["document", "paragraph"])
def test_sorting_each_set_gives_what_one_packed_sort_gives(
    level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """distinct_sets sorts long sets one by one and short ones in one packed sort: same sets, on
    the seeds' real texts, with empty sets and sets spanning several rows (windows)."""
    from pathlib import Path

    seeds = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    if level == "paragraph":
        texts = [part for t in texts for part in t.split("\n")]
    batch = sig.shingle_batch(texts, DedupConfig())
    rows = len(texts)
    for groups in (np.arange(rows + 1), np.array([0, 0, *range(1, rows, 3), rows])):
        monkeypatch.setattr(sig, "SORT_EACH_FROM", 10**9)  # the packed sort
        packed = sig.distinct_sets(batch.values, batch.offsets, groups)
        monkeypatch.setattr(sig, "SORT_EACH_FROM", 0)  # each set on its own
        each = sig.distinct_sets(batch.values, batch.offsets, groups)
        assert np.array_equal(packed[0], each[0]) and packed[0].dtype == each[0].dtype
        assert np.array_equal(packed[1], each[1]) and packed[1].dtype == each[1].dtype
    assert len(batch.values) > 1000 and (np.diff(batch.offsets) == 0).any() == (
        level == "paragraph"
    )


def test_fold_counts_are_the_fold_tables() -> None:
    """What the kernel reads besides the table (the ASCII column, characters and unspaced
    characters of each folded form) is what the table's own strings say, code point by code
    point."""
    from cleanse.dedup import kernel
    from cleanse.dedup import normalize as nz

    offsets, blob = nz.fold_arrays()
    ascii, chars, unspaced = kernel.fold_counts(offsets, blob)
    for cp in range(nz.TABLE_SIZE):
        folded = bytes(blob[offsets[cp] : offsets[cp + 1]]).decode("utf-8")
        assert chars[cp] == len(folded)
        assert unspaced[cp] == sum(nz.is_unspaced(ord(c)) for c in folded)
        if cp < 128:
            assert ascii[cp] == (folded.encode("ascii")[0] if folded else 0)
            assert len(folded) <= 1
    # What the kernel is given: the same columns, read from their cache file
    cached = sig.kernel_tables()[2:5]
    for built, read in zip((ascii, chars, unspaced), cached, strict=True):
        np.testing.assert_array_equal(built, read)
        assert built.dtype == read.dtype


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.one_of(
                st.characters(max_codepoint=0x17F),
                st.characters(min_codepoint=0x2000, max_codepoint=0x3100),
                st.characters(min_codepoint=0x1D400, max_codepoint=0x2A700),
                st.sampled_from(" \n\t.,-'ﬁ½²ⅷ\u0301\u200b日本タイไทย"),
            ),
            max_size=60,
        ),
        max_size=6,
    )
)
def test_one_pass_kernel_matches_the_python_reference_on_any_script(texts: list[str]) -> None:
    """The kernel folds and hashes in one pass: shingles, exact hashes, word counts and the
    word/character choice equal the reference's on Latin, CJK, Thai, astral and mixed texts."""
    ours = sig.shingle_batch(texts, CONFIG)
    ref = sig.shingle_batch(texts, CONFIG, use_numba=False)
    for x, y in zip(ours[:5], ref[:5], strict=True):
        np.testing.assert_array_equal(x, y)
