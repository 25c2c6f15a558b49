"""Common Crawl WET and WARC files and single HTML pages.

The WET file is built here, byte by byte, from pages written for the test: two sites with a
template line, a page syndicated at two URLs, a near copy. Its records become documents whose id
is the record id, whose URL scopes site rules and `rules learn`, and whose copies are found with
their URLs in the audit. A second test builds a WET file from ../shared/eval pages when present.
"""

from __future__ import annotations

import gzip
import json
import random
import tomllib
from pathlib import Path

import pytest

from cleanse.readers import read_documents

from .common import audit, run
from .warcfiles import Page, warc_bytes, wet_bytes

pytest.importorskip("warcio", reason="the warc extra is not installed")

TEMPLATE = "Recevez chaque matin notre lettre du quartier, gratuite et sans engagement"
SENTENCES = [
    "La mairie a voté lundi soir le budget des écoles pour l'année prochaine.",
    "Les travaux du pont reprendront au printemps, selon la préfecture.",
    "Le marché couvert ouvrira désormais le dimanche jusqu'à quatorze heures.",
    "Une nouvelle ligne de bus reliera la gare au lycée dès septembre.",
    "La bibliothèque prête maintenant des instruments de musique aux habitants.",
    "Le club de football local a remporté la coupe régionale samedi dernier.",
    "Les riverains demandent un passage piéton devant la boulangerie de la place.",
    "Le festival de théâtre accueillera vingt compagnies venues de toute la région.",
]


WORDS = (
    "le la les un une des et de du en pour sur dans par avec sans sous entre vers chez ville "
    "quartier maire conseil école budget rue place marché gare bus pont parc fête musée club "
    "habitants travaux semaine année projet vote soir matin printemps été hiver automne"
).split()


def body(i: int, site: str) -> str:
    rng = random.Random(i)
    lead = SENTENCES[i % len(SENTENCES)]
    words = " ".join(rng.choice(WORDS) for _ in range(60))
    lines = [
        f"Article {i} : {lead}",
        f"{lead} {words.capitalize()}, détail propre au texte numéro {i}.",
    ]
    if site == "quartier.example":
        lines.append(TEMPLATE)
    return "\n".join(lines) + "\n"


def crawl() -> tuple[list[Page], dict[str, str]]:
    pages = []
    for i in range(10):
        site = "quartier.example" if i < 7 else "autre.example"
        pages.append(Page(f"urn:uuid:{i:08d}-aaaa-bbbb-cccc-000000000000", f"https://www.{site}/a/{i}",
                          f"2024-05-0{1 + i % 9}T10:00:00Z", body(i, site).encode()))  # fmt: skip
    # Page 2 syndicated on the other site, word for word (without the template line).
    syndicated = body(2, "autre.example").encode()
    pages.append(Page("urn:uuid:00000010-aaaa-bbbb-cccc-000000000000", "https://autre.example/copie",
                      "2024-05-09T12:00:00Z", syndicated))  # fmt: skip
    return pages, {p.record_id: p.url for p in pages}


def test_wet_records_become_documents_with_id_url_and_date(tmp_path):
    pages, _ = crawl()
    (tmp_path / "CC-MAIN-test.warc.wet.gz").write_bytes(wet_bytes(pages))
    docs = list(read_documents(tmp_path))
    assert [d.id for d in docs] == [p.record_id for p in pages]
    first = docs[0]
    assert dict(first.meta) == {
        "id": pages[0].record_id,
        "url": pages[0].url,
        "date": pages[0].date,
        "text": None,
    }
    assert first.text == pages[0].body.decode()
    assert first.site == "quartier.example"  # the URL's host, without www.
    assert docs[-1].site == "autre.example"


