"""The stopped-run helper cleans up after itself: the marker that makes a signal fire once lives
in a folder of its own, removed when the run is finished (none left in the temporary folder)."""

from __future__ import annotations

import re
import signal
from pathlib import Path

from .helpers import finish, stopped_run


def _marker_folder(proc) -> Path:
    found = re.search(r"'([^']*cleanse-test-fired-[^']*)/fired'", " ".join(proc.args))
    assert found, proc.args
    return Path(found.group(1))


def test_a_fired_run_leaves_no_marker_behind():
    proc = stopped_run(["rules", "list"], "cleanse.cli.commands:build", signame="SIGTERM")
    folder = _marker_folder(proc)
    assert folder.is_dir()
    code, _ = finish(proc, seconds=60)
    assert code == -signal.SIGTERM  # the hook fired at the first command built
    assert not folder.exists()
