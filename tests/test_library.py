"""The library does what the CLI does: `Pipeline` cleans and deduplicates, gives the same output
and audit as `cleanse run` on the seeds and on a 2 MB JSONL in five batches, and the README's
example runs."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

from cleanse import DedupConfig, Pipeline, ReadConfig, read_documents
from cleanse.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
HEADLINE = "La mise en scène du rapprochement entre Moscou et Pyongyang"
HEADLINE_SEED = "001_86e46f91a25bda8f.txt"


def readme_example() -> str:
    """The first python block of the README's `## Library` section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Library\n", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[:1]
    return code


def test_the_readme_example_runs_and_deduplicates():
    code = readme_example()
    assert len(code.strip().splitlines()) <= 10
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 5, done.stdout  # four seeds (none dropped: include_removed), the summary
    by_id = {line.split()[0]: line.split() for line in lines[:4]}
    assert int(by_id[f"seeds/{HEADLINE_SEED}"][2]) >= 3  # the headline's copies, at least
    assert "'in': 4" in lines[4]


def seed_records() -> list[dict[str, str]]:
    return [{"id": p.name, "text": p.read_text(encoding="utf-8")} for p in sorted(SEEDS.glob("*.txt"))]


def test_pipeline_removes_the_copies_of_a_headline_as_the_cli_does(tmp_path):
    out = {r["id"]: r["text"] for r in Pipeline(dedup=True).run(seed_records())}
    golden = (ROOT / "tests" / "golden" / HEADLINE_SEED).read_text(encoding="utf-8")
    assert out[HEADLINE_SEED].count(HEADLINE) == golden.count(HEADLINE) < 6


def test_without_dedup_the_copies_stay():
    out = {r["id"]: r["text"] for r in Pipeline().run(seed_records())}
    assert out[HEADLINE_SEED].count(HEADLINE) == 6


def test_include_removed_keeps_one_row_per_record_and_marks_it():
    records = [{"text": "Une phrase assez longue pour compter comme un paragraphe entier ici."}] * 3
    plain = list(Pipeline(dedup=DedupConfig(level="document")).run(records))
    kept = list(Pipeline(dedup=DedupConfig(level="document"), include_removed=True).run(records))
    assert len(plain) == 1 and len(kept) == 3
    assert [r["cleanse"]["status"] for r in kept] == ["kept", "removed", "removed"]
    assert kept[1]["text"] == "" and kept[1]["cleanse"]["reason"].startswith("dedup.document-")


def test_a_persistent_index_carries_over_between_runs(tmp_path):
    record = {"id": "a", "text": "Une phrase assez longue pour compter comme un paragraphe entier ici."}
    pipe = Pipeline(dedup=DedupConfig(level="document"), index=tmp_path / "idx", include_removed=True)
    [first] = pipe.run([record])
    [second] = pipe.run([record | {"id": "b"}])
    assert first["cleanse"]["status"] == "kept"
    assert second["cleanse"]["status"] == "removed" and second["cleanse"]["from_index"] is True
    assert pipe.summary["documents"]["in"] == 1


def test_the_library_never_prints(capsys):
    list(Pipeline(dedup=True).run(seed_records()))
    assert capsys.readouterr() == ("", "")


def cli_run(src: Path, dest: Path, *extra: str) -> list[dict]:
    assert main(["run", str(src), str(dest), "--workers", "1", "-q", *extra]) == 0
    report = dest.parent / ".cleanse" / dest.name if dest.suffix else dest / ".cleanse"
    return [json.loads(line) for line in (report / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def test_parity_on_the_seeds(tmp_path):
    audit = cli_run(SEEDS, tmp_path / "out")
    docs = read_documents(SEEDS, ReadConfig())
    got = list(Pipeline(dedup=True, include_removed=True).run(docs))
    assert [r["cleanse"] for r in got] == audit
    for record in got:
        assert (tmp_path / "out" / record["id"]).read_text(encoding="utf-8") == record["text"], record["id"]


def two_mb_jsonl(path: Path) -> Path:
    """About 2 MB of records: seed paragraphs and synthetic ones, with exact and near copies."""
    rng = random.Random(13)
    paragraphs = [p for s in SEEDS.glob("*.txt") for p in s.read_text(encoding="utf-8").split("\n") if p.strip()]
    words = sorted({w for p in paragraphs for w in p.split()})
    records, size, n = [], 0, 0
    while size < 2_000_000:
        if records and rng.random() < 0.15:
            text = rng.choice(records)["text"]  # an exact copy of an earlier document
            if rng.random() < 0.5:
                text = text.replace(rng.choice(text.split()), "autre", 1)  # a near copy
        else:
            body = [" ".join(rng.choice(words) for _ in range(rng.randint(15, 90))) + "." for _ in range(8)]
            body += rng.sample(paragraphs, 4)  # boilerplate and shared paragraphs
            rng.shuffle(body)
            text = "\n".join(body) + "\n"
        record = {"id": f"r{n}", "text": text, "url": f"https://site{n % 7}.example/{n}"}
        records.append(record)
        size += len(text)
        n += 1
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_parity_on_a_2_mb_jsonl_in_several_batches(tmp_path):
    src = two_mb_jsonl(tmp_path / "big.jsonl")
    audit = cli_run(src, tmp_path / "out.jsonl", "--batch-mb", "0.4")
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(a["status"] == "removed" for a in audit) > 50  # duplicates were found and removed
    pipe = Pipeline(dedup=True, batch_chars=400_000, include_removed=True)
    got = list(pipe.run(read_documents(src, ReadConfig())))
    assert [r.pop("cleanse") for r in got] == audit
    assert [r for r, a in zip(got, audit, strict=True) if a["status"] not in ("removed", "rejected")] == written
    # Plain dicts give the same texts (the audit then has no file and line to name).
    records = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in Pipeline(dedup=True, batch_chars=400_000).run(records)]
    assert texts == [r["text"] for r in written]
    summary = json.loads((tmp_path / ".cleanse" / "out.jsonl" / "summary.json").read_text(encoding="utf-8"))
    assert pipe.summary == {k: v for k, v in summary.items() if k not in ("settings", "seconds")}
