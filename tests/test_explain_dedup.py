"""`cleanse explain` shows duplicate decisions beside rule changes: what is a copy of what, how similar."""

from __future__ import annotations

from pathlib import Path

from cleanse.cli import main

SEED_001 = Path(__file__).resolve().parent.parent / "seeds" / "001_86e46f91a25bda8f.txt"
ARTICLE = (
    "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites qui prévoit un "
    "report progressif de l’âge légal et une hausse de la durée de cotisation pour tous les salariés.\n"
)


def test_seed_001_shows_all_eight_changes_with_the_repeated_headline(capsys):
    assert main(["explain", str(SEED_001), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "001_86e46f91a25bda8f.txt  (fr, 8 changes)"
    assert out.count("duplicate of 001_86e46f91a25bda8f.txt line 3") == 3
    assert "(similarity 1.00, exact)" in out and "(similarity 0.82, near)" in out and "(similarity 0.90, near)" in out
    assert main(["explain", str(SEED_001), "--color", "never", "--no-dedup"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "001_86e46f91a25bda8f.txt  (fr, 5 changes)"


def test_a_duplicate_document_names_the_kept_one(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["explain", str(tmp_path), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "b.txt  (fr, 0 changes, REMOVED by dedup.document-exact)" in out
    assert "duplicate of a.txt (similarity 1.00, exact)" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # nothing written
