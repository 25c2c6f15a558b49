"""The feature rows of many pages at once are each page's own rows, bit for bit
(cleanse.classify.context.pages_matrix, the path `classify_documents` takes with the model)."""

from __future__ import annotations

import itertools

import numpy as np

from cleanse.classify import ClassifyConfig
from cleanse.classify import classifier as cl
from cleanse.classify.context import LineColumns, feature_matrix, pages_matrix
from cleanse.classify.model import DEFAULT_MODEL
from cleanse.classify.wordscore import word_scores

from .real_texts import REAL_TEXTS
from .test_classifier import EN_PARA, FOOTER_EN, MENU_EN
from .test_many_documents import _wcxb_pages


def test_pages_at_once_give_each_pages_rows() -> None:
    cfg = ClassifyConfig(mode="page")
    docs = [
        ([*MENU_EN, EN_PARA[0], "", EN_PARA[1], *FOOTER_EN], "en"),
        (["One line alone"], "en"),  # a page of one line: every neighbour off the page
        ([*FOOTER_EN, "Related", *MENU_EN], "en"),  # no region: no best region on the page
        *[(text.split("\n"), lang) for text, lang in list(REAL_TEXTS.values())[:3]],
        *_wcxb_pages(4),
    ]
    inputs, scores_per_page = [], []
    for (lines, _lang), feats in zip(docs, cl._documents_features(docs, cfg), strict=True):
        lay = cl.page_layout(feats, cfg)
        keep, reason, _kinds = cl.rule_decisions(feats, lay, cfg)
        inputs.append(cl._matrix_inputs(lines, feats, lay, keep, reason))
        scores_per_page.append(lay.region_scores)
    words = DEFAULT_MODEL.words if DEFAULT_MODEL is not None else {}
    sizes = [len(idx) for idx, _ in inputs]
    ws = word_scores(list(itertools.chain.from_iterable(c.texts for _, c in inputs)), words)
    together = pages_matrix(LineColumns.joined([c for _, c in inputs]), ws, sizes, scores_per_page)
    alone = [
        feature_matrix(cols, region_scores, page_ws)
        for (_, cols), region_scores, page_ws in zip(
            inputs, scores_per_page, np.split(ws, np.cumsum(sizes)[:-1]), strict=True
        )
    ]
    assert together.shape == (sum(sizes), alone[0].shape[1])
    assert together.tobytes() == np.concatenate(alone).tobytes()
