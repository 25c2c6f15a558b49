"""The cycle collector is paused while documents are cleaned, and left as it was found after."""

from __future__ import annotations

import gc

import pytest

from cleanse import clean as clean_module
from cleanse.clean import CleanConfig, Cleaner
from cleanse.cycle_gc import paused_collection
from cleanse.document import Document
from cleanse.packs import load_rules


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_enabled_again_after_even_on_an_error(collector_on):
    with paused_collection():
        assert not gc.isenabled()
        with paused_collection():  # nested: the outer block enables it again, not this one
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    missing: dict[str, int] = {}
    with pytest.raises(KeyError), paused_collection():
        missing["x"]
    assert gc.isenabled()


def test_a_collector_the_host_disabled_stays_disabled(collector_on):
    gc.disable()
    with paused_collection():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_cleaning_runs_with_the_collector_paused(collector_on, monkeypatch):
    seen = []
    detect = clean_module.detect_language

    def noting(text):
        seen.append(gc.isenabled())
        return detect(text)

    monkeypatch.setattr(clean_module, "detect_language", noting)
    cleaner = Cleaner(load_rules(), CleanConfig(classify="off"))
    out = cleaner.clean_many([Document.from_text("a", "The minister said that the vote was near.\n")])
    assert seen == [False] and gc.isenabled()
    assert out[0].text == "The minister said that the vote was near.\n"