def test_wet_run_cleans_deduplicates_and_audits_urls(tmp_path):
    pages, urls = crawl()
    src = tmp_path / "src"
    src.mkdir()
    (src / "CC-MAIN-test.warc.wet.gz").write_bytes(wet_bytes(pages))
    rules = tmp_path / "site.toml"
    rules.write_text(
        "[[rule]]\n"
        'id = "test.quartier.newsletter"\nstage = "lines"\naction = "drop_line"\n'
        f"pattern = '^{TEMPLATE}$'\n"
        'sites = ["quartier.example"]\nstatus = "stable"\nnote = "newsletter box of one site"\n'
        f'tests.drop = ["{TEMPLATE}"]\ntests.keep = ["Recevez chaque matin le journal, dit-il."]\n',
        encoding="utf-8",
    )
    dest = tmp_path / "out"
    assert run("run", str(src), str(dest), "--lang", "fr", "--rules", str(rules)) == 0
    out = [
        json.loads(line)
        for line in gzip.decompress((dest / "CC-MAIN-test.jsonl.gz").read_bytes()).splitlines()
    ]
    assert [list(r) for r in out] == [["id", "url", "date", "text"]] * len(out)
    assert not any(TEMPLATE in r["text"] for r in out)  # the site rule ran on the URL's site
    entries = {a["id"]: a for a in audit(dest)}
    assert all(entries[rid]["url"] == url for rid, url in urls.items())
    copy = entries["urn:uuid:00000010-aaaa-bbbb-cccc-000000000000"]
    assert copy["status"] == "removed" and copy["reason"].startswith("dedup.document")
    assert copy["duplicate_of"] == pages[2].record_id
    assert copy["url"] == "https://autre.example/copie"
    assert len(out) == len(pages) - 1
    by_rule = [(a["url"], c["rule"]) for a in entries.values() for c in a["changes"]]
    newsletter = sorted(url for url, rule in by_rule if rule == "test.quartier.newsletter")
    assert newsletter == sorted(p.url for p in pages if "quartier" in p.url)
    assert {rule for _, rule in by_rule if not rule.startswith("dedup.")} == {
        "test.quartier.newsletter"
    }


def test_rules_learn_finds_a_sites_template_in_wet(tmp_path):
    pages, _ = crawl()
    (tmp_path / "c.warc.wet.gz").write_bytes(wet_bytes(pages))
    out = tmp_path / "learned.toml"
    from cleanse.cli import main

    assert (
        main(["rules", "learn", str(tmp_path / "c.warc.wet.gz"), "-o", str(out), "--min-docs", "3"])
        == 0
    )
    [rule] = tomllib.loads(out.read_text(encoding="utf-8"))["rule"]
    assert rule["sites"] == ["quartier.example"]
    assert rule["tests"]["drop"][0].startswith("Recevez chaque matin")


def test_uncompressed_wet_and_a_cut_wet(tmp_path):
    pages, _ = crawl()
    (tmp_path / "a.warc.wet").write_bytes(wet_bytes(pages[:3], compress=False))
    data = wet_bytes(pages[:3])
    (tmp_path / "b.warc.wet.gz").write_bytes(data[: len(data) - 40])
    docs = list(read_documents(tmp_path))
    assert [d.removed for d in docs[:3]] == [None] * 3
    assert [d.removed for d in docs[3:5]] == [None] * 2
    assert docs[5].reason == "input.corrupt-warc"
    assert docs[5].detail["path"] == "b.warc.wet.gz"


HTML = """<!DOCTYPE html><html><head><title>{title}</title></head><body>
<nav><a href="/">Accueil</a> | <a href="/sport">Sport</a> | <a href="/culture">Culture</a></nav>
<article><h1>{title}</h1>
<p>{p1}</p><p>{p2}</p><p>Partager cet article</p></article>
<footer>© 2024 Le Quartier. Tous droits réservés. Mentions légales.</footer></body></html>"""


def page_html(i: int) -> bytes:
    p1 = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4))
    p2 = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4, 8)) + f" Texte numéro {i}."
    return HTML.format(title=f"Nouvelles du quartier numéro {i}", p1=p1, p2=p2).encode()


