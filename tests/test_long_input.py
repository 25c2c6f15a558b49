"""Huge lines clean in linear time and come out right: prose untouched, mojibake and controls fixed.

A scraped page without a newline is one multi-megabyte line. ftfy fixes lines longer than
`cleanse.fix.PIECE_CHARS` in pieces cut where no repair can straddle a cut, and a per-document
budget bounds its work on garbage (`cleanse.fix.FixBudget`). These tests assert correctness only;
their sizes (a few MB) keep the file under a few seconds, so a return to superlinear time shows up
as a suite that seems to hang. Timings of 10-50 MB lines are in the report of the change.
"""

from __future__ import annotations

import unicodedata

import pytest

from cleanse.clean import FIX_BUDGET_FLAG, CleanConfig, Cleaner, clean_text
from cleanse.document import Document
from cleanse.fix import PIECE_CHARS, FixBudget, fix_line, split_long_line
from cleanse.packs import load_rules

# Sentences each rule pack leaves alone (checked below), so a line made of them must come back as is.
PROSE = [
    "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites, « sans attendre ».",
    "The minister said that the policy was not ready for the vote, and that talks would go on.",
    "À l’été, les élèves reviennent ; l’école rouvre ses portes — enfin.",
    "Ölçüm, naïveté, façade, coöperate: accents stay as they are.",
]
MB = 1_000_000


def one_line(sentences: list[str], size: int) -> str:
    """Sentences repeated into one line (no newline) of `size` characters or a little more."""
    unit = " ".join(sentences)
    return " ".join([unit] * (size // (len(unit) + 1) + 1))


def repeated(sentences: list[str], times: int) -> str:
    return " ".join([" ".join(sentences)] * times)


@pytest.mark.parametrize("sentence", PROSE)
def test_sentences_are_clean_to_begin_with(sentence):
    assert clean_text(sentence) == sentence


def test_a_3_mb_line_of_prose_comes_back_unchanged():
    line = one_line(PROSE, 3 * MB)
    assert len(line) > 20 * PIECE_CHARS
    assert clean_text(line) == line


def test_mojibake_is_repaired_in_every_piece_of_a_long_line():
    broken = [s.encode("utf-8").decode("cp1252", errors="replace") for s in PROSE[:3]]
    assert "Ã©" in broken[0] and "â€”" in broken[2]
    assert clean_text(repeated(broken, 4000), lang="fr") == repeated(PROSE[:3], 4000)


def test_nul_and_control_characters_are_removed_from_a_long_line():
    line = one_line(PROSE, MB)
    controls = "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f"
    noisy = "".join(
        ch + controls[i % len(controls)] if i % 97 == 0 else ch for i, ch in enumerate(line)
    )
    assert clean_text(noisy) == line


def test_c1_controls_become_their_cp1252_characters():
    line = one_line(PROSE[:2], MB // 2)
    noisy = line.replace("retraites, ", "retraites,\x93 ").replace("talks", "talks\x81")
    expected = line.replace("retraites, ", "retraites,\u201c ")  # U+0081 has no cp1252 meaning
    assert clean_text(noisy) == expected


def test_surrogates_and_controls_never_survive_a_long_line():
    line = one_line(PROSE, MB // 2).replace("vote", "vote\ud800\x00\x9d")
    cleaned = clean_text(line)
    cleaned.encode("utf-8")  # a lone surrogate would raise here, and in every writer
    assert not any(unicodedata.category(c) == "Cc" for c in cleaned)


def test_pieces_cut_after_a_space_and_never_inside_mojibake():
    line = "Ã  la une, lâ€™Ã©tÃ©. " * 20_000  # "Ã " is "à" whose no-break space became a space
    pieces = split_long_line(line, size=1000)
    assert "".join(pieces) == line
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece[-1] == " " and piece[-2].isascii() for piece in pieces[:-1])
    assert fix_line(line)[0] == "à la une, l’été. " * 20_000


def test_text_without_spaces_is_cut_between_characters_that_start_a_sequence():
    line = "日本語のテキスト" * 50_000 + "Ã©" * 50_000
    pieces = split_long_line(line, size=4096)
    assert "".join(pieces) == line
    assert all(len(piece) <= 4096 for piece in pieces)
    assert all(not piece.startswith("©") for piece in pieces)  # © continues Ã, never starts a piece
    assert fix_line(line)[0] == "日本語のテキスト" * 50_000 + "é" * 50_000


def test_a_surrogate_pair_is_never_cut():
    line = "\ud83d\ude00" * 100_000
    pieces = split_long_line(line, size=1001)
    assert "".join(pieces) == line
    assert all(len(piece) % 2 == 0 for piece in pieces)


def test_past_its_budget_a_line_only_loses_controls_and_lone_surrogates():
    budget = FixBudget(chars=PIECE_CHARS)
    line = one_line(["l’Ã©tÃ© dernier\x00 et\x93 puis \ud800."], 4 * PIECE_CHARS)
    fixed, steps = fix_line(line, budget)
    assert budget.exceeded and "skip:over-budget" in steps
    assert fixed.startswith("l’été dernier et“ puis \ufffd.")  # the first piece was fixed
    assert fixed.endswith("l’Ã©tÃ© dernier et“ puis \ufffd.")  # the last was only stripped
    fixed.encode("utf-8")


def test_a_document_over_its_budget_is_flagged(monkeypatch):
    monkeypatch.setattr("cleanse.clean.FixBudget", lambda: FixBudget(chars=10_000))
    line = "l’Ã©tÃ© dernier, « Ã  la une »."
    doc = Cleaner(load_rules(), CleanConfig(classify="off")).clean(
        Document.from_text("big", "\n".join([line] * 2000))
    )
    assert doc.flags == (FIX_BUDGET_FLAG,)
    assert doc.text.startswith(fix_line(line)[0] + "\n")
    assert doc.text.endswith("\n" + line)
