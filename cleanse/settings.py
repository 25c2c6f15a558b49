"""A run's settings, derived from its frozen configs: what summary.json records and what
`--resume` compares.

Every field of `JobConfig` and of the stage configs it holds (ReadConfig, CleanConfig,
LearnConfig, DedupConfig) is recorded under its own name, so a field added to one of them is
recorded, and checked on resume, without touching this module. Only the fields listed below are
left out, each with the reason.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleanse.job import JobConfig
    from cleanse.rules import RuleSet

# How a run is conducted, not what it computes: not recorded at all.
#   progress: the display the CLI hands in; resume, overwrite, wait: what to do about a report
#   folder, a DEST or a lock that is already there (the output is the same either way).
NOT_SETTINGS = frozenset({"progress", "resume", "overwrite", "wait"})
# Recorded in summary.json, but left out of the fingerprint `--resume` compares: the output does
# not depend on them, so a run may resume with other values.
#   workers: results come back in input order whatever their number (cleanse.parallel).
NOT_IN_FINGERPRINT = frozenset({"workers"})
# Stage configs whose fields are recorded flat, beside JobConfig's own (one namespace: a clash is
# refused by `run_settings`, so two configs never hide each other's field).
FLAT_CONFIGS = ("read", "cleaning")


def run_settings(config: JobConfig, ruleset: RuleSet) -> dict[str, Any]:
    """Everything that decides the run's output, by field name, plus the rules loaded.

    A `dedup` or `learn` config is recorded whole (or None when that stage is off);
    `annotate_field` only matters with `annotate`, so it is None without it.
    """
    out: dict[str, Any] = {}
    for item in dataclasses.fields(config):
        name = item.name
        if name in NOT_SETTINGS:
            continue
        value = getattr(config, name)
        if name in FLAT_CONFIGS:
            for key, sub in _plain(value).items():
                if key in out or any(f.name == key for f in dataclasses.fields(config)):
                    msg = f"setting {key!r} of JobConfig.{name} clashes with another setting"
                    raise AssertionError(msg)
                out[key] = sub
        elif name == "dedup":
            out["dedup"] = value is not None
            out["dedup_params"] = None if value is None else value.params()
        else:
            out[name] = _plain(value)
    if not config.annotate:
        out["annotate_field"] = None
    out["rule_files"] = list(ruleset.files)
    out["rules_loaded"] = len(ruleset.rules)
    return out


def fingerprint_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings a resumed run must share with the run it continues."""
    return {key: value for key, value in settings.items() if key not in NOT_IN_FINGERPRINT}


def _plain(value: Any) -> Any:
    """A config as JSON-ready values: dataclasses as dicts, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
