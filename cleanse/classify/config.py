"""Settings of the line classifier (`ClassifyConfig`): the document kinds it knows and the knobs
of its rule pass and model, validated on construction."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.errors import ConfigError

MODES = ("auto", "article", "page", "off")


@dataclass(frozen=True, slots=True)
class ClassifyConfig:
    """Settings of the line classifier; the defaults are safe on articles and on raw pages.

    `mode`: 'auto' detects the kind of document, 'article' only drops obvious furniture, 'page'
    always looks for content regions, 'off' keeps everything.
    """

    mode: str = "auto"
    min_prose: float = 0.5  # a line at least this prose-like anchors a content region
    gap_penalty: float = 0.7  # weight of a non-prose line when finding regions
    cue_penalty: float = 1.2  # weight of a line with a furniture cue
    min_region_score: float = 1.5
    min_region_share: float = 0.35  # a secondary region must score this share of the best one
    near_lines: int = 15  # ... or lie at most this many lines from it
    article_max_run: int = 5  # longest run of non-prose lines an extracted article may show
    article_min_prose_chars: float = 0.7  # share of characters in prose lines of an article
    article_max_run_share: float = 0.25  # ... or at most this share of its lines in longer runs
    outside_min_prose: float = 0.9  # outside regions keep only long, clearly prose lines
    outside_min_words: int = 40
    tail_penalty: float = 4.0  # weight of a 'related'/'comments' header when finding regions
    continue_share: float = 0.5  # prose below an ending header, as a share of the article above,
    # that shows the article goes on (a 'Recommended' box inside the text)
    min_furniture_lines: int = 1  # lines of menus, share bars, notices a page dump shows at least
    min_table_numeric: float = 0.25  # share of numeric lines that makes a short-line run a table
    guess_lang: bool = True  # for lang 'und' or unknown codes, guess from stop words
    # On page dumps the fitted model decides (cleanse.classify.model, fitted on wcxb-dev and
    # readability-pages): it beats the rule pass on sites it never saw and guts far fewer pages
    # (benchmarks/README.md). False: the rule pass alone, the explained fallback.
    use_model: bool = True
    threshold: float | None = None  # the model's keep threshold; None: the fitted one

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            msg = f"ClassifyConfig.mode must be one of {MODES}, got {self.mode!r}"
            raise ConfigError(msg)
        for name in (
            "min_prose",
            "min_region_share",
            "article_min_prose_chars",
            "article_max_run_share",
            "outside_min_prose",
            "continue_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                msg = f"ClassifyConfig.{name} must be in [0, 1], got {value!r}"
                raise ConfigError(msg)
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            msg = f"ClassifyConfig.threshold must be in [0, 1] or None, got {self.threshold!r}"
            raise ConfigError(msg)
        if self.article_max_run < 0 or self.outside_min_words < 0:
            msg = "ClassifyConfig.article_max_run and outside_min_words must be >= 0"
            raise ConfigError(msg)
