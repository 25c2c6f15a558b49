"""`LineVerdict`: an immutable (keep, reason, scores) with a fresh scores dict by default."""

from __future__ import annotations

import pickle

import pytest

from cleanse.classify import LineVerdict


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
    fast = tuple.__new__(LineVerdict, (True, "content", {"p_content": 0.9}))
    assert isinstance(fast, LineVerdict)
    assert fast == LineVerdict(True, "content", {"p_content": 0.9})
    assert fast.score == 0.9
