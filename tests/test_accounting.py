"""Every document read is accounted for: in = written + removed + rejected, and --strict fails on rejects."""

from __future__ import annotations

import json

from cleanse.clean import Cleaner
from cleanse.cli import main

GOOD = "Le conseil municipal a voté le budget de l'année prochaine après un long débat.\n"


def _corpus(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "b.txt").write_text(GOOD, encoding="utf-8")  # an exact copy: removed by dedup
    (src / "c.jsonl").write_text(
        json.dumps({"id": "ok", "text": GOOD.replace("budget", "plan")}) + "\n{broken\n"
        + json.dumps({"id": "nul", "text": None}) + "\n",
        encoding="utf-8",
    )
    return src


def _summary(dest):
    return json.loads((dest / ".cleanse" / "summary.json").read_text(encoding="utf-8"))


def test_documents_in_equal_written_plus_removed_plus_rejected(tmp_path):
    src, dest = _corpus(tmp_path), tmp_path / "out"
    assert main(["run", str(src), str(dest), "-q"]) == 0
    docs = _summary(dest)["documents"]
    assert docs["in"] == 5
    assert docs["in"] == docs["written"] + docs["removed"] + docs["rejected"]
    assert (docs["written"], docs["removed"], docs["rejected"]) == (2, 1, 2)
    summary = _summary(dest)
    assert summary["removed_by"] == {"dedup.document-exact": 1}
    assert sum(summary["rejected_by"].values()) == 2
    written = sorted(p.name for p in dest.iterdir() if not p.name.startswith("."))
    assert written == ["a.txt", "c.jsonl"]
    assert len((dest / "c.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_strict_turns_rejections_into_a_failing_exit(tmp_path, capsys):
    src = _corpus(tmp_path)
    assert main(["run", str(src), str(tmp_path / "out"), "-q", "--strict"]) == 1
    assert "2 inputs rejected" in capsys.readouterr().err
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text(GOOD, encoding="utf-8")
    assert main(["run", str(clean), str(tmp_path / "out2"), "-q", "--strict"]) == 0


def test_a_document_that_makes_cleaning_fail_is_rejected_and_the_run_goes_on(tmp_path, monkeypatch):
    src, dest = _corpus(tmp_path), tmp_path / "out"
    real = Cleaner._cleaning  # the steps of `clean` and of `clean_many` alike

    def fail_on_b(self, doc):
        if doc.id == "b.txt":
            msg = "boom"
            raise ValueError(msg)
        return real(self, doc)

    monkeypatch.setattr(Cleaner, "_cleaning", fail_on_b)
    assert main(["run", str(src), str(dest), "-q", "--workers", "1"]) == 0
    audit = {e["id"]: e for e in map(json.loads, (dest / ".cleanse" / "audit.jsonl").read_text().splitlines())}
    assert audit["b.txt"]["status"] == "rejected"
    assert audit["b.txt"]["reason"] == "input.cleaning-failed"
    assert "ValueError: boom" in audit["b.txt"]["error"] and audit["b.txt"]["path"] == "b.txt"
    assert audit["a.txt"]["status"] == "kept"


def test_line_separators_inside_text_never_split_a_record(tmp_path):
    src, dest = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    texts = [f"Premier paragraphe {i}\u2028suite\u2029fin du texte, assez long pour rester." for i in range(3)]
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    assert main(["clean", str(src), str(dest), "-q"]) == 0
    out = dest.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in out] == texts
    audit = (tmp_path / ".cleanse" / "out.jsonl" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(audit) == 3
