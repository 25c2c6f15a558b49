"""Shared pieces of the format tests: texts cleaning changes, and a run through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from cleanse.cli import main

BODY = "Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites, après des mois de concertation."
SHARE = "Partager cet article"  # a line the French rules drop


def text(i: int) -> str:
    """A document whose cleaned copy differs from it: the share line goes."""
    return f"{SHARE}\n{BODY} Numéro {i} de la série, avec des détails propres à ce texte-ci.\n"


def cleaned(i: int) -> str:
    return f"{BODY} Numéro {i} de la série, avec des détails propres à ce texte-ci.\n"


def run(*args: str) -> int:
    """`cleanse ARGS -q --workers 1`, in process."""
    return main([*args, "-q", "--workers", "1"])


def audit(dest: Path) -> list[dict]:
    lines = (dest / ".cleanse" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]
