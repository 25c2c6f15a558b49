"""Reading a rule file safely: size and nesting checked before TOML parsing, and line numbers.

`tomllib` recurses once per level of nested arrays and inline tables (a RecursionError past about
a thousand) and keeps every prefix of a dotted key (`a.a.a…` of 100 KB takes 9.9 GB), so a rule
file is scanned first, in one pass and constant memory, and refused when it is larger or deeper
than any rule file needs. The line helpers point error messages at the line to fix.
"""

from __future__ import annotations

import regex

# The built-in packs are a few KB with two levels of nesting (`tests.fix = [["a", "b"]]`); a
# learned file for thousands of sites stays under a few MB.
MAX_FILE_BYTES = 16_000_000
MAX_NESTING = 32  # arrays / inline tables open at once, and parts of one dotted key
_HEADER_RE = regex.compile(r"^[ \t]*\[\[[ \t]*(?<name>[^\]]*?)[ \t]*\]\]", regex.MULTILINE)
_ANY_HEADER_RE = regex.compile(r"^[ \t]*\[", regex.MULTILINE)


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
