"""One JSONL line to one JSON object, or a one-sentence reason why it cannot be one.

A line is refused when it is not JSON, not an object, or holds what cleanse could not write back
as it came: `NaN` / `Infinity` (not JSON), numbers too large for a 64-bit float, integers past
the parser's digit limit, nesting past its recursion limit. Lone surrogates left by escapes such
as `\\ud800` (UTF-8 cannot hold them) become U+FFFD, and each replacement is returned as a Change.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from collections.abc import Mapping
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.encoder import encode_basestring
from typing import Any

from cleanse.decode import normalize_newlines
from cleanse.document import Change, MetaOfRead

# A JSON escape of a surrogate, and a surrogate left alone after decoding (a pair becomes one
# character): only lines with the first are searched for the second.
SURROGATE_ESCAPE_RE = re.compile(r"\\u[dD][89a-fA-F]")
LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")
REPLACED_SURROGATES = "replaced-lone-surrogates"  # the flag of a record where some were replaced
SURROGATE_RULE = "decode.lone-surrogate"  # the rule id of each replacement in the audit
REPLACEMENT = "\ufffd"


class RecordMeta(MetaOfRead):
    """The metadata of a document read from one JSONL line, with that line's bytes, the lines of
    text the document was read with and their length (see MetaOfRead), and the line's form.

    `parts` is (text field, head, tail) when the line is head + the JSON string `json_line`
    writes for the text + tail (see `line_parts`), else None. The writer copies the line instead
    of encoding the record again when the document still has those very lines (`lines` is the
    same tuple, not an equal one) and its fields still encode to that head and tail (see
    cleanse.output_records.copied_line). A copy (`dict(meta)`, pickling to a worker) is a plain
    dict, which the writer encodes.
    """

    __slots__ = ("flags", "line", "parts")

    def __init__(
        self,
        fields: Mapping[str, Any],
        line: bytes,
        lines: tuple[str, ...],
        final_newline: bool,
        flags: tuple[str, ...],
        parts: tuple[str, str, str] | None = None,
    ) -> None:
        super().__init__(fields, lines, final_newline)
        self.line = line
        self.flags = flags
        self.parts = parts

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        return dict, (dict(self),)


# Characters that JSON allows raw in a string but that str.splitlines() and some JSONL tools take
# for line ends; written escaped so that one record is always one line.
LINE_BREAKER_PAIRS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


# A \u escape or an escaped slash: json.dumps writes neither for the characters they stand for
# (one regex scans at about 2 GB/s, five times two substring searches). A line without one holds
# no surrogate escape either.
UNUSUAL_ESCAPE_RE = re.compile(rb"\\[u/]")

# json.dumps(value, ensure_ascii=False) builds a JSONEncoder at every call; one kept encoder
# gives the same text (same options) at a third of the cost for short values (also what
# cleanse.output_records.json_line writes with).
ENCODE_JSON = json.JSONEncoder(ensure_ascii=False).encode


def _encode(value: Any) -> str:
    """`ENCODE_JSON(value)`; a string straight through the function that encoder calls for one (the
    C one), without the encoder's method around it: record_parts encodes every key and field of
    every record twice (reading and writing), and most are strings."""
    if type(value) is str:
        encoded: str = encode_basestring(value)
        return encoded
    return ENCODE_JSON(value)


def line_parts(
    line: str, record: Mapping[str, Any], text_field: str
) -> tuple[str, str, str] | None:
    """(text_field, head, tail) when `line`, which `record` was parsed from and which holds no
    \\u escape and no \\/ (UNUSUAL_ESCAPE_RE, searched by the caller in the line's bytes), is
    what cleanse.output_records.json_line writes for `record`: head + the text's JSON string +
    tail, head and tail being `record_parts` of its other fields; else None.

    Checked where the line is read, on the line already decoded: the text's JSON string in the
    line must decode (`json.decoder.scanstring`) to the record's text, end where the tail
    begins, and hold no \\u escape and no \\/ (none in the whole line): its escapes are then
    \\" \\\\ \\n \\r \\t \\b \\f, which are what json.dumps writes for those characters, and
    its other characters are raw, as json.dumps leaves them, except a line separator, which
    json_line escapes (a text holding one is encoded). Raw control characters cannot be there:
    the strict decoder refuses them.
    """
    text = record.get(text_field)
    if not isinstance(text, str) or any(sep in text for sep, _ in LINE_BREAKER_PAIRS):
        return None
    parts = record_parts(record, text_field)
    if parts is None:
        return None
    head, tail = parts
    start, end = len(head), len(line) - len(tail)  # line[start:end]: the text's JSON string
    if end - start < 2 or not line.startswith(head) or not line.endswith(tail):
        return None
    if line[start] != '"':
        return None
    try:
        decoded, stop = scanstring(line, start + 1, True)
    except ValueError:
        return None
    return (text_field, head, tail) if stop == end and decoded == text else None


def canonical_record(
    line: str, text_field: str
) -> tuple[dict[str, Any], tuple[str, str, str]] | None:
    """The record parsed from `line` and its `line_parts`, with the text's JSON string decoded
    once, when the line is in the form `json_line` writes; else None, and the caller parses the
    line (`parse_record`, then `line_parts`), which gives the same record and parts whenever this
    gives any. Only for a line with no \\u escape and no \\/ (UNUSUAL_ESCAPE_RE, searched by the
    caller in the line's bytes).

    The text's JSON string (the first `"text": "`) is decoded by `scanstring`; the rest of the
    line, with `""` in its place, is parsed; the line is taken only if it is exactly
    `record_parts` of that record around that string. Then parsing the whole line gives this
    record (the same substrings parsed by the same decoder, each key once), and `line_parts`
    these parts: the text is read once where it was read twice (parsed, then checked).

    >>> canonical_record('{"id": "a", "text": "x\\\\ny"}\\n', "text")
    ({'id': 'a', 'text': 'x\\ny'}, ('text', '{"id": "a", "text": ', '}\\n'))
    >>> canonical_record('{"id":"a","text":"x"}\\n', "text") is None  # not json_line's spacing
    True
    """
    key = _text_key(text_field)
    at = line.find(key)
    if at < 0:
        return None
    start = at + len(key) - 1  # the text's opening quote
    try:
        text, stop = scanstring(line, start + 1, True)
        record = _DECODER.decode(line[:start] + '""' + line[stop:])
    except (ValueError, RecursionError):  # not this form, or not JSON: parsed as usual
        return None
    if not isinstance(record, dict) or record.get(text_field) != "":
        return None
    record[text_field] = text  # in the key's place
    if any(sep in text for sep, _ in LINE_BREAKER_PAIRS):  # json_line escapes them
        return None
    parts = record_parts(record, text_field)
    if parts is None or parts[0] != line[:start] or parts[1] != line[stop:]:
        return None
    return record, (text_field, *parts)


@functools.lru_cache(maxsize=8)
def _text_key(text_field: str) -> str:
    """What precedes the text's JSON string in a line json_line writes: `"text": "`."""
    return ENCODE_JSON(text_field) + ': "'


def record_parts(meta: Mapping[str, Any], text_field: str) -> tuple[str, str] | None:
    """What cleanse.output_records.json_line writes before and after the text's JSON string for
    a record of these fields (the text field's value is not read), the final newline included;
    None when a field holds a value JSON has no type for (json_line would write it as text).

    >>> record_parts({"id": "a", "text": None, "n": 1}, "text")
    ('{"id": "a", "text": ', ', "n": 1}\\n')
    """
    head, tail, before = ["{"], [], True
    for key, value in meta.items():
        if key == text_field:
            head.append(_encode(key) + ": ")
            before = False
            continue
        try:
            item = f"{_encode(key)}: {_encode(value)}"
        except (TypeError, ValueError):  # not a value JSON holds: json_line would write it as text
            return None
        if before:
            head.append(item + ", ")
        else:
            tail.append(", " + item)
    if before:  # no text field
        return None
    tail.append("}\n")
    return escape_line_breakers("".join(head)), escape_line_breakers("".join(tail))


def escape_line_breakers(text: str) -> str:
    """`text` with the line separators of LINE_BREAKER_PAIRS escaped (as
    cleanse.output_records.json_line writes them).

    >>> escape_line_breakers("a\u2028b")
    'a\\\\u2028b'
    """
    # str.translate looks every character up in a dict: ~10x slower than three searches.
    for raw, escaped in LINE_BREAKER_PAIRS:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


class RecordError(ValueError):
    """A line that cannot be read as a JSON object; the message says why and what to do."""


class _NonStandardNumberError(ValueError):
    """A number JSON cannot hold (NaN, Infinity) or a 64-bit float cannot (1e999)."""


def parse_record(text: str) -> dict[str, Any]:
    """The JSON object on one line, or RecordError saying what is wrong and what to do.

    >>> parse_record('{"a": 1}')
    {'a': 1}
    >>> parse_record('{"a": NaN}')
    Traceback (most recent call last):
    ...
    cleanse.records.RecordError: the line holds NaN, which is not JSON; write null or a string instead
    """
    try:
        record = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise RecordError(_json_error(exc, text)) from None
    except (ValueError, RecursionError) as exc:
        raise RecordError(_parser_refusal(exc)) from None
    if not isinstance(record, dict):
        msg = f"the line holds {json_type(record)}, not a JSON object; write one object per line"
        raise RecordError(msg)
    return record


def _refuse_constant(name: str) -> float:
    """Refuse `NaN`, `Infinity` and `-Infinity`: Python writes them, but they are not JSON."""
    msg = f"the line holds {name}, which is not JSON; write null or a string instead"
    raise _NonStandardNumberError(msg)


def _finite_float(literal: str) -> float:
    """A JSON number with a fraction or exponent, refused when a 64-bit float cannot hold it
    (`1e999` would be written back as the non-standard `Infinity`)."""
    value = float(literal)
    if math.isinf(value):
        shown = literal if len(literal) <= 40 else literal[:37] + "..."
        msg = (
            f"the number {shown} is too large for a 64-bit float and could not be written back "
            "as it came; write it as a string"
        )
        raise _NonStandardNumberError(msg)
    return value


# One decoder for every line, as json.loads keeps one for its defaults (building one per call
# was a tenth of parsing).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def _parser_refusal(exc: ValueError | RecursionError) -> str:
    """Why the JSON parser refused a line that may well be valid JSON, and what to do."""
    if isinstance(exc, _NonStandardNumberError):
        return str(exc)
    if isinstance(exc, RecursionError):
        return (
            "the line nests lists or objects deeper than the JSON parser can follow "
            f"(about {sys.getrecursionlimit()} levels); flatten the record or remove the line"
        )
    if "integer string conversion" in str(exc):
        return (
            f"the line holds an integer of more than {sys.get_int_max_str_digits():,} digits, "
            "which the JSON parser refuses; write it as a string or remove the line"
        )
    return f"the JSON parser refused the line ({exc}); fix or remove the line"


def _json_error(exc: json.JSONDecodeError, text: str) -> str:
    """What is wrong with a line that is not JSON, and what to do."""
    where = f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
    if exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()):
        return f"the line stops mid-record ({where}), as if the file was cut off; fix or remove it"
    return f"not valid JSON ({where}); fix or remove the line"


def json_type(value: object) -> str:
    """How JSON calls the type of a value, with an article: `a number`, `a list`, `null`."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def replace_lone_surrogates(
    record: dict[str, Any], line: str, text_field: str
) -> tuple[dict[str, Any], list[Change]]:
    """The record with each lone surrogate replaced by U+FFFD, in keys and values at any depth,
    and one Change per replaced line of the text field and per other field touched.

    `line` is the JSONL line (searched first: most lines hold no surrogate escape). The walk is
    iterative, so a record nested as deep as the parser allows is handled too.

    >>> record, changes = replace_lone_surrogates({"text": "a\\ud800"}, '"\\\\ud800"', "text")
    >>> record, [(c.rule, c.line, c.before, c.after) for c in changes]
    ({'text': 'a�'}, [('decode.lone-surrogate', 1, 'a\\\\ud800', 'a�')])
    """
    if not SURROGATE_ESCAPE_RE.search(line):
        return record, []
    changes: list[Change] = []
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = _replaced(key)
        if key == text_field and isinstance(value, str):
            changes += _text_changes(value)
        elif name != key or _holds_surrogate(value):
            # A string field shows its value; a list or object, only its (possibly replaced) name.
            shown = value if isinstance(value, str) else key
            field = {"field": name}
            change = Change(
                "decode", SURROGATE_RULE, None, _escaped(shown), _replaced(shown), field
            )
            changes.append(change)
        out[name] = _replace_deep(value)
    return out, changes


def _text_changes(text: str) -> list[Change]:
    """One Change per line of the text that holds a lone surrogate, numbered as the cleaner
    numbers lines."""
    return [
        Change("decode", SURROGATE_RULE, number, _escaped(part), _replaced(part))
        for number, part in enumerate(normalize_newlines(text).split("\n"), start=1)
        if LONE_SURROGATE_RE.search(part)
    ]


def _escaped(text: str) -> str:
    """The text with each lone surrogate shown as its escape (`\\ud800`), so UTF-8 can hold it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _replaced(text: str) -> str:
    return LONE_SURROGATE_RE.sub(REPLACEMENT, text)


def _holds_surrogate(value: object) -> bool:
    """True when a string anywhere in `value` (keys included) holds a lone surrogate."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if LONE_SURROGATE_RE.search(item):
                return True
        elif isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
    return False


def _replace_deep(value: object) -> Any:
    """`value` with lone surrogates replaced in every string, containers rebuilt in place (the
    record was just parsed, nothing else holds it), without recursion."""
    if isinstance(value, str):
        return _replaced(value)
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            for i, element in enumerate(item):
                if isinstance(element, str):
                    item[i] = _replaced(element)
                else:
                    todo.append(element)
        elif isinstance(item, dict):
            pairs = list(item.items())
            item.clear()
            for key, element in pairs:
                item[_replaced(key)] = _replaced(element) if isinstance(element, str) else element
                todo.append(element)
    return value
