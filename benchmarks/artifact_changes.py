"""Count what each artifact rule changes in real text, with samples to check by hand.

Artifact rules repair words in place (`qquand` -> `quand`), so every change they make in clean,
edited text is a candidate false positive. This script runs the artifact stage alone, as a run
would (language detected per document, the rule's guard and lexicon), over the novels in
../shared/corpora and the raw page scrapes of ../shared/eval/wcxb-dev, and reports per rule how
many words it changed and which, most frequent first, each with a line of context.

    python benchmarks/artifact_changes.py [--corpora DIR] [--wcxb DIR] [--samples N] [--json FILE]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import regex

from cleanse.lang import UNDETERMINED, detect_language
from cleanse.packs import load_rules
from cleanse.rule_engine import RuleRunner

SHARED = REPO.parent / "shared"
_TOKEN_RE = regex.compile(r"\S+")


def documents(corpora: Path, wcxb: Path) -> Iterator[tuple[str, str]]:
    """(source name, text) of every novel and every raw wcxb page, in a fixed order."""
    for path in sorted(corpora.glob("*/*.txt")):
        yield (
            f"corpora/{path.parent.name}/{path.name}",
            path.read_text(encoding="utf-8", errors="replace"),
        )
    for path in sorted(wcxb.glob("*.raw.txt")):
        yield f"wcxb/{path.name}", path.read_text(encoding="utf-8", errors="replace")


def word_changes(before: str, after: str) -> Iterator[tuple[str, str]]:
    """The (old, new) whitespace-separated tokens that differ between two versions of a line."""
    old, new = _TOKEN_RE.findall(before), _TOKEN_RE.findall(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            yield " ".join(old[i1:i2]), " ".join(new[j1:j2])


def context(line: str, token: str, width: int = 60) -> str:
    """About `width` characters of `line` either side of `token`."""
    at = max(line.find(token), 0)
    return line[max(0, at - width) : at + len(token) + width].replace("\n", " ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=SHARED / "corpora")
    parser.add_argument("--wcxb", type=Path, default=SHARED / "eval" / "wcxb-dev" / "docs")
    parser.add_argument("--samples", type=int, default=40, help="distinct changes listed per rule")
    parser.add_argument("--json", type=Path, help="also write every distinct change to this file")
    args = parser.parse_args()

    rules = load_rules(check=False).select(["stable"]).for_stage("artifacts")
    runners: dict[str, RuleRunner] = {}
    changes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    where: dict[tuple[str, str, str], str] = {}
    docs = chars = 0
    by_lang: Counter[str] = Counter()
    started = time.perf_counter()
    for name, text in documents(args.corpora, args.wcxb):
        docs += 1
        chars += len(text)
        lang = detect_language(text[:4000])
        by_lang[lang] += 1
        if lang == UNDETERMINED:
            lang_rules = [r for r in rules if r.applies_to(None, None)]
        else:
            lang_rules = [r for r in rules if r.applies_to(lang, None)]
        if lang not in runners:
            runners[lang] = RuleRunner(lang_rules, None if lang == UNDETERMINED else lang, 1.0)
        lines = list(enumerate(text.split("\n"), start=1))
        outcome = runners[lang].run(lines)
        for change in outcome.changes:
            for old, new in word_changes(change.before, change.after or ""):
                key = (change.rule, old, new)
                changes[change.rule][(old, new)] += 1
                where.setdefault(key, f"{name}:{change.line}: …{context(change.before, old)}…")
    elapsed = time.perf_counter() - started

    print(f"{docs} documents, {chars:,} characters, languages {dict(by_lang)}, {elapsed:.0f} s")
    for rule in rules:
        counted = changes.get(rule.id, Counter())
        print(f"\n{rule.id}: {sum(counted.values())} changes, {len(counted)} distinct")
        for (old, new), count in counted.most_common(args.samples):
            print(f"  {count:5d}  {old!r} -> {new!r}   {where[(rule.id, old, new)]}")
    if args.json:
        rows = [
            {
                "rule": rule,
                "before": old,
                "after": new,
                "count": n,
                "sample": where[(rule, old, new)],
            }
            for rule, counted in changes.items()
            for (old, new), n in counted.most_common()
        ]
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
