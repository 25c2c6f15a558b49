"""cleanse: turn scraped web text into clean, deduplicated corpora, with a report of every change.

>>> from cleanse import clean_text
>>> clean_text("pendant qquand un accord", lang="fr")
'pendant quand un accord'
"""

from __future__ import annotations

__version__ = "0.1.0"

from cleanse.clean import CleanConfig, Cleaner, clean_text
from cleanse.document import Change, Document
from cleanse.errors import CleanseError, ConfigError, InputError, RuleFileError
from cleanse.packs import load_rules
from cleanse.pipeline import Pipeline
from cleanse.readers import ReadConfig, read_documents
from cleanse.rules import Rule, RuleSet

__all__ = [
    "Change",
    "CleanConfig",
    "CleanseError",
    "Cleaner",
    "ConfigError",
    "Document",
    "InputError",
    "Pipeline",
    "ReadConfig",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "__version__",
    "clean_text",
    "load_rules",
    "read_documents",
]
