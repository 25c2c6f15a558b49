"""The settings of the cleaning stages (`CleanConfig`), apart from the engine that applies them.

A run records them whether it cleans or not (summary.json, `--resume`), so they live where
reading them loads neither ftfy nor the line classifier: `cleanse dedup` never imports the engine.
`cleanse.clean` re-exports the class, so `from cleanse.clean import CleanConfig` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.errors import ConfigError
from cleanse.lang import LANGUAGES, UNDETERMINED
from cleanse.rules import STATUSES

__all__ = ["DEFAULT_CLASSIFY", "CleanConfig"]

DEFAULT_CLASSIFY = "auto"  # a mode of cleanse.classify.MODES, so it needs no check


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Settings of the cleaning stages.

    lang: force a language for every document (None: detect per document).
    fix_encoding: run ftfy (CORPUS_PROFILE in cleanse.fix) on every line.
    statuses: which rule statuses apply; `review` rules are candidates a person has not checked.
    rule_timeout: CPU seconds (of the thread cleaning; not wall time, see cleanse.watchdog) one
    pattern may spend on one line (plus one per 100,000 characters) before it is skipped for the
    rest of the document, which is flagged `rule-timeout:<id>`.
    classify: the line classifier's mode: `auto` (tell an extracted article from a raw page
    dump; a text extracted from HTML, flagged `extracted-html`, is an article), `article`,
    `page`, or `off`.

    >>> CleanConfig(lang=" FR ").lang
    'fr'
    >>> CleanConfig(classify="sometimes")
    Traceback (most recent call last):
    ...
    cleanse.errors.ConfigError: ClassifyConfig.mode must be one of ('auto', 'article', 'page', 'off'), got 'sometimes'
    """

    lang: str | None = None
    fix_encoding: bool = True
    statuses: tuple[str, ...] = ("stable",)
    rule_timeout: float = 1.0
    classify: str = DEFAULT_CLASSIFY

    def __post_init__(self) -> None:
        if self.lang is not None:
            code = self.lang.strip().lower()
            if code not in (*LANGUAGES, UNDETERMINED):
                msg = (
                    f"unknown language {self.lang!r}; use one of {', '.join(LANGUAGES)} or "
                    f"{UNDETERMINED}, or None to detect it per document"
                )
                raise ConfigError(msg)
            object.__setattr__(self, "lang", code)  # frozen: normalised once, here
        unknown = set(self.statuses) - set(STATUSES)
        if unknown:
            msg = f"unknown rule status {sorted(unknown)}; use {', '.join(STATUSES)}"
            raise ConfigError(msg)
        if not self.rule_timeout > 0:
            msg = f"rule_timeout must be positive, got {self.rule_timeout}"
            raise ConfigError(msg)
        if self.classify != DEFAULT_CLASSIFY:
            # Here: the classifier's module loads numpy and its model; the default needs no check.
            from cleanse.classify import ClassifyConfig

            ClassifyConfig(mode=self.classify)  # validates the mode
