"""Cleaning has one "repeat until stable" loop: ftfy and a pass of the rules over what the round
before changed, the document stages once the repairs are stable."""

from __future__ import annotations

from cleanse.clean import CleanConfig, Cleaner, clean_text
from cleanse.document import Document
from cleanse.packs import load_rules

RULES = load_rules()
FRENCH = CleanConfig(lang="fr", classify="off")


def test_ftfy_runs_again_on_a_line_a_rule_edited():
    # ftfy cannot read "»Ã©tÃ©" while the » is glued to it; the rule ungluing it makes it
    # mojibake ftfy repairs, in the next round of the same loop.
    text = "Le mot «Ã©tÃ© »Ã©tÃ© fini."
    doc = Cleaner(RULES, FRENCH).clean(Document.from_text("x", text))
    assert doc.text == "Le mot «Ã©té » été fini."
    assert [(c.stage, c.rule) for c in doc.changes] == [
        ("fix", "ftfy"),
        ("artifacts", "fr.artifact.glued-closing-guillemet"),
        ("fix", "ftfy"),
    ]
    assert clean_text(doc.text, config=FRENCH) == doc.text


def test_a_stable_round_ends_the_loop_without_running_ftfy_again(monkeypatch):
    calls: list[str] = []
    import cleanse.fix

    real = cleanse.fix.ftfy.fix_and_explain

    def counting(text, config):
        calls.append(text)
        return real(text, config)

    monkeypatch.setattr(cleanse.fix.ftfy, "fix_and_explain", counting)
    doc = Cleaner(RULES, FRENCH).clean(Document.from_text("x", "l’Ã©tÃ© dernier\nUn texte."))
    assert doc.text == "l’été dernier\nUn texte."
    assert calls == ["l’Ã©tÃ© dernier"]  # once: no rule touched the line afterwards
