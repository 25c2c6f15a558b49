"""The HTML report without a browser: what it says, what it escapes, partial reports, size."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cleanse.cli import main
from cleanse.report import REPORT_NAME, write_report
from cleanse.report.load import load_run

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class Outline(HTMLParser):
    """Tags, ids and external references of a page, and whether its tags nest properly."""

    VOID = frozenset({"meta", "input", "br", "rect", "line", "img", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.scripts = 0
        self.external: list[str] = []
        self.stack: list[str] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if values.get(name) and not values[name].startswith("#"):
                self.external.append(values[name])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.mismatched.append(tag)
        else:
            self.stack.pop()


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds") / "out"
    assert main(["run", str(SEEDS), str(out), "-q", "--workers", "1"]) == 0
    return out / ".cleanse"


def test_every_run_writes_a_self_contained_report(seeds_run):
    page = (seeds_run / REPORT_NAME).read_text(encoding="utf-8")
    found = outline(page)
    assert {"summary", "rules", "sources", "duplicates", "rejected"} <= found.ids
    assert found.scripts == 1 and found.external == [] and found.mismatched == [] and found.stack == []
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)  # no CDN, no network
    assert "default-src 'none'" in page
    assert "partial" not in found.ids  # a complete run's report has nothing missing


def test_report_command_rebuilds_the_page(seeds_run, tmp_path, capsys):
    target = tmp_path / "copy.html"
    assert main(["report", str(seeds_run), "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == (seeds_run / REPORT_NAME).read_text(encoding="utf-8")
    assert str(target) in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err
    assert main(["report", str(tmp_path)]) == 1
    assert "neither summary.json nor audit.jsonl" in capsys.readouterr().err


def test_run_summary_names_the_report(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Partager\nLe gouvernement a présenté un projet de loi mardi.\n", encoding="utf-8")
    assert main(["run", str(src), str(tmp_path / "out"), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert f"report: {tmp_path / 'out' / '.cleanse' / REPORT_NAME}" in err


def test_seed_001_headline_cluster_and_rule_hits(seeds_run):
    facts = load_run(seeds_run)
    summary = json.loads((seeds_run / "summary.json").read_text(encoding="utf-8"))
    assert {rule: f.hits for rule, f in facts.rules.items()} == {r: c["changes"] for r, c in summary["rules"].items()}
    assert {rule: f.chars for rule, f in facts.rules.items()} == {r: c["chars_removed"] for r, c in summary["rules"].items()}
    assert facts.paragraph_clusters == {("001_86e46f91a25bda8f.txt", 0): 3}
    page = (seeds_run / REPORT_NAME).read_text(encoding="utf-8")
    assert 'data-similarity="0.82"' in page and "kept <span class=\"id\">001_86e46f91a25bda8f.txt</span> line 3" in page


def test_corpus_html_is_escaped(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    bad = '<script>alert("x")</script><b onmouseover="x()">Un titre</b> assez long pour rester un paragraphe'
    (src / "a.txt").write_text(f"{bad}\nPartager\n", encoding="utf-8")
    (src / "b.txt").write_text(f"{bad}\nAutre chose ici.\n", encoding="utf-8")
    (src / "<img src=x>.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    out = tmp_path / "out"
    assert main(["run", str(src), str(out), "-q", "--workers", "1"]) == 0
    page = (out / ".cleanse" / REPORT_NAME).read_text(encoding="utf-8")
    found = outline(page)
    assert found.scripts == 1 and found.mismatched == []
    assert "<b onmouseover" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page or "&lt;script&gt;alert" in page
    assert "&lt;img src=x&gt;.txt" in page  # the rejected file's name, shown as text


def test_truncated_audit_gives_a_partial_report(seeds_run, tmp_path):
    folder = tmp_path / "report"
    shutil.copytree(seeds_run, folder)
    audit = (folder / "audit.jsonl").read_bytes()
    lines = audit.splitlines(keepends=True)
    (folder / "audit.jsonl").write_bytes(b"".join(lines[:2]) + lines[2][:100])  # cut in line 3
    page = write_report(folder).read_text(encoding="utf-8")
    found = outline(page)
    assert "partial" in found.ids and found.mismatched == []
    assert "not complete JSON (line 3;" in page and "audit.jsonl describes 2 documents but summary.json counts 4" in page


def test_older_report_folder_gives_a_partial_report(seeds_run, tmp_path):
    """A folder written before sizes were audited, with no summary: figures it lacks are named."""
    folder = tmp_path / "old"
    folder.mkdir()
    lines = []
    for raw in (seeds_run / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(raw)
        for key in ("chars_in", "chars_out", "site", "source"):
            entry.pop(key, None)
        lines.append(json.dumps(entry, ensure_ascii=False))
    (folder / "audit.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = write_report(folder).read_text(encoding="utf-8")
    assert "summary.json is missing" in page and "older version" in page
    assert "SRC is not recorded" in page  # no settings: the kept copy's text cannot be looked up
    assert 'data-similarity="0.90"' in page  # the removed copies are still shown
    assert outline(page).mismatched == []


def test_summary_only_folder(seeds_run, tmp_path):
    folder = tmp_path / "summary-only"
    folder.mkdir()
    shutil.copy(seeds_run / "summary.json", folder)
    page = write_report(folder).read_text(encoding="utf-8")
    assert "audit.jsonl is missing" in page
    assert "fr.widget.commentaires" in page  # rules still listed from summary.json's counts


def test_unusual_share_is_flagged(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    lines = []
    for i in range(20):
        site = "odd.example" if i == 0 else f"site{i}.example"
        before = "x" * 600 if i == 0 else "y" * 10
        lines.append({"id": f"{i}.txt", "status": "changed", "site": site, "chars_in": 1000, "chars_out": 1000 - len(before),
                      "changes": [{"stage": "lines", "rule": "r.widget", "line": 1, "before": before, "after": None}]})
    (folder / "audit.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    page = write_report(folder).read_text(encoding="utf-8")
    flagged = page.split('id="unusual-shares"')[1].split("</div>")[0]
    assert "odd.example" in flagged and "site1.example" not in flagged
    assert 'class="heavy"' in page  # odd.example lost 60% of its text


def test_a_200_000_document_report_stays_small(tmp_path):
    """A synthetic audit of 200,000 documents: examples are sampled and counted, and the page
    stays under 2 MB (it is about 0.3 MB, from an audit of 64 MB)."""
    folder = tmp_path / "big"
    folder.mkdir()
    line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
    hits, clusters, sources = 0, set(), set()
    with (folder / "audit.jsonl").open("w", encoding="utf-8") as audit:
        for i in range(200_000):
            site = f"site{i % 5000}.example"
            if i % 100 == 7:
                path = f"in{i // 1000}.jsonl"
                sources.add(path)
                entry = {"id": f"{path}:{i % 1000}", "status": "rejected", "reason": "input.malformed-json",
                         "path": path, "line": i % 1000, "error": "not JSON: fix or remove the line",
                         "chars_in": 0, "chars_out": 0}
            elif i % 10 == 1:
                sources.add(site)
                clusters.add(("document", i % 20000))
                entry = {"id": f"doc{i}", "status": "removed", "reason": "dedup.document-near",
                         "similarity": 0.85, "kind": "near", "duplicate_of": f"doc{i % 20000}", "site": site,
                         "chars_in": 3000, "chars_out": 0, "changes": []}
            else:
                sources.add(site)
                changes = [{"stage": "lines", "rule": f"rule.{i % 700}", "line": 2, "before": line, "after": None}]
                hits += i % 700 == 0
                if i % 3 == 0:
                    clusters.add(("paragraph", i % 40000))
                    changes.append({"stage": "dedup", "rule": "dedup.paragraph-near", "line": 5, "before": line,
                                    "after": None, "similarity": 0.9, "kind": "near",
                                    "duplicate_of": f"doc{i % 40000}", "duplicate_of_paragraph": 1})
                entry = {"id": f"doc{i}", "status": "changed", "site": site, "chars_in": 3000,
                         "chars_out": 3000 - len(line), "changes": changes}
            audit.write(json.dumps(entry) + "\n")
    page_path = write_report(folder)
    assert page_path.stat().st_size < 2_000_000, page_path.stat().st_size
    page = page_path.read_text(encoding="utf-8")
    assert f"3 of {hits:,} changes shown" in page
    assert f"The 500 sources that lost the largest share are listed, of {len(sources):,}." in page
    assert "The first 200 of 2,000 are listed" in page  # rejected inputs
    assert f"24 of {len(clusters):,} clusters shown" in page  # the 12 largest of each level
    assert "older version" not in page and "not complete JSON" not in page


def test_duplicate_documents_side_by_side(tmp_path):
    words = ("le gouvernement a présenté mardi un projet de loi sur la réforme des retraites qui prévoit "
             "un report progressif de l’âge légal et une hausse de la durée de cotisation").split()
    text = "\n\n".join(" ".join(words[i:] + words[:i]) for i in range(0, 24, 3)) + "\n"
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text.replace("mardi", "jeudi", 1) + "\nPartager\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(src), str(out), "-q", "--workers", "1", "--level", "document"]) == 0
    page = (out / ".cleanse" / REPORT_NAME).read_text(encoding="utf-8")
    cluster = page.split('<div class="cluster" data-level="document" data-kept="a.txt">')[1]
    assert "removed copy: <span class=\"id\">b.txt</span>" in cluster and 'data-similarity="0.92"' in cluster
    assert "<del>mardi</del>" in cluster and "<ins>jeudi</ins>" in cluster  # the word that differs
    assert "Partager" not in cluster  # the removed copy as the run left it: its widget line was cleaned


def test_report_command_has_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--help"])
    assert exc.value.code == 0
    assert "REPORT_DIR" in capsys.readouterr().out


@pytest.mark.parametrize("kept", ["k1", "k\u2028odd"])
def test_cluster_members_are_found_whichever_lines_the_second_pass_reads(tmp_path, kept):
    # The second pass reads only the lines naming a kept id when the audit writes ids as the
    # needles are; an id the writer escapes differently (a line separator) makes it read every
    # duplicate decision as well, so the members are the same either way.
    from cleanse.output_records import json_line
    from cleanse.report.clusters import Cluster, _collect

    near = {"rule": "dedup.paragraph-near", "line": 2, "before": "x", "duplicate_of": kept,
            "duplicate_of_paragraph": 0, "similarity": 0.9, "kind": "near"}  # fmt: skip
    lines = [
        {"id": kept, "status": "kept"},
        {"id": "a", "status": "changed", "changes": [near]},
        {"id": "b", "status": "removed", "reason": "dedup.document-exact", "duplicate_of": kept},
        {"id": "c", "status": "changed", "changes": [{**near, "duplicate_of": "other"}]},
    ]
    audit = tmp_path / "audit.jsonl"
    audit.write_text("".join(json_line(e) for e in lines), encoding="utf-8")
    wanted = {
        ("paragraph", kept, 0): Cluster("paragraph", kept, None, 2),
        ("document", kept, -1): Cluster("document", kept, None, 2),
    }
    entries = _collect(audit, wanted, {kept})
    assert [m.doc_id for m in wanted[("paragraph", kept, 0)].members] == ["a"]
    assert [m.doc_id for m in wanted[("document", kept, -1)].members] == ["b"]
    assert "b" in entries and (kept in entries) == (kept == "k1")
