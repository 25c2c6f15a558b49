"""`LineVerdict`: an immutable (keep, reason, scores) with a fresh scores dict by default, its
scores read from its page's table on the classifier's pages, and the audit's scores of many
verdicts at once."""

from __future__ import annotations

import pickle

import pytest

from cleanse.classify import ClassifyConfig, LineVerdict, classify_lines
from cleanse.classify.score_table import audit_scores
from cleanse.score_rounding import rounded_scores

EN_LINE = (
    "The council voted on Tuesday to close the old bridge to cars, after an inspection found "
    "that two of its supports had cracked during the winter."
)


def test_a_verdict_holds_its_fields_and_a_fresh_dict_by_default() -> None:
    a, b = LineVerdict(True, "blank"), LineVerdict(True, "blank")
    assert a.scores == {} and a.scores is not b.scores
    v = LineVerdict(False, "nav", {"prose": 0.123456})
    assert (v.keep, v.reason, v.scores) == (False, "nav", {"prose": 0.123456})
    assert v.score == 0.1235
    assert repr(v) == "LineVerdict(keep=False, reason='nav', scores={'prose': 0.123456})"
    assert pickle.loads(pickle.dumps(v)) == v
    with pytest.raises(AttributeError):
        v.keep = True  # type: ignore[misc]


def test_the_fast_constructor_builds_the_same_verdict() -> None:
    fast = tuple.__new__(LineVerdict, (True, "content", {"p_content": 0.9}, None))
    assert isinstance(fast, LineVerdict)
    assert fast == LineVerdict(True, "content", {"p_content": 0.9})
    assert fast.score == 0.9


def test_a_verdict_read_from_its_page_table_is_a_verdict_with_its_dict() -> None:
    page = ["Home", "News", "Sport", "Weather", "Contact", "", EN_LINE, "Share on Facebook"]
    for config in (ClassifyConfig(mode="page"), ClassifyConfig(mode="page", use_model=False)):
        verdicts = classify_lines(page, "en", config)
        assert verdicts[5].scores == {} and verdicts[5].score is None  # the blank line
        for v in verdicts:
            own = LineVerdict(v.keep, v.reason, v.scores)
            assert v == own and own == v and not v != own  # noqa: SIM202 - __ne__ on purpose
            assert repr(v) == repr(own) and v.score == own.score
            assert pickle.loads(pickle.dumps(v)) == own
            assert v.scores is not v.scores  # a new dict at each read: none is shared
        moved = verdicts[0].decided(True, "guard-all-dropped")
        assert (moved.keep, moved.reason, moved.scores) == (
            True,
            "guard-all-dropped",
            verdicts[0].scores,
        )
    assert verdicts[0] != LineVerdict(False, "nav", {})


def test_the_audit_scores_are_the_rounded_dicts_of_the_verdicts() -> None:
    page = ["Home", "News", "Sport", "Weather", "Contact", "", EN_LINE, "Share on Facebook"]
    for config in (
        ClassifyConfig(mode="page"),
        ClassifyConfig(mode="page", use_model=False),
        ClassifyConfig(mode="article"),
    ):
        verdicts = classify_lines(page, "en", config)
        rows = [i for i, v in enumerate(verdicts) if v.reason != "blank"]
        score, scores = audit_scores(verdicts, rows)
        picked = [verdicts[i] for i in rows]
        assert score == [v.score for v in picked]
        want = rounded_scores([v.scores for v in picked])
        assert [list(s.items()) for s in scores] == [list(s.items()) for s in want]
    # A threshold given as an int stays an int, as `round` leaves it.
    verdicts = classify_lines(page, "en", ClassifyConfig(mode="page", threshold=1))
    score, scores = audit_scores(verdicts, [0, 1])
    assert scores[0]["threshold"] == 1 and type(scores[0]["threshold"]) is int
    # Verdicts of several tables: one by one.
    mixed = [verdicts[0], LineVerdict(False, "nav", {"prose": 0.12345})]
    assert audit_scores(mixed, [0, 1]) == (
        [verdicts[0].score, 0.1235],
        rounded_scores([verdicts[0].scores, {"prose": 0.12345}]),
    )
