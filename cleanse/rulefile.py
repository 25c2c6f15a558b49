"""Reading a rule file safely: size and nesting checked before TOML parsing, then each rule
table's keys; and line numbers.

`tomllib` recurses once per level of nested arrays and inline tables (a RecursionError past about
a thousand) and keeps every prefix of a dotted key (`a.a.a…` of 100 KB takes 9.9 GB), so a rule
file is scanned first, in one pass and constant memory, and refused when it is larger or deeper
than any rule file needs. The line helpers point error messages at the line to fix.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import regex

from cleanse.errors import RuleFileError

# The built-in packs are a few KB with two levels of nesting (`tests.fix = [["a", "b"]]`); a
# learned file for thousands of sites stays under a few MB.
MAX_FILE_BYTES = 16_000_000
MAX_NESTING = 32  # arrays / inline tables open at once, and parts of one dotted key
_HEADER_RE = regex.compile(r"^[ \t]*\[\[[ \t]*(?<name>[^\]]*?)[ \t]*\]\]", regex.MULTILINE)
_ANY_HEADER_RE = regex.compile(r"^[ \t]*\[", regex.MULTILINE)
TOP_LEVEL = "rule"  # the one top-level name a rule file holds: [[rule]] tables
KNOWN_KEYS = {
    "id", "stage", "action", "pattern", "replace", "lang", "sites", "status", "note", "guard",
    "drop_next", "field", "tests", "evidence", "contains",
}  # fmt: skip
TEST_KEYS = {"fix", "drop", "keep"}
GUARD_KEYS = {"max_rank"}


def rule_tables(path: Path) -> Iterator[tuple[Mapping[str, Any], int | None]]:
    """Each `[[rule]]` table of a file with the line of its header, its keys checked."""
    text = _read_bounded(path)
    shape = shape_error(text)
    if shape is not None:
        line, what = shape
        rule_id = rule_id_at(text, line)
        in_rule = f" (in rule {rule_id!r})" if rule_id else ""
        msg = (
            f"{path}:{line}: {what}{in_rule}, deeper than any rule needs (at most {MAX_NESTING} "
            "levels are read): check the brackets and dots on that line"
        )
        raise RuleFileError(msg)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML: {exc}"
        raise RuleFileError(msg) from exc
    except (RecursionError, MemoryError) as exc:  # what the shape check should have caught
        msg = f"{path}: too deeply nested to read as a rule file ({type(exc).__name__})"
        raise RuleFileError(msg) from exc
    for key in data:
        if key != TOP_LEVEL:
            found = key_line(text, key)
            msg = (
                f"{path}:{found or '?'}: unknown table or key {key!r}; a rule file holds only "
                f"[[{TOP_LEVEL}]] tables{_did_you_mean(key, [TOP_LEVEL], '[[{}]]')}"
            )
            raise RuleFileError(msg)
    tables = data.get(TOP_LEVEL, [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        msg = f"{path}:{key_line(text, TOP_LEVEL) or '?'}: rules are written as [[rule]] tables"
        raise RuleFileError(msg)
    for index, table in enumerate(tables):
        header = table_header_line(text, index)
        _refuse_unknown_keys(table, text, path, header)
        yield table, header


def _read_bounded(path: Path) -> str:
    """The file's text, refusing files over MAX_FILE_BYTES before reading them whole."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        msg = f"{path}: cannot be read: {exc}"
        raise RuleFileError(msg) from exc
    if len(data) > MAX_FILE_BYTES:
        msg = (
            f"{path}: over {MAX_FILE_BYTES:,} bytes, more than any rule file needs; "
            "split it, or check that --rules names a rule file"
        )
        raise RuleFileError(msg)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not valid TOML: rule files are UTF-8 ({exc})"
        raise RuleFileError(msg) from exc


def _refuse_unknown_keys(table: Mapping[str, Any], text: str, path: Path, line: int | None) -> None:
    """Refuse keys a rule does not have, and unknown keys inside `tests` and `guard`, naming the
    line of the key (else of the rule's header) and the expected name."""
    rule_id = table.get("id")
    for key in table:
        if key not in KNOWN_KEYS:
            found = key_line(text, key, table_line=line) or line
            msg = (
                f"{path}:{found or '?'}: rule {rule_id!r}: unknown key {key!r}"
                f"{_did_you_mean(key, KNOWN_KEYS, '`{}`')}; known keys are "
                f"{', '.join(sorted(KNOWN_KEYS))}"
            )
            raise RuleFileError(msg)
    for name, known in (("tests", TEST_KEYS), ("guard", GUARD_KEYS)):
        sub = table.get(name)
        if not isinstance(sub, dict):
            continue
        for key in sub:
            if key not in known:
                found = key_line(text, f"{name}.{key}", table_line=line)
                found = found or key_line(text, name, table_line=line) or line
                msg = (
                    f"{path}:{found or '?'}: rule {rule_id!r}: unknown key `{name}.{key}`"
                    f"{_did_you_mean(key, known, f'`{name}.{{}}`')}; `{name}` holds "
                    f"{', '.join(sorted(known))}"
                )
                raise RuleFileError(msg)


