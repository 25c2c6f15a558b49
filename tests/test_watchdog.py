"""The rule engine's time budget is CPU time: waiting or sharing a loaded CPU never spends it,
while a CPU-bound runaway is still stopped."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest
import regex

from cleanse.rule_engine import RuleRunner
from cleanse.rules import parse_rule
from cleanse.watchdog import Overtime, cpu_clock, time_limit

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timers here")


def _spin(cpu_seconds: float) -> None:
    """Busy work until this thread has used `cpu_seconds` of CPU."""
    end = cpu_clock() + cpu_seconds
    while cpu_clock() < end:
        sum(range(1000))


def _hog(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        pass


def test_sleeping_in_the_block_spends_no_budget():
    start = time.monotonic()
    with time_limit(0.2) as armed:
        assert armed
        time.sleep(0.6)  # three budgets of wall time, no CPU
    assert time.monotonic() - start >= 0.6


def test_a_cpu_bound_block_is_stopped_after_its_cpu_budget():
    start = cpu_clock()
    with pytest.raises(Overtime), time_limit(0.2):
        _spin(5.0)
    used = cpu_clock() - start
    assert 0.2 <= used < 2.0


def test_a_runaway_pattern_is_stopped():
    with pytest.raises(Overtime), time_limit(0.2):
        regex.search(r"(a|aa)+$", "a" * 80 + "\x00")


def test_work_on_a_loaded_cpu_is_not_stopped_while_under_its_cpu_budget():
    # This process shares one CPU with four busy ones: 0.15 s of CPU take several times the 0.3 s
    # budget in wall time; the wall-clock limit of before rang here.
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity here")

    def work() -> bool:
        with time_limit(0.3) as armed:
            _spin(0.15)
        return armed

    armed, wall = _pinned_with_hogs(work)
    assert armed
    assert wall > 0.3, f"the CPU was not shared as planned ({wall:.2f} s of wall time)"


def test_cpu_used_by_another_thread_is_not_charged_to_the_block():
    # ITIMER_PROF counts the whole process; the budget is the guarded thread's own CPU.
    stop = time.monotonic() + 1.0
    worker = threading.Thread(target=_hog, args=(stop,))
    worker.start()
    try:
        with time_limit(0.4):
            _spin(0.2)
    finally:
        worker.join()


def test_the_limit_is_not_armed_outside_the_main_thread():
    seen = []

    def body() -> None:
        with time_limit(0.1) as armed:
            seen.append(armed)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [False]


def test_the_timer_is_left_as_it_was_found():
    with time_limit(0.5):
        pass
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)


def test_a_host_programs_profiling_timer_is_not_taken_over():
    previous = signal.signal(signal.SIGPROF, lambda *_: None)
    try:
        with time_limit(0.1) as armed:
            assert not armed
    finally:
        signal.signal(signal.SIGPROF, previous)


def test_a_runaway_rule_is_named_and_skipped_and_the_document_kept():
    rule = parse_rule(
        {
            "id": "mine.runaway",
            "stage": "lines",
            "action": "drop_line",
            "pattern": r"\d:(a|aa)+$",
            "tests": {"drop": ["1:aaa"], "keep": ["1:aab"]},
        },
        "mine.toml",
    )
    trap = "1:" + "a" * 60 + "!"
    start = cpu_clock()
    outcome = RuleRunner([rule], None, timeout=0.1).run([(1, trap), (2, "1:aaa"), (3, "Text stays.")])
    assert outcome.timeouts == ["mine.runaway"]  # the alarm rang, the redo named the rule
    assert [text for _, text in outcome.lines] == [trap, "1:aaa", "Text stays."]  # then skipped
    assert cpu_clock() - start < 3.0


def _pinned_with_hogs(work):
    """Run `work()` with this process and four busy processes pinned to one CPU; returns its
    result and the wall time it took."""
    cpu = min(os.sched_getaffinity(0))
    before = os.sched_getaffinity(0)
    context = multiprocessing.get_context("fork")
    hogs = [context.Process(target=_hog, args=(time.monotonic() + 60,), daemon=True) for _ in range(4)]
    os.sched_setaffinity(0, {cpu})
    try:
        for hog in hogs:
            hog.start()
            os.sched_setaffinity(hog.pid, {cpu})
        time.sleep(0.2)  # let the hogs run
        start = time.monotonic()
        result = work()
        return result, time.monotonic() - start
    finally:
        for hog in hogs:
            hog.terminate()
        for hog in hogs:
            hog.join()
        os.sched_setaffinity(0, before)


def test_a_document_on_a_loaded_cpu_is_cleaned_as_on_an_idle_one():
    # The document's rule work is given a budget of twice its CPU cost; on one CPU shared with
    # four busy processes it takes several budgets of wall time, and must still not be cut.
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity here")
    rule = parse_rule(
        {"id": "mine.slowish", "stage": "lines", "action": "drop_line", "pattern": r"\d:(a|aa)+$",
         "tests": {"drop": ["1:aaa"], "keep": ["1:aab"]}},
        "mine.toml",
    )  # fmt: skip
    # (a|aa)+ tries every split of the a's before the "!" stops it: about 2 ms of CPU a line here.
    lines = [(n, "1:" + "a" * 20 + "!") for n in range(1, 101)] + [(101, "1:aaa")]
    chars = sum(len(text) for _, text in lines)
    start = cpu_clock()
    idle = RuleRunner([rule], None, timeout=10.0).run(lines)
    cost = cpu_clock() - start
    budget = max(2 * cost, 0.05 + chars / 100_000)
    runner = RuleRunner([rule], None, timeout=budget - chars / 100_000)
    loaded, wall = _pinned_with_hogs(lambda: runner.run(lines))
    assert wall > budget, f"the CPU was not shared as planned ({wall:.2f} s for a {budget:.2f} s budget)"
    assert loaded.flags == idle.flags == [] and loaded.timeouts == idle.timeouts == []
    assert loaded.lines == idle.lines == lines[:-1]  # the last line dropped, the slow ones kept
