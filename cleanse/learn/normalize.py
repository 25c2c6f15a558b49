"""Normal forms of lines for corpus-learned boilerplate: digits, dates and counters become slots.

Two lines of the same template differ only in their numbers and month names ("12 comments",
"3 comments"; "Updated 4 May 2021"); `line_key` maps them to one key and `key_pattern` turns a key
back into an anchored regex (the `regex` module's syntax) that matches every such variant.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import regex

_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "decembre",
    "janv",
    "févr",
    "fév",
    "avr",
    "juil",
    "déc",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
]
# Longest names first so that 'september' wins over 'sep' in the alternation.
_MONTH_ALT = "|".join(sorted({re.escape(m) for m in _MONTH_NAMES}, key=lambda m: (-len(m), m)))
# A month or day name is a slot only next to a number ("4 May", "May 4,", "lundi 3"): elsewhere
# "may" and "mars" are words.
MONTH_RE = re.compile(
    rf"(?<=\x00N )(?:{_MONTH_ALT})(?![^\W\d_])|(?<![^\W\d_])(?:{_MONTH_ALT})(?=\.?,? \x00N)",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(r"\d+(?:[.,:/h]\d+)*")
SPACE_RE = re.compile(r"\s+")
NUM_SLOT = "\x00N"
MONTH_SLOT = "\x00M"
SLOT_RE = re.compile("\x00[NM]")
# What a slot may match in a generated pattern.
NUM_PATTERN = r"\d+(?:[.,:/h]\d+)*"
MONTH_PATTERN = rf"(?i:{_MONTH_ALT})"


def line_key(line: str) -> str:
    """The normal form of a line: NFC, single spaces, numbers and month/day names as slots.

    >>> line_key("Updated  4 May 2021") == line_key("Updated 17 June 2020")
    True
    >>> line_key("12 comments") == line_key("3 comments")
    True
    """
    text = SPACE_RE.sub(" ", unicodedata.normalize("NFC", line)).strip()
    text = NUMBER_RE.sub(NUM_SLOT, text)
    return MONTH_RE.sub(MONTH_SLOT, text)


def key_pattern(key: str) -> str:
    """An anchored regex matching every line with this key (slots become classes, a space any
    run of whitespace, as `line_key` folds them), searched in the stripped line.

    >>> key_pattern(line_key("Page 2 of 10"))
    '^Page\\\\s+\\\\d+(?:[.,:/h]\\\\d+)*\\\\s+of\\\\s+\\\\d+(?:[.,:/h]\\\\d+)*$'
    """
    parts = []
    pos = 0
    for slot in SLOT_RE.finditer(key):
        parts.append(_escape(key[pos : slot.start()]))
        parts.append(NUM_PATTERN if slot.group() == NUM_SLOT else MONTH_PATTERN)
        pos = slot.end()
    parts.append(_escape(key[pos:]))
    return "^" + "".join(parts) + "$"


def _escape(text: str) -> str:
    escaped = str(regex.escape(text, special_only=True, literal_spaces=True))
    return escaped.replace(" ", r"\s+")  # the key holds single spaces only


def has_slots(key: str) -> bool:
    """True when the key has a number or month slot (the template varies per page)."""
    return "\x00" in key


def slug(text: str, max_words: int = 6) -> str:
    """A kebab-case ASCII slug of the first words of `text` (for rule ids).

    >>> slug("Suivez-nous sur Twitter !")
    'suivez-nous-sur-twitter'
    >>> slug("© 2024")
    'line'
    """
    ascii_text = unicodedata.normalize("NFKD", SLOT_RE.sub(" ", text))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z]+", ascii_text)[:max_words]
    return "-".join(words) or "line"


def site_slug(site: str) -> str:
    """Kebab-case id segment for a site ('www.example.com' -> 'example-com')."""
    return slug(site.removeprefix("www.").replace(".", " "), max_words=8)


def site_of(url_or_site: str) -> str:
    """The site of a url (host without 'www.'), or the given site name unchanged.

    >>> site_of("https://www.lemonde.fr/pixels/article/2015/05/04/x.html")
    'lemonde.fr'
    >>> site_of("example.com")
    'example.com'
    """
    if "://" in url_or_site:
        host = urlsplit(url_or_site).hostname or ""
        return host.removeprefix("www.")
    return url_or_site.strip().removeprefix("www.")