def _did_you_mean(key: str, known: Iterable[str], form: str) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {form.format(close[0])}?)" if close else ""


def shape_error(text: str) -> tuple[int, str] | None:
    """(line, what) for the first place where `text` nests deeper than MAX_NESTING, else None.

    Strings and comments are skipped; a dotted key counts one level per dot.

    >>> shape_error('a = [[1, 2]]\\nb.c = "[[[["\\n')
    >>> shape_error("x = " + "[" * 40 + "]" * 40)
    (1, 'arrays or inline tables nested 33 deep')
    """
    depth = dots = 0
    line = 1
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "\n":
            line += 1
            dots = 0
        elif char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        elif char in "\"'":
            i, line = _skip_string(text, i, line)
            continue
        elif char in "[{":
            depth += 1
            dots = 0
            if depth > MAX_NESTING:
                return line, f"arrays or inline tables nested {depth} deep"
        elif char in "]}":
            depth -= 1
        elif char in "=,":
            dots = 0
        elif char == ".":
            dots += 1
            if dots >= MAX_NESTING:
                return line, f"a dotted key of more than {MAX_NESTING} parts"
        i += 1
    return None


def _skip_string(text: str, start: int, line: int) -> tuple[int, int]:
    """The index after the string that opens at `start`, and the line it ends on."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        closing = quote * 3
        i = start + 3
        while True:
            end = text.find(closing, i)
            if end < 0:
                return len(text), line + text.count("\n", start)
            if quote == '"' and _escaped(text, end):
                i = end + 1
                continue
            # A closing run may be up to five quotes long: the last three close the string.
            while text.startswith(quote, end + 3):
                end += 1
            return end + 3, line + text.count("\n", start, end)
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\n":
            return i, line  # unterminated: tomllib will say so
        if char == "\\" and quote == '"':
            i += 2
            continue
        if char == quote:
            return i + 1, line
        i += 1
    return i, line


def _escaped(text: str, at: int) -> bool:
    """True when the character at `at` follows an odd number of backslashes."""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def line_of(text: str, offset: int) -> int:
    """The 1-based line of a character offset."""
    return text.count("\n", 0, offset) + 1


def table_header_line(text: str, index: int, name: str = "rule") -> int | None:
    """The line of the `index`-th `[[name]]` header (0-based), None when it is not written so."""
    seen = 0
    for match in _HEADER_RE.finditer(text):
        if match.group("name") == name:
            if seen == index:
                return line_of(text, match.start())
            seen += 1
    return None


def key_line(text: str, key: str, table_line: int | None = None) -> int | None:
    """The line that assigns `key` or opens a table named `key`: anywhere in the file, or with
    `table_line` (the line of a table's header) within that table. None when not found."""
    lines = text.split("\n")
    name = regex.escape(key)
    key_re = regex.compile(rf"""^[ \t]*(?:\[\[?[ \t]*)?(?:{name}|"{name}"|'{name}')[ \t]*[.=\]]""")
    first = table_line + 1 if table_line else 1
    for number in range(first, len(lines) + 1):
        if table_line and _ANY_HEADER_RE.match(lines[number - 1]):
            break
        if key_re.match(lines[number - 1]):
            return number
    return None


def rule_id_at(text: str, line: int) -> str | None:
    """The `id` of the `[[rule]]` table that holds `line`, when it is written plainly."""
    lines = text.split("\n")
    start = None
    for number in range(min(line, len(lines)), 0, -1):
        header = _HEADER_RE.match(lines[number - 1])
        if header is not None and header.group("name") == "rule":
            start = number
            break
    if start is None:
        return None
    for number in range(start + 1, len(lines) + 1):
        if _ANY_HEADER_RE.match(lines[number - 1]):
            return None
        found = _ID_LINE_RE.match(lines[number - 1])
        if found is not None:
            return str(found.group("id"))
    return None


_ID_LINE_RE = regex.compile(r"""^[ \t]*id[ \t]*=[ \t]*["'](?<id>[^"'\n]*)["']""")