def test_warc_html_responses_are_extracted_and_others_rejected(tmp_path):
    pytest.importorskip("trafilatura", reason="the html extra is not installed")
    pages = [Page(f"urn:uuid:{i:08d}-dddd", f"https://quartier.example/p/{i}", "2024-06-01T00:00:00Z",
                  page_html(i)) for i in range(3)]  # fmt: skip
    image = Page(
        "urn:uuid:image",
        "https://quartier.example/logo.png",
        "2024-06-01T00:00:00Z",
        b"\x89PNG\r\n\x1a\n",
    )
    src = tmp_path / "src"
    src.mkdir()
    (src / "crawl.warc.gz").write_bytes(
        warc_bytes(pages) + warc_bytes([image], "image/png")[len(warc_bytes([])) :]
    )
    dest = tmp_path / "out"
    assert run("clean", str(src), str(dest), "--lang", "fr") == 0
    out = [
        json.loads(line)
        for line in gzip.decompress((dest / "crawl.jsonl.gz").read_bytes()).splitlines()
    ]
    assert [r["id"] for r in out] == [p.record_id for p in pages]
    assert [r["url"] for r in out] == [p.url for p in pages]
    for record in out:
        assert "Le marché couvert" in record["text"]
        assert "Accueil" not in record["text"] and "Tous droits réservés" not in record["text"]
        assert "Partager cet article" not in record["text"]  # cleanse's rule, after trafilatura
    [rejected] = [a for a in audit(dest) if a["status"] == "rejected"]
    assert rejected["reason"] == "input.not-html"
    assert "image/png" in rejected["error"] and "logo.png" in rejected["error"]


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.html.gz"])
def test_a_single_html_page_becomes_a_text_file(tmp_path, name):
    pytest.importorskip("trafilatura", reason="the html extra is not installed")
    src = tmp_path / "src" / "quartier"
    src.mkdir(parents=True)
    data = page_html(1)
    (src / name).write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    dest = tmp_path / "out"
    assert run("clean", str(tmp_path / "src"), str(dest), "--lang", "fr") == 0
    out_name = name.replace(".html", ".txt").replace(".htm", ".txt")
    raw = (dest / "quartier" / out_name).read_bytes()
    extracted = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode()
    assert "Le marché couvert" in extracted and "Partager cet article" not in extracted
    [entry] = audit(dest)
    assert entry["id"] == f"quartier/{name}" and entry["site"] == "quartier"


def test_an_html_page_without_text_is_rejected(tmp_path):
    pytest.importorskip("trafilatura", reason="the html extra is not installed")
    (tmp_path / "empty.html").write_bytes(
        b"<html><head><title>Vide</title></head><body><div></div></body></html>"
    )
    [doc] = list(read_documents(tmp_path))
    assert doc.reason == "input.empty" and "no main text" in doc.detail["error"]


SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "wcxb-dev"


@pytest.mark.skipif(
    not (SHARED / "index.jsonl").exists(), reason="../shared/eval/wcxb-dev is not there"
)
def test_wet_built_from_real_pages_is_cleaned_and_deduplicated(tmp_path):
    """Real pages' texts (wcxb-dev naive scrapes) with their real URLs, five of them served again
    at a mirror URL: the copies are removed, pointing at the originals by record id and URL."""
    rows = [json.loads(line) for line in (SHARED / "index.jsonl").read_text().splitlines()[:40]]
    pages = []
    for k, row in enumerate(rows):
        body = (SHARED / "docs" / f"{row['id']}.raw.txt").read_bytes()
        pages.append(Page(f"urn:uuid:real-{k:04d}", row["url"], "2024-05-01T00:00:00Z", body))
    mirrors = [Page(f"urn:uuid:mirror-{k:04d}", f"https://mirror.example/{k}", "2024-05-02T00:00:00Z", pages[k].body)
               for k in range(0, 25, 5)]  # fmt: skip
    src = tmp_path / "src"
    src.mkdir()
    (src / "real.warc.wet.gz").write_bytes(wet_bytes(pages + mirrors))
    dest = tmp_path / "out"
    assert run("run", str(src), str(dest)) == 0
    entries = {a["id"]: a for a in audit(dest)}
    assert len(entries) == len(pages) + len(mirrors)
    for k, mirror in zip(range(0, 25, 5), mirrors, strict=True):
        entry = entries[mirror.record_id]
        assert entry["status"] == "removed" and entry["url"] == mirror.url
        original = entries[entry["duplicate_of"]]
        assert original["url"] == pages[k].url
    assert (
        sum(1 for a in entries.values() if a["status"] == "changed") > 10
    )  # the pages are cleaned
