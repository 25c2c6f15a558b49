"""Shared helpers for the duplicate-stage tests: a seeded text generator and planted edits."""

from __future__ import annotations

import random

import pytest

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "was",
    "for",
    "on",
    "that",
    "with",
    "as",
    "by",
    "at",
    "from",
    "his",
    "her",
    "they",
    "this",
    "which",
    "river",
    "stone",
    "garden",
    "window",
    "letter",
    "morning",
    "evening",
    "village",
    "market",
    "harbour",
    "summer",
    "winter",
    "captain",
    "doctor",
    "sister",
    "brother",
    "mother",
    "father",
    "friend",
    "stranger",
    "soldier",
    "teacher",
    "farmer",
    "walked",
    "spoke",
    "wrote",
    "opened",
    "closed",
    "remembered",
    "wondered",
    "followed",
    "answered",
    "carried",
    "quietly",
    "slowly",
    "suddenly",
    "gently",
    "nearly",
    "always",
    "never",
    "often",
    "rarely",
    "perhaps",
    "indeed",
    "green",
    "silver",
    "narrow",
    "ancient",
    "bright",
    "heavy",
    "distant",
    "golden",
    "silent",
    "broken",
    "familiar",
]


def random_text(rng: random.Random, n_words: int) -> str:
    """Seeded pseudo-prose: random words, a full stop every 8 to 15 words."""
    out, since = [], 0
    for _ in range(n_words):
        word = (
            rng.choice(WORDS) + str(rng.randrange(50)) if rng.random() < 0.5 else rng.choice(WORDS)
        )
        since += 1
        if since > rng.randint(8, 15):
            word += "."
            since = 0
        out.append(word)
    return " ".join(out)


def mutate(rng: random.Random, text: str, rate: float) -> str:
    """Replace a fraction `rate` of the words by fresh ones (seeded)."""
    words = text.split()
    for i in rng.sample(range(len(words)), round(rate * len(words))):
        words[i] = f"zz{rng.randrange(10**9)}"
    return " ".join(words)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20240601)
