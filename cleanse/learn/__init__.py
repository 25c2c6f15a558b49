"""Corpus-learned boilerplate: mine the template lines each site repeats, as rules to review.

Public API: `learn_boilerplate(docs, config) -> LearnedRules` with `LearnConfig`;
`LearnedRules.to_toml()` and `LearnedRules.matches(site, line)`.
"""

from cleanse.learn.miner import LearnConfig
from cleanse.learn.normalize import line_key, site_of
from cleanse.learn.rules import LearnedRule, LearnedRules, learn_boilerplate

__all__ = [
    "LearnConfig",
    "LearnedRule",
    "LearnedRules",
    "learn_boilerplate",
    "line_key",
    "site_of",
]
