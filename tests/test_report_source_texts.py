"""The report reads the shown clusters' texts back from SRC: only the JSON lines the audit names."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cleanse.report.source_texts as source_texts
from cleanse.document import Document
from cleanse.readers import ReadConfig, read_documents


def _write_src(folder: Path) -> None:
    folder.mkdir()
    lines = [json.dumps({"id": f"a{n}", "text": f"texte {n}\n\nsecond paragraphe é {n}"}) for n in range(50)]
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    more = [json.dumps({"text": f"sans id {n}"}, ensure_ascii=False) for n in range(30)]  # ids file:line
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(more) + "\n")
    (folder / "c.txt").write_text("un fichier texte\n", encoding="utf-8")


def _places(src: Path) -> dict[str, tuple[object, object]]:
    """Every document's id, with the path and line its audit entry names."""
    return {doc.id: (doc.location.get("path"), doc.location.get("line")) for doc in read_documents(src)}


def test_texts_read_by_line_are_those_of_a_full_read(tmp_path, monkeypatch):
    src = tmp_path / "src"
    _write_src(src)
    everything = {doc.id: doc.text for doc in read_documents(src) if isinstance(doc, Document)}
    places = _places(src)
    wanted = {doc_id: places[doc_id] for doc_id in ("a3", "a49", "b.jsonl.gz:7", "c.txt")}
    parsed: list[int] = []
    real = source_texts.jsonl_line_document

    def counting(number, *args):
        parsed.append(number)
        return real(number, *args)

    monkeypatch.setattr(source_texts, "jsonl_line_document", counting)
    monkeypatch.setattr(source_texts, "_scan", _no_scan_but_of({"c.txt"}))
    found = source_texts.read_texts(src, wanted, ReadConfig())
    assert found == {doc_id: everything[doc_id] for doc_id in wanted}
    assert sorted(parsed) == [4, 7, 50]  # only the named lines' JSON was parsed


def _no_scan_but_of(allowed: set[str]):
    real = source_texts._scan

    def scan(src, ids, read):
        assert ids <= allowed, f"scanned for {ids - allowed}"
        return real(src, ids, read)

    return scan


def test_a_line_that_holds_another_document_now_is_left_to_the_scan(tmp_path):
    src = tmp_path / "src"
    _write_src(src)
    wanted = {"a10": ("a.jsonl", 12), "a11": ("elsewhere.jsonl", 3), "a12": (None, None)}
    found = source_texts.read_texts(src, wanted, ReadConfig())
    assert found == {f"a{n}": f"texte {n}\n\nsecond paragraphe é {n}" for n in (10, 11, 12)}
    assert source_texts.read_texts(src, {"nowhere": ("a.jsonl", 999)}, ReadConfig()) == {}
