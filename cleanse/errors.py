"""Exceptions raised by cleanse.

Every error the library raises on purpose derives from `CleanseError`, so the CLI can turn it into a
one-line `cleanse: error: …` and callers can catch one class.
"""

from __future__ import annotations


class CleanseError(Exception):
    """Base class of every error cleanse raises on purpose."""


class ConfigError(CleanseError):
    """A setting is invalid or conflicts with recorded state (e.g. a duplicate index)."""


class RuleFileError(CleanseError):
    """A rule file does not parse, a pattern does not compile, or an embedded test fails."""


class InputError(CleanseError):
    """The input cannot be read at all (missing path, unknown format, DEST inside SRC)."""


class OutputError(CleanseError):
    """DEST or the report cannot be written: a full disk, a read-only or forbidden folder."""
