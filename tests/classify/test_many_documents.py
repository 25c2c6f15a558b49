"""`classify_documents` (many documents in one call) gives each document exactly the verdicts
`classify_lines` gives it alone, and `Cleaner.clean_many` exactly what `Cleaner.clean` gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanse.classify import (
    ClassifyConfig,
    classify_documents,
    classify_lines,
    features,
    wordscore,
)
from cleanse.clean import CleanConfig, Cleaner
from cleanse.document import Document
from cleanse.packs import load_rules

from .real_texts import REAL_TEXTS
from .test_classifier import EN_PARA, FOOTER_EN, FR_PARA, MENU_EN, MENU_FR

WCXB = Path(__file__).resolve().parents[3] / "shared" / "eval" / "wcxb-dev"


def _wcxb_pages(limit: int) -> list[tuple[list[str], str]]:
    if not (WCXB / "index.jsonl").is_file():
        return []
    rows = (WCXB / "index.jsonl").read_text(encoding="utf-8").splitlines()[:limit]
    out = []
    for row in rows:
        meta = json.loads(row)
        text = (WCXB / "docs" / f"{meta['id']}.raw.txt").read_text(encoding="utf-8")
        out.append((text.split("\n"), meta.get("lang") or "und"))
    return out


def _documents() -> list[tuple[list[str], str]]:
    """Page dumps, articles, texts of several languages, a repeated page, and edge cases."""
    page_en = MENU_EN + EN_PARA + FOOTER_EN
    docs = [
        (page_en, "en"),
        (MENU_FR + FR_PARA, "fr"),
        (EN_PARA, "en"),
        ([], "en"),
        (["", "   ", ""], "en"),
        (["One line only."], "und"),
        (page_en, "en"),  # the same page again: its lines come from the cache
        (MENU_FR + FR_PARA, "und"),  # the language guessed
    ]
    docs += [(text.split("\n"), lang) for text, lang in REAL_TEXTS.values()]
    return docs + _wcxb_pages(12)


CONFIGS = {
    "default": None,
    "page": ClassifyConfig(mode="page"),
    "article": ClassifyConfig(mode="article"),
    "rules only": ClassifyConfig(use_model=False),
    "off": ClassifyConfig(mode="off"),
}


def _exact(verdicts: list) -> list:
    """The verdicts with their scores' floats as exact reprs (a dict compares 0 == 0.0)."""
    return [(v.keep, v.reason, [(k, repr(x)) for k, x in v.scores.items()]) for v in verdicts]


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("size", [3, 1000])
def test_documents_together_get_the_verdicts_each_gets_alone(name: str, size: int) -> None:
    config = CONFIGS[name]
    docs = _documents()
    features.clear_cache()
    wordscore.clear_cache()
    alone = [_exact(classify_lines(lines, lang, config)) for lines, lang in docs]
    for cold in (True, False):  # empty caches, then every line already seen
        if cold:
            features.clear_cache()
            wordscore.clear_cache()
        together = []
        for start in range(0, len(docs), size):
            together += [_exact(v) for v in classify_documents(docs[start : start + size], config)]
        assert together == alone


def test_no_documents() -> None:
    assert classify_documents([]) == []


def test_feature_batches_of_a_few_lines_give_the_same_verdicts(monkeypatch) -> None:
    # The new lines of a call computed 8 at a time (each batch its own compiled pass).
    docs = _documents()
    features.clear_cache()
    wordscore.clear_cache()
    alone = [_exact(classify_lines(lines, lang)) for lines, lang in docs]
    monkeypatch.setattr(features, "_BATCH_LINES", 8)
    features.clear_cache()
    wordscore.clear_cache()
    assert [_exact(v) for v in classify_documents(docs)] == alone


def _texts() -> list[str]:
    texts = [text for text, _ in REAL_TEXTS.values()]
    texts += ["\n".join(lines) for lines, _ in _wcxb_pages(8)]
    texts += ["\n".join(MENU_EN + EN_PARA + FOOTER_EN), "\n".join(MENU_FR + FR_PARA), "", "x"]
    return texts


@pytest.mark.parametrize("classify", ["auto", "page", "off"])
def test_clean_many_gives_what_clean_gives(classify: str) -> None:
    cleaner = Cleaner(load_rules(), CleanConfig(classify=classify))
    docs = [Document.from_text(f"d{k}", text) for k, text in enumerate(_texts())]
    docs.append(docs[0].remove("some-stage"))  # a removed document comes back as it is
    alone = [cleaner.clean(doc) for doc in docs]
    assert cleaner.clean_many(docs) == alone
    assert cleaner.clean_many([]) == []
