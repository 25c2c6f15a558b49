"""Short lines of digits and symbols that read as content, not as counters: a measure or a price
("86 x 54 x 6 mm", "$7 to $10", "0.1 Pounds") on a spec sheet or a price list, an attribution
under a quote ("— RD, 2023"). The features' `counter` cue (cleanse.classify.features) fires on
their shape; the article treatment keeps them.
"""

from __future__ import annotations

import re

_SP = r"[^\S\n]?"  # a space or none, never a line break
MEASURE_RE = re.compile(
    rf"[$€£¥₹]{_SP}\d"
    rf"|\d{_SP}(?:(?:x|×|by){_SP}\d|(?:[$€£¥₹]|usd|eur|gbp"
    r"|mm|cm|km|m|in|inch(?:es)?|ft|\"|kg|g|mg|lbs?|oz|ml|cl|l|gb|mb|tb|kb|ghz|mhz|hz|w|kw|v|mah"
    r"|wh|kwh|°c|°f|px|dpi|rpm|mph|km/h|pounds|ounces|grams|liters|litres|watts)(?!\w))",
    re.IGNORECASE,
)
# An attribution under a quote or a testimonial: '— RD, 2023', '– J. Smith, 2021'.
ATTRIBUTION_RE = re.compile(r"^\s*[—–-]{1,2}\s*[^\W\d_]")

# A shop's promotion badge ('Save $100.00', 'You save 20 %'): furniture, whatever its price.
PROMO_RE = re.compile(r"^\W*(?:you\s+)?save\b", re.IGNORECASE)


def reads_as_content(text: str) -> bool:
    """Whether a short line of digits and symbols is a measure, a price or an attribution (content
    of a spec sheet, a price list, a testimonial) rather than a counter."""
    if PROMO_RE.match(text):
        return False
    return MEASURE_RE.search(text) is not None or ATTRIBUTION_RE.match(text) is not None
