"""cleanse: turn scraped web text into clean, deduplicated corpora, with a report of every change.

>>> from cleanse import clean_text
>>> clean_text("pendant qquand un accord", lang="fr")
'pendant quand un accord'

The names below are imported on first use (PEP 562), so that `cleanse --help` and `cleanse rules
list` start without loading ftfy, numpy or numba.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleanse.lazy import lazy_exports

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "Change": "cleanse.document",
    "CleanConfig": "cleanse.clean_config",
    "CleanseError": "cleanse.errors",
    "Cleaner": "cleanse.clean",
    "ConfigError": "cleanse.errors",
    "DedupConfig": "cleanse.dedup.config",
    "Document": "cleanse.document",
    "InputError": "cleanse.errors",
    "Pipeline": "cleanse.pipeline",
    "ReadConfig": "cleanse.readers",
    "Rejected": "cleanse.document",
    "Rule": "cleanse.rules",
    "RuleFileError": "cleanse.errors",
    "RuleSet": "cleanse.rules",
    "clean_text": "cleanse.clean",
    "load_rules": "cleanse.packs",
    "read_documents": "cleanse.readers",
}

if TYPE_CHECKING:
    from cleanse.clean import Cleaner, clean_text
    from cleanse.clean_config import CleanConfig
    from cleanse.dedup.config import DedupConfig
    from cleanse.document import Change, Document, Rejected
    from cleanse.errors import CleanseError, ConfigError, InputError, RuleFileError
    from cleanse.packs import load_rules
    from cleanse.pipeline import Pipeline
    from cleanse.readers import ReadConfig, read_documents
    from cleanse.rules import Rule, RuleSet


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "Change",
    "CleanConfig",
    "Cleaner",
    "CleanseError",
    "ConfigError",
    "DedupConfig",
    "Document",
    "InputError",
    "Pipeline",
    "ReadConfig",
    "Rejected",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "__version__",
    "clean_text",
    "load_rules",
    "read_documents",
]
