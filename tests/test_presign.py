"""cleanse.presign: the cleaning workers sign what they cleaned; the duplicate stage takes the rows.

The rows joined for a batch must be the rows the duplicate stage computes from the batch itself
(so the output does not depend on who signed), and a run with 2 workers must give the bytes a
run with 1 gives, without signing any batch in the parent.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from cleanse.cli import main
from cleanse.dedup import DedupConfig
from cleanse.dedup.documents import signing_texts
from cleanse.dedup.workers import Signed, sign_all
from cleanse.document import Document
from cleanse.presign import Presigned, PresignedBackend, Signing

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _documents(count: int, seed: int = 5) -> list[Document]:
    """Seed paragraphs and made-up ones, some hard-wrapped, with exact and near copies."""
    rng = random.Random(seed)
    paragraphs = [p for s in sorted(SEEDS.glob("*.txt")) for p in s.read_text(encoding="utf-8").split("\n") if p.strip()]
    words = sorted({w for p in paragraphs for w in p.split()})
    texts: list[str] = []
    for _ in range(count):
        if texts and rng.random() < 0.2:
            text = rng.choice(texts)
            if rng.random() < 0.5:
                text = text.replace(rng.choice(text.split()), "autre", 1)
        else:
            body = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 60))) for _ in range(3)]
            body += rng.sample(paragraphs, 2)
            rng.shuffle(body)
            if rng.random() < 0.3:  # hard-wrapped at 60: paragraphs of several lines
                body = [line for p in body for line in _wrap(p, 60)] + [""]
            text = "\n".join(body) + "\n"
        texts.append(text)
    return [Document.from_text(f"d{n}", t) for n, t in enumerate(texts)]


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _assert_same_rows(got: Signed, want: Signed) -> None:
    for name in Signed.__slots__:
        a, b = getattr(got, name), getattr(want, name)
        if isinstance(b, tuple):  # CSR shingle sets
            assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]), name
        elif b is None:
            assert a is None, name
        else:
            assert a.dtype == b.dtype and np.array_equal(a, b), name


@pytest.mark.parametrize("level", ["both", "document", "paragraph"])
def test_rows_joined_for_a_batch_are_the_rows_the_batch_signs(level):
    config = DedupConfig(level=level)
    docs = _documents(60)
    store = Presigned(Signing(config, keep_sets=True))
    for start in range(0, len(docs), 7):  # groups of 7, signed together
        group = docs[start : start + 7]
        rows = store.signing.sign(group)
        for k, doc in enumerate(group):
            store.put(doc, rows, k)
    for a, b in ((0, 10), (10, 33), (33, 60)):  # batch edges inside groups
        batch = docs[a:b]
        taken = store.take(batch)
        assert taken is not None
        signed, spans = taken
        texts = [signing_texts(doc, level) for doc in batch]
        want = sign_all([(doc.id, t) for doc, (t, _) in zip(batch, texts, strict=True)], config, True, 1)
        _assert_same_rows(signed, want)
        assert spans == [s for _, s in texts]
    assert not store._rows  # every row was taken


def test_a_batch_with_a_document_signed_nowhere_is_signed_as_usual():
    config = DedupConfig()
    docs = _documents(12)
    store = Presigned(Signing(config, keep_sets=True))
    rows = store.signing.sign(docs[:6])
    for k, doc in enumerate(docs[:6]):
        store.put(doc, rows, k)
    assert store.take(docs[:8]) is None
    assert not store._rows  # dropped anyway: nothing stays behind for a batch that is gone
    # The backend signs when the rows are not those of the documents it is given.
    rows = store.signing.sign(docs[:5])
    for k, doc in enumerate(docs[:5]):
        store.put(doc, rows, k)
    five = store.take(docs[:5])
    assert five is not None
    pairs = [(d.id, signing_texts(d, "both")[0]) for d in docs[:6]]
    signed = PresignedBackend(five[0]).sign(pairs, config, True, 1)
    _assert_same_rows(signed, sign_all(pairs, config, True, 1))


def _run(src: Path, dest: Path, workers: int) -> tuple[bytes, bytes]:
    assert main(["run", str(src), str(dest), "-j", str(workers), "-q", "--batch-mb", "0.3"]) == 0
    report = dest.parent / ".cleanse" / dest.name
    return dest.read_bytes(), (report / "audit.jsonl").read_bytes()


def test_two_workers_sign_for_the_duplicate_stage_and_give_the_same_bytes(tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": d.id, "text": d.text, "n": n}) for n, d in enumerate(_documents(700))]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batches_signed_here: list[int] = []

    def counted(docs, *args):
        batches_signed_here.append(len(docs))
        return sign_all(docs, *args)

    monkeypatch.setattr("cleanse.dedup.workers.sign_all", counted)
    alone = _run(src, tmp_path / "one.jsonl", 1)
    assert batches_signed_here  # one process signs each batch whole
    batches_signed_here.clear()
    shared = _run(src, tmp_path / "two.jsonl", 2)
    assert not batches_signed_here  # the workers signed every document
    assert shared == alone
    audit = [json.loads(line) for line in alone[1].decode("utf-8").splitlines()]
    reasons = {a.get("reason") for a in audit} | {c["rule"] for a in audit for c in a["changes"]}
    assert {"dedup.document-exact", "dedup.paragraph-exact"} <= reasons  # duplicates were settled
