"""Remembering, from one run to the next, that rule files passed the checks made as they load.

Loading the packs searches every pattern for runaway backtracking (cleanse.runaway) and runs every
embedded example (cleanse.ruletest): about 0.2 s of CPU at the start of every command, for files
that rarely change. When both checks pass, `remember_checks` leaves an empty marker file named by
a digest (`checks_key`) of everything their verdict depends on: the bytes of each rule file in the
order they load, the source of the modules that parse, probe and run rules, the shipped lexicons
(guarded repairs read them), the checks' settings, and the versions of Python, `regex` and
cleanse. A later load whose digest has a marker parses the files (a rule that does not parse or
compile, or a duplicate id, is still refused) but skips the two checks; any change to one of
those inputs gives another digest, so the checks run again. `cleanse rules test` never asks.

The markers live in $CLEANSE_CACHE_DIR, else $XDG_CACHE_HOME/cleanse, else ~/.cache/cleanse (under
`rule-checks/`). When that folder cannot be made, read or written, nothing is remembered and every
load checks, as before.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import regex

import cleanse
from cleanse import runaway

CACHE_ENV = "CLEANSE_CACHE_DIR"
_SUBDIR = "rule-checks"
# The modules whose code decides whether a rule file passes its checks (their source is hashed).
_CHECKING_MODULES = (
    "document",
    "lexicon",
    "packs",
    "rule_check_cache",
    "rule_engine",
    "rule_prefilter",
    "rule_state",
    "rulefile",
    "rules",
    "ruletest",
    "runaway",
    "timed_search",
    "watchdog",
)


def cache_dir() -> Path:
    """Where the markers are kept (see the module's docstring)."""
    own = os.environ.get(CACHE_ENV)
    if own:
        return Path(own) / _SUBDIR
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "cleanse" / _SUBDIR


def checks_key(files: Sequence[Path]) -> str | None:
    """The digest that names the marker of `files` (in load order); None when a file or a source
    cannot be read (then nothing is remembered)."""
    from cleanse import ruletest  # here: it loads the rule engine, which the checks need anyway

    digest = hashlib.sha256()
    settings = (
        sys.version,
        regex.__version__,
        cleanse.__version__,
        repr((runaway.PROBE_CHARS, runaway.PROBE_TIMEOUT, runaway._PROBE_CHARS)),
        repr(ruletest.EXAMPLE_TIMEOUT),
    )
    for setting in settings:
        _add(digest, setting.encode("utf-8"))
    package = Path(cleanse.__file__).parent
    sources = [package / f"{name}.py" for name in _CHECKING_MODULES]
    sources += sorted((package / "data" / "lexicon").glob("*.txt"))
    try:
        for path in sources:
            _add(digest, path.name.encode("utf-8"))
            _add(digest, path.read_bytes())
        _add(digest, b"rule files")
        for path in files:
            _add(digest, path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def checks_passed(key: str) -> bool:
    """Whether files with this `checks_key` passed both checks before."""
    try:
        return (cache_dir() / key).is_file()
    except OSError:
        return False


def remember_checks(key: str) -> None:
    """Leave the marker of `key` (its files passed both checks); silently nothing if it cannot."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # An empty file made in one call: it is there or it is not, with no contents to be
        # half-written (so neither a temporary name nor a rename is needed).
        os.close(os.open(folder / key, os.O_WRONLY | os.O_CREAT, 0o644))
    except OSError:
        return


def _add(digest: hashlib._Hash, data: bytes) -> None:
    """Feed `data` with its length, so that two inputs can never run together into the same bytes."""
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)
