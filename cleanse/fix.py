"""Mojibake repair with ftfy, in a profile that is safe for corpora, applied line by line.

The profile (`CORPUS_PROFILE`) keeps the text's own typography: curly quotes, « », full-width
characters and compatibility forms stay as written (no NFKC); only real damage is repaired.
Lines that cannot hold anything ftfy would change skip it, which is most of the speed. Control
characters ftfy leaves in place (form feed, undefined C1 codes) are removed after it. A line longer
than `PIECE_CHARS` (a page scraped without newlines) is fixed in pieces, and a `FixBudget` bounds
the ftfy work one document may cost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
import regex
from ftfy import chardata
from ftfy.badness import BADNESS_RE
from ftfy.fixes import fix_surrogates

# Each setting with its reason; the rest are ftfy's defaults (encoding repair and its helpers).
CORPUS_PROFILE = ftfy.TextFixerConfig(
    unescape_html="auto",  # "&amp;" in scraped text is an artefact, but keep it when markup is present
    fix_latin_ligatures=True,  # "ﬁ" from PDF copy-paste reads as "fi"; no meaning is lost
    fix_character_width=False,  # full-width forms are correct CJK typography, not damage
    uncurl_quotes=False,  # curly quotes and apostrophes are the author's typography
    fix_line_breaks=False,  # cleanse normalises CR/LF itself before this step
    normalization="NFC",  # canonical composition only; NFKC would rewrite ligatures, ½, ², ﬀ…
    explain=True,
)


# Characters one of the enabled fixers would touch even in text that is not mojibake: HTML
# entities, C1 controls, surrogates, and ftfy's own tables of ligatures and control characters
# (read from ftfy so that the shortcut follows its version). The scanning patterns of this module
# use `re`, which searches plain character classes about ten times faster than `regex` does.
def _build_suspect_re() -> re.Pattern[str]:
    table = set(chardata.LIGATURES) | set(chardata.CONTROL_CHARS)
    singles = "".join(re.escape(chr(code)) for code in sorted(table))
    return re.compile(rf"[&\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{singles}]")


_SUSPECT_RE = _build_suspect_re()


# Mojibake is a multi-byte sequence read one byte at a time: two or more non-ASCII characters in
# a row (lone C1 bytes are caught by _SUSPECT_RE), or Â/Ã whose no-break space became a space. A
# line without such a pair skips ftfy's costly badness test; on 100 MB of French and English prose
# this skips 88 % of non-ASCII lines and ftfy changes none of them. The one sequence badness flags
# without such a pair is "œ" or "Œ" before a non-letter; ftfy leaves it, since no single byte
# among ASCII decodes as UTF-8 (tests/test_fix_shortcut.py tries every code point).
_NON_ASCII_PAIR_RE = re.compile(r"[^\x00-\x7f](?:[^\x00-\x7f]|(?<=[\xc2\xc3])(?: |$))")
# The badness test then looks only this far around each pair: ftfy's BADNESS_RE matches sequences
# of at most 7 characters. Searching the whole line instead cost 0.25 s per MB of prose.
_BADNESS_REACH = 6

# Lines longer than this are fixed in pieces (see split_long_line). ftfy bounds its own segments the
# same way in `fix_text` (`max_decode_length`); without it, one 50 MB line took ftfy 50 s. Shorter
# lines, that is nearly all of them, are fixed whole, exactly as before.
PIECE_CHARS = 1 << 16
# The characters ftfy may be given per document (see FixBudget): at most about 5 s of its time.
FIX_BUDGET_CHARS = 4_000_000
# The last space (in the searched span) that follows an ASCII character: cut just after it.
_CUT_AFTER_SPACE_RE = regex.compile(r"(?r)[\x00-\x7f] ")
# The last character that can start a sequence: not ASCII (an entity, or the space of "Ã "), not a
# character that a UTF-8 continuation byte becomes in cp1252 or Latin-1, not a mark, not a
# surrogate. Cut just before it.
_CUT_BEFORE_RE = regex.compile(
    r"(?r)[^\x00-\xbf\p{M}\p{Cs}\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)

# The step name of removing them: the line is then worth a second round (see _fix_piece).
LEFTOVER_STEP = "remove:leftover_controls"
# C0 and C1 controls that ftfy keeps (form feed, and C1 codes with no cp1252 meaning): never text.
LEFTOVER_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Its C0 part (with DEL): ftfy removes most of these itself and keeps none of them meaningfully.
C0_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_C1_RE = re.compile(r"[\x80-\x9f]")


def _build_c1_as_cp1252() -> dict[int, str]:
    """U+0080-U+009F to the cp1252 character of the same byte; the five it leaves undefined to ''."""
    table = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = ""
    return table


_C1_AS_CP1252 = _build_c1_as_cp1252()


# The ASCII characters that send a line to ftfy (_SUSPECT_RE) or make _fix_piece remove them
# (C0_CONTROL_RE): "&" and the C0 controls but tab and LF. Derived from those two patterns.
_ASCII_SUSPECT_RE = re.compile(
    "["
    + "".join(
        re.escape(chr(code))
        for code in range(128)
        if _SUSPECT_RE.match(chr(code)) or C0_CONTROL_RE.match(chr(code))
    )
    + "]"
)
# leaves_alone's shortcut: every ASCII character the class holds but "&" is unprintable.
assert all(
    not chr(c).isprintable()
    for c in range(128)
    if chr(c) != "&" and _ASCII_SUSPECT_RE.match(chr(c))
)


def leaves_alone(line: str) -> bool:
    """True for a line `fix_line` gives back as it is, with no step (an ASCII line without "&" or
    a control character): the cleaning loop skips it without the calls of `fix_line`. False says
    nothing: `fix_line` decides.

    >>> leaves_alone("A plain line."), leaves_alone("Tom &amp; Jerry"), leaves_alone("été")
    (True, False, False)
    """
    if not line.isascii():
        return False
    if "&" not in line and line.isprintable():
        return True  # no "&", and no control character (they are all unprintable)
    return _ASCII_SUSPECT_RE.search(line) is None


def needs_fixing(line: str) -> bool:
    """Cheap test: could ftfy change this line under CORPUS_PROFILE?

    >>> needs_fixing("Un texte correct, « bien » écrit."), needs_fixing("Ã©tÃ©")
    (False, True)
    """
    if _SUSPECT_RE.search(line):
        return True
    if line.isascii():
        return False
    if not unicodedata.is_normalized("NFC", line):
        return True
    for pair in _NON_ASCII_PAIR_RE.finditer(line):
        start = max(0, pair.start() - _BADNESS_REACH)
        if BADNESS_RE.search(line, start, pair.end() + _BADNESS_REACH):
            return True
    return False


@dataclass(slots=True)
class FixBudget:
    """How many characters ftfy may still be given for the current document.

    ftfy fixes 2 to 3 MB of text per second, but under 1 MB of garbage (random bytes read as
    text), where every piece looks like mojibake. The budget bounds one document's cost; past it, lines
    only lose their control characters and lone surrogates, and `exceeded` tells the caller to
    flag the document. Ordinary documents, mojibake included, are far below it.
    """

    chars: int = FIX_BUDGET_CHARS
    exceeded: bool = False


def fix_line(line: str, budget: FixBudget | None = None) -> tuple[str, list[str]]:
    """Repair one line, one round; return it with the names of the ftfy steps that changed it.

    A round can leave work for the next one (see _fix_piece): fix a changed line again until it
    stays the same (`fix_until_stable`), as cleaning does.

    >>> fix_line("l’Ã©tÃ© dernier")
    ('l’été dernier', ['apply:decode_inconsistent_utf8'])
    """
    if len(line) <= PIECE_CHARS:
        return _fix_piece(line, CORPUS_PROFILE, budget)
    # ftfy switches HTML unescaping off when it sees "<"; decide once for the whole line, as ftfy
    # would have, rather than piece by piece.
    config = CORPUS_PROFILE._replace(unescape_html=False) if "<" in line else CORPUS_PROFILE
    fixed_pieces: list[str] = []
    names: list[str] = []
    for piece in split_long_line(line):
        fixed, steps = _fix_piece(piece, config, budget)
        fixed_pieces.append(fixed)
        names.extend(step for step in steps if step not in names)
    return "".join(fixed_pieces), names


def fix_until_stable(line: str, rounds: int = 4) -> str:
    """`fix_line` again while it changes the line (at most `rounds` times): what cleaning does to
    a line that no rule touches.

    >>> fix_until_stable("l’Ã©tÃ©")
    'l’été'
    """
    for _ in range(rounds):
        fixed, _ = fix_line(line)
        if fixed == line:
            break
        line = fixed
    return line


def _fix_piece(
    text: str, config: ftfy.TextFixerConfig, budget: FixBudget | None
) -> tuple[str, list[str]]:
    names: list[str] = []
    # C0 controls go in the end whatever ftfy does; removed first, they no longer send otherwise
    # clean text through ftfy (a NUL every hundred characters cost 0.5 s per MB).
    if C0_CONTROL_RE.search(text):
        text = C0_CONTROL_RE.sub("", text)
        names.append("remove:control_chars")
    if not needs_fixing(text):
        return text, names
    # One round: ftfy (which repeats its own fixes until the text stops changing), then the
    # controls it left. Removing those can join what they separated into new mojibake
    # ("Ã\x81©"); the cleaning loop (cleanse.clean) fixes a line again whenever it changed.
    if budget is not None:
        if budget.exceeded or budget.chars < len(text):
            budget.exceeded = True  # and stays so: the rest of the document is not fixed either
            return _strip_only(text, names)
        budget.chars -= len(text)
    fixed, steps = ftfy.fix_and_explain(text, config)
    names += [f"{step.action}:{step.parameter}" for step in steps or ()]
    text = LEFTOVER_CONTROL_RE.sub("", fixed)
    if text != fixed:
        names.append(LEFTOVER_STEP)
    return text, names


def _strip_only(text: str, names: list[str]) -> tuple[str, list[str]]:
    """What is left to do without ftfy: C1 controls read as cp1252 (as ftfy's fix_c1_controls
    does), no other controls, and no lone surrogates (UTF-8 cannot hold them)."""
    names.append("skip:over-budget")
    stripped = text.translate(_C1_AS_CP1252) if _C1_RE.search(text) else text
    if _SURROGATE_RE.search(stripped):
        stripped = fix_surrogates(stripped)
    return stripped, names


def split_long_line(line: str, size: int = PIECE_CHARS) -> list[str]:
    """Cut a line into pieces of at most `size` characters where no ftfy repair can straddle a cut.

    A cut goes, by preference, after a space that follows an ASCII character: mojibake is a run
    of non-ASCII characters (one may be a space, from a no-break space: "Ã "), and neither an HTML
    entity nor a combining sequence holds a space. Failing that (text without spaces, such as
    Chinese), before a character that can start a sequence; failing that, anywhere but inside a
    surrogate pair. The pieces join back into the line.

    >>> split_long_line("Ã  la une du jour", size=8)
    ['Ã  la ', 'une du ', 'jour']
    """
    pieces, start = [], 0
    while len(line) - start > size:
        end = start + size
        low = start + size // 2
        match = _CUT_AFTER_SPACE_RE.search(line, low, end)
        if match is not None:
            cut = match.end()
        else:
            match = _CUT_BEFORE_RE.search(line, low + 1, end + 1)
            cut = match.start() if match is not None else end
            if match is None and "\udc00" <= line[cut] <= "\udfff":
                cut -= 1  # keep a surrogate pair together
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return pieces
