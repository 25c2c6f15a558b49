"""How a text extracted from HTML is cleaned: trafilatura already took the page's main text, so
`--classify auto` gives it the article treatment (its lists and short lines stay), and a line
pattern a document repeats (`By …` over each post or entry) is not taken for its byline."""

from __future__ import annotations

import pytest

from cleanse import CleanConfig, Cleaner, Document, load_rules, read_documents

from .common import run

# An extract of a service page: opening hours and a list of services, short lines all; `auto`
# takes it for a page dump and cuts its lists.
EXTRACT = """Opening hours
Monday to Friday: 9 am to 6 pm
Saturday: 10 am to 4 pm
Sunday: closed
Our services
Tax returns for individuals
Payroll for small businesses
Company accounts
VAT registration
Bookkeeping
We have helped families and small firms in the town with their accounts for over twenty years, and we answer every question within a day.
Contact us
Share on Facebook
"""


def dropped(doc: Document) -> list[str]:
    return [change.before for change in doc.changes if change.after is None]


def test_auto_gives_a_text_extracted_from_html_the_article_treatment():
    cleaner = Cleaner(load_rules(), CleanConfig())
    as_dump = cleaner.clean(Document.from_text("x", EXTRACT))
    assert "Bookkeeping" in dropped(as_dump)  # what auto does to the same text of unknown origin
    extract = cleaner.clean(Document.from_text("x", EXTRACT, flags=("extracted-html",)))
    assert dropped(extract) == ["Share on Facebook"]  # its rules still run
    forced = Cleaner(load_rules(), CleanConfig(classify="page")).clean(
        Document.from_text("x", EXTRACT, flags=("extracted-html",))
    )
    assert "Bookkeeping" in dropped(forced)  # an explicit mode is obeyed


def page(body: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.strip().split("\n"))
    return f"<html><head><title>t</title></head><body><article>{paragraphs}</article></body></html>".encode()


def test_html_pages_carry_the_flag_and_keep_their_lists(tmp_path):
    pytest.importorskip("trafilatura", reason="the html extra is not installed")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "p.html").write_bytes(page(EXTRACT))
    [doc] = read_documents(tmp_path / "src")
    assert doc.removed is None and doc.flags == ("extracted-html",)
    assert run("clean", str(tmp_path / "src"), str(tmp_path / "out"), "--lang", "en") == 0
    kept = (tmp_path / "out" / "p.txt").read_text(encoding="utf-8")
    assert "Bookkeeping" in kept and "Tax returns for individuals" in kept
    assert "Share on Facebook" not in kept


PROSE = "The committee met on Thursday to discuss the new budget for the libraries of the region."


def test_one_byline_is_extracted_and_a_repeated_pattern_stays():
    cleaner = Cleaner(load_rules(), CleanConfig(classify="off"))
    one = cleaner.clean(Document.from_text("a", f"By Josephine Martin\n{PROSE}\n"))
    assert one.text == f"{PROSE}\n" and one.extracted == {"byline": "Josephine Martin"}
    entries = "".join(f"{title}\nBy {name}\n{PROSE}\n" for title, name in
                      [("Care", "Emma Fromberg"), ("Land", "Suzanne Lacy"), ("Sea", "Lindsey Colbourne")])  # fmt: skip
    listing = cleaner.clean(Document.from_text("b", entries))
    assert listing.text == entries and listing.extracted == {} and listing.changes == ()
    again = cleaner.clean(Document.from_text("b", listing.text))  # idempotent
    assert again.text == listing.text
