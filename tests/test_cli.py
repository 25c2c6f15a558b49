"""The CLI contract: exit codes, error lines, formats, pipes, layout and determinism.

Exit codes, what is printed and the pipe go through a real `python -m cleanse`; the tests of what
a command writes call `main` in this process (the same command, without a new interpreter's
imports: most of a small run's time)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
FR_DOC = "Titre de l’article\n\nPartager cet article\n\nLe gouvernement a présenté mardi un projet de loi sur la réforme des retraites.\n"


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanse", *args], input=stdin, capture_output=True, text=True,
        check=False, cwd=ROOT,
    )  # fmt: skip


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_usage_error_exits_2():
    assert cli("run").returncode == 2
    assert cli("frobnicate").returncode == 2


def test_missing_src_is_a_one_line_error(tmp_path):
    result = cli("run", str(tmp_path / "nope"), str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith("cleanse: error: ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("dest", ["same", "inside"])
def test_dest_overlapping_src_is_refused(tmp_path, dest):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(FR_DOC, encoding="utf-8")
    target = src if dest == "same" else src / "out"
    result = cli("run", str(src), str(target), "-q")
    assert result.returncode == 1
    assert "overlaps SRC" in result.stderr
    assert (src / "a.txt").read_text(encoding="utf-8") == FR_DOC


def test_txt_tree_is_mirrored_with_report(tmp_path):
    src = tmp_path / "src"
    (src / "site-a" / "2024").mkdir(parents=True)
    (src / "site-a" / "2024" / "x.txt").write_text(FR_DOC, encoding="utf-8")
    (src / "b.txt").write_text("Un texte simple et propre, sans rien à enlever du tout.", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(src), str(out), "-q"]) == 0
    assert "Partager" not in (out / "site-a" / "2024" / "x.txt").read_text(encoding="utf-8")
    assert (out / "b.txt").read_text(encoding="utf-8") == (src / "b.txt").read_text(encoding="utf-8")
    audit = [json.loads(x) for x in (out / ".cleanse" / "audit.jsonl").read_text().splitlines()]
    assert [a["id"] for a in audit] == ["b.txt", "site-a/2024/x.txt"]
    assert [a["status"] for a in audit] == ["kept", "changed"]
    change = audit[1]["changes"][0]
    assert change == {"stage": "lines", "rule": "fr.widget.partager", "line": 3, "before": "Partager cet article", "after": None}
    summary = json.loads((out / ".cleanse" / "summary.json").read_text())
    assert summary["documents"] == {"in": 2, "written": 2, "kept": 1, "changed": 1, "removed": 0, "rejected": 0}
    assert summary["rules"]["fr.widget.partager"]["lines_removed"] == 1


def test_run_prints_a_human_summary_naming_the_report(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(FR_DOC, encoding="utf-8")
    result = cli("run", str(src), str(tmp_path / "out"))
    assert result.returncode == 0
    assert "1 documents" in result.stderr and "summary.json" in result.stderr


def test_jsonl_keeps_fields_ids_and_reports_bad_lines(tmp_path):
    src = tmp_path / "in.jsonl"
    good = {"url": "https://www.example.fr/a", "id": "doc-1", "body": FR_DOC, "n": 3}
    nameless = {"body": "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites."}
    src.write_text(json.dumps(good) + "\n{not json\n" + json.dumps(nameless) + "\n" + json.dumps({"other": 1}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["run", str(src), str(out), "--text-field", "body", "-q"]) == 0
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert list(records[0]) == ["url", "id", "body", "n"]
    assert records[0]["n"] == 3 and "Partager" not in records[0]["body"]
    audit = [json.loads(x) for x in (tmp_path / ".cleanse" / "out.jsonl" / "audit.jsonl").read_text().splitlines()]
    assert [a["id"] for a in audit] == ["doc-1", "in.jsonl:2", "in.jsonl:3", "in.jsonl:4"]
    assert audit[1]["status"] == "rejected" and audit[1]["reason"] == "input.malformed-json"
    assert audit[3]["reason"] == "input.missing-text"


def test_jsonl_gz_in_a_folder(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    with gzip.open(src / "part-0.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(json.dumps({"text": FR_DOC}) + "\n")
    out = tmp_path / "out"
    assert main(["clean", str(src), str(out), "-q"]) == 0
    with gzip.open(out / "part-0.jsonl.gz", "rt", encoding="utf-8") as f:
        record = json.loads(f.readline())
    assert "Partager" not in record["text"]


def test_stdin_to_stdout_pipe():
    lines = json.dumps({"id": "a", "text": FR_DOC}) + "\n"
    result = cli("run", "-", "-", "-q", stdin=lines)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == "a" and "Partager" not in record["text"]


def test_workers_do_not_change_the_output(tmp_path):
    src = tmp_path / "src.jsonl"
    docs = [{"id": i, "text": FR_DOC.replace("mardi", f"le {i}") + ("\nin\n" if i % 3 else "")} for i in range(1200)]
    write_jsonl(src, docs)
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        assert main(["clean", str(src), str(out), "--workers", workers, "-q"]) == 0
        outputs.append((out.read_bytes(), (tmp_path / ".cleanse" / out.name / "audit.jsonl").read_bytes()))
    assert outputs[0] == outputs[1]


def test_explain_writes_nothing_and_names_rules(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(FR_DOC, encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    result = cli("explain", str(src), "--color", "never")
    assert result.returncode == 0
    assert "fr.widget.partager" in result.stdout and "- Partager cet article" in result.stdout
    assert sorted(tmp_path.iterdir()) == before


def test_explain_refuses_a_report_folder_and_says_where_the_run_is_explained(tmp_path, capsys):
    # In this process (the exit codes are main's return values; test_usage_error_exits_2 and
    # the others here check them through a real `python -m cleanse`).
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text(FR_DOC, encoding="utf-8")
    assert main(["run", str(tmp_path / "src"), str(tmp_path / "out"), "-q"]) == 0
    report = tmp_path / "out" / ".cleanse"
    for given in (report, report / "audit.jsonl", report / "report.html"):
        capsys.readouterr()
        assert main(["explain", str(given)]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert "report folder, not input" in err
        assert str(report / "audit.jsonl") in err
    # A user's own audit.jsonl beside a summary.json of another shape is input like any other.
    other = tmp_path / "other"
    other.mkdir()
    (other / "summary.json").write_text('{"pages": 3}', encoding="utf-8")
    write_jsonl(other / "audit.jsonl", [{"text": FR_DOC}])
    assert main(["explain", str(other / "audit.jsonl"), "--color", "never"]) == 0
    assert "fr.widget.partager" in capsys.readouterr().out


def test_rules_test_passes_on_builtin_packs():
    result = cli("rules", "test")
    assert result.returncode == 0, result.stdout
    assert "examples pass" in result.stdout


def test_rules_test_names_file_rule_and_example(tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text(
        "[[rule]]\nid = 'mine.subscribe'\nstage = 'lines'\naction = 'drop_line'\npattern = '^Subscribe$'\n"
        "tests.drop = ['Subscribe now']\ntests.keep = ['x']\n"
    )
    result = cli("rules", "test", str(bad))
    assert result.returncode == 1
    assert "mine.toml" in result.stdout and "mine.subscribe" in result.stdout and "Subscribe now" in result.stdout
    run = cli("run", str(bad), str(tmp_path / "o"), "--rules", str(bad))
    assert run.returncode == 1 and "mine.subscribe" in run.stderr


def test_user_rules_apply(tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text(
        "[[rule]]\nid = 'mine.subscribe'\nstage = 'lines'\naction = 'drop_line'\npattern = '^Subscribe now$'\n"
        "tests.drop = ['Subscribe now']\ntests.keep = ['Subscribe now to the idea.']\n"
    )
    src = tmp_path / "a.txt"
    src.write_text("A real sentence of the article, long enough.\nSubscribe now\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["clean", str(src), str(out), "--rules", str(rules), "-q"]) == 0
    assert out.read_text() == "A real sentence of the article, long enough.\n"


def test_rules_list_shows_scope_and_status():
    result = cli("rules", "list", "--lang", "fr")
    assert result.returncode == 0
    assert "fr.widget.partager" in result.stdout and "stable" in result.stdout
    assert "en.widget.share" not in result.stdout


def test_every_command_has_help(capsys):
    parser = build_parser()
    for argv in ([], ["run"], ["clean"], ["dedup"], ["explain"], ["report"], ["rules"], ["rules", "test"], ["rules", "list"], ["rules", "learn"]):
        with pytest.raises(SystemExit) as exc:
            main([*argv, "--help"])
        assert exc.value.code == 0
        assert len(capsys.readouterr().out) > 200
    assert parser.description


def test_undecodable_bytes_are_flagged(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "latin.txt").write_bytes("Le café est très apprécié à Paris depuis longtemps.".encode("cp1252"))
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    out = tmp_path / "out"
    assert main(["run", str(src), str(out), "-q"]) == 0
    assert (out / "latin.txt").read_text(encoding="utf-8") == "Le café est très apprécié à Paris depuis longtemps."
    audit = {a["id"]: a for a in map(json.loads, (out / ".cleanse" / "audit.jsonl").read_text().splitlines())}
    assert audit["latin.txt"]["flags"] == ["decoded-cp1252"]
    assert audit["image.txt"]["status"] == "rejected" and audit["image.txt"]["reason"] == "input.binary"


def _site_tree(root: Path) -> None:
    bodies = [
        "Le conseil municipal a voté mardi le budget de la ville pour l’année prochaine, après un long débat.",
        "Les habitants du quartier nord réclament depuis des mois une nouvelle ligne de bus vers la gare.",
        "La bibliothèque rouvrira ses portes en mars après deux ans de travaux de rénovation énergétique.",
        "Le club de football local a remporté dimanche son troisième match consécutif devant ses supporters.",
        "Une exposition consacrée aux peintres de la région ouvre samedi au musée des beaux-arts de la ville.",
        "Les travaux du pont principal devraient durer jusqu’à l’été, selon les services techniques municipaux.",
    ]
    for i, body in enumerate(bodies):
        folder = root / "gazette"
        folder.mkdir(parents=True, exist_ok=True)
        text = f"Abonnez-vous à la Gazette du Val\nÉdition du {i + 3} mai 2024\n\n{body}\n\n{body.upper()[:40]} est une phrase reprise.\n\nSuivez la Gazette sur les réseaux\n"
        (folder / f"article-{i}.txt").write_text(text, encoding="utf-8")


def test_rules_learn_writes_reviewable_candidates(tmp_path):
    _site_tree(tmp_path / "src")
    out = tmp_path / "candidates.toml"
    assert main(["rules", "learn", str(tmp_path / "src"), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'status = "review"' in text and "gazette" in text
    assert "Abonnez-vous" in text and "Suivez la Gazette" in text
    assert "conseil municipal" not in text
    assert main(["rules", "test", str(out)]) == 0
    # Reviewed candidates are ordinary rules once their status is accepted.
    cleaned = tmp_path / "out"
    assert main(["clean", str(tmp_path / "src"), str(cleaned), "--rules", str(out), "--rule-status", "stable,review", "-q"]) == 0
    assert "Abonnez-vous" not in (cleaned / "gazette" / "article-0.txt").read_text(encoding="utf-8")


def test_run_learn_drops_site_templates_and_keeps_bodies(tmp_path):
    _site_tree(tmp_path / "src")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "src"), str(out), "--learn", "-q", "--classify", "off"]) == 0
    text = (out / "gazette" / "article-2.txt").read_text(encoding="utf-8")
    assert "Abonnez-vous" not in text and "Suivez la Gazette" not in text
    assert "La bibliothèque rouvrira ses portes" in text
    audit = [json.loads(x) for x in (out / ".cleanse" / "audit.jsonl").read_text().splitlines()]
    assert any(c["stage"] == "learned" for c in audit[0]["changes"])
    summary = json.loads((out / ".cleanse" / "summary.json").read_text())
    assert summary["learned_rules"]
