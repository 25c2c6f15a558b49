"""Learned boilerplate as candidate rules: ids, patterns, evidence, embedded tests and TOML output.

`LearnedRules.matches(site, line)` applies the learning in `cleanse run --learn`; `to_toml()` writes
the same rules in the project's rule format with status = "review" for a human to promote. Both
match one way: the rule's pattern, compiled as the rule loader compiles it, searched in the
stripped line, so a promoted rule drops exactly the lines `run --learn` dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import regex

from cleanse.learn.miner import LearnConfig, accept, mine_sites
from cleanse.learn.normalize import key_pattern, site_slug, slug
from cleanse.rules import compile_pattern


@dataclass(frozen=True, slots=True)
class LearnedRule:
    """One candidate rule with the evidence that produced it."""

    id: str
    site: str
    key: str
    pattern: str
    example: str  # the most frequent variant of the line
    variants: tuple[str, ...]
    documents: int
    of: int
    position: str
    top: int
    middle: int
    bottom: int
    samples: tuple[str, ...]

    def look_alike(self) -> str:
        """A line that shares the template's words but is prose: the rule must leave it alone."""
        return f"{self.example} was the phrase the article quoted"

    def note(self) -> str:
        return (
            f"seen in {self.documents} of {self.of} documents of {self.site}, {self.position} of "
            f"page; sample ids: {', '.join(self.samples)}"
        )


@dataclass(frozen=True, slots=True)
class LearnedRules:
    """The rules learned from a corpus, grouped by site; immutable and ordered (site, id)."""

    rules: tuple[LearnedRule, ...]
    site_documents: tuple[tuple[str, int], ...] = ()
    _index: dict[str, _SiteRules] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns: dict[str, list[tuple[str, str]]] = {}
        for rule in self.rules:
            patterns.setdefault(rule.site, []).append((rule.id, rule.pattern))
        index = {site: _SiteRules.build(found) for site, found in patterns.items()}
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[LearnedRule]:
        return iter(self.rules)

    def matches(self, site: str, line: str) -> str | None:
        """Return the id of the learned rule that drops `line` on `site`, or None.

        >>> learned = learn_boilerplate(
        ...     [(f"d{i}", "ex.com", f"Sign up now\\nBody {i} is a long sentence, with words.")
        ...      for i in range(6)])
        >>> learned.matches("ex.com", "  Sign up now ")
        'learned.ex-com.sign-up-now'
        >>> learned.matches("other.org", "Sign up now") is None
        True
        """
        rules = self._index.get(site)
        return None if rules is None else rules.first_match(line.strip())

    def to_toml(self) -> str:
        """The candidate rules in the project's rule-file format, status = "review"."""
        out = [
            "# Candidate boilerplate rules learned by `cleanse rules learn`.",
            '# Review each rule; set status = "stable" to keep it, or delete it.',
            "",
        ]
        for rule in self.rules:
            out.extend(_rule_toml(rule))
        return "\n".join(out)


@dataclass(frozen=True, slots=True)
class _SiteRules:
    """One site's learned rules in file order, and one search of all their patterns at once
    (most lines match none); the first rule that matches names the drop, as in a rule file."""

    gate: regex.Pattern[str]
    rules: tuple[tuple[str, regex.Pattern[str]], ...]

    @classmethod
    def build(cls, patterns: list[tuple[str, str]]) -> _SiteRules:
        gate = compile_pattern("|".join(f"(?:{pattern})" for _, pattern in patterns))
        return cls(gate, tuple((rule_id, compile_pattern(p)) for rule_id, p in patterns))

    def first_match(self, stripped: str) -> str | None:
        if self.gate.search(stripped) is None:
            return None
        return next((rule_id for rule_id, p in self.rules if p.search(stripped)), None)


def _toml_str(text: str) -> str:
    """A TOML string: literal when possible (no escaping of regex backslashes), else basic."""
    if "'" not in text and "\n" not in text and "\r" not in text:
        return f"'{text}'"
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    escaped = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_str(x) for x in items) + "]"


def _rule_toml(rule: LearnedRule) -> list[str]:
    evidence = (
        f"{{ documents = {rule.documents}, of = {rule.of}, site = {_toml_str(rule.site)}, "
        f"position = {_toml_str(rule.position)}, top = {rule.top}, middle = {rule.middle}, "
        f"bottom = {rule.bottom}, samples = {_toml_list(rule.samples)} }}"
    )
    return [
        "[[rule]]",
        f"id = {_toml_str(rule.id)}",
        'stage = "lines"',
        'action = "drop_line"',
        f"pattern = {_toml_str(rule.pattern)}",
        'lang = ["*"]',
        f"sites = {_toml_list([rule.site])}",
        'status = "review"',
        f"note = {_toml_str(rule.note())}",
        f"evidence = {evidence}",
        f"tests.drop = {_toml_list(rule.variants)}",
        f"tests.keep = {_toml_list([rule.look_alike()])}",
        "",
    ]


def learn_boilerplate(
    docs: Iterable[tuple[str, str, str]], config: LearnConfig | None = None
) -> LearnedRules:
    """Learn each site's template lines from `(doc_id, site, text)` triples.

    Deterministic: the result depends on the documents, not on their order.
    """
    cfg = config or LearnConfig()
    stats, site_docs = mine_sites(docs, cfg)
    rules: list[LearnedRule] = []
    for site in sorted(stats):
        used: set[str] = set()
        accepted = [(k, st) for k, st in stats[site].items() if accept(k, st, site_docs[site], cfg)]
        # Most widespread first, so the clearest templates get the plainest ids.
        accepted.sort(key=lambda item: (-item[1].documents, item[0]))
        for key, st in accepted:
            example = min(st.variants, key=lambda v: (-st.variants[v], v))
            pattern = key_pattern(key)
            variants = tuple(sorted(st.variants, key=lambda v: (-st.variants[v], v))[:3])
            compiled = compile_pattern(pattern)
            if not all(compiled.search(v) for v in variants):
                continue  # cannot happen with line_key/key_pattern; never emit a failing rule
            rule_id = _unique_id(f"learned.{site_slug(site) or 'site'}.{slug(example)}", used)
            rules.append(
                LearnedRule(
                    id=rule_id,
                    site=site,
                    key=key,
                    pattern=pattern,
                    example=example,
                    variants=variants,
                    documents=st.documents,
                    of=site_docs[site],
                    position=st.position,
                    top=st.top,
                    middle=st.middle,
                    bottom=st.bottom,
                    samples=tuple(sorted(st.samples)),
                )
            )
    rules.sort(key=lambda r: (r.site, -r.documents, r.id))
    return LearnedRules(tuple(rules), tuple(sorted(site_docs.items())))


def _unique_id(base: str, used: set[str]) -> str:
    rule_id, n = base, 2
    while rule_id in used:
        rule_id, n = f"{base}-{n}", n + 1
    used.add(rule_id)
    return rule_id
