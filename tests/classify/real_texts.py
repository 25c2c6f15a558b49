"""Real-shaped texts (written for these tests) that a cleaner must not empty: an interview in
questions and answers, a poem, dialogue from a novel, a recipe, a changelog, a forum thread and
an API reference page. Each is given as it reaches cleanse: one block per line."""

from __future__ import annotations

INTERVIEW_FR = """\
Rencontre avec Claire Vasseur, luthière à Mirecourt
Elle a repris l'atelier de son grand-père il y a vingt ans. Nous l'avons rencontrée entre deux violons.
Comment êtes-vous arrivée à la lutherie ?
Par hasard, presque. Je voulais être professeure de musique.
Et puis ?
Mon grand-père est tombé malade. Quelqu'un devait finir les commandes.
Vous saviez déjà travailler le bois ?
Non. J'ai appris en le regardant, puis à l'école nationale.
Combien de temps faut-il pour un violon ?
Trois mois, à peu près. Plus si le vernis ne sèche pas.
Le métier a-t-il changé ?
Oui et non. Les outils sont les mêmes.
Les clients, eux, ont changé : ils viennent du monde entier.
Un conseil pour un jeune qui voudrait commencer ?
La patience. Et de bonnes mains.
Merci, Claire Vasseur.
Merci à vous.
"""

POEM_EN = """\
The Ferry at Dusk
The water folds the last light in,
the gulls go quiet on the rail,
a child counts lamps along the shore
and loses count, and starts again.
We do not speak. The engine hums
a tune it learned before the war,
and every wave that meets the hull
forgets the one that came before.
Then lights come up on the far side,
a dog, a van, a closing door;
we step onto the wooden pier
as if we'd never left the shore.
"""

NOVEL_DIALOGUE_FR = """\
Elle posa la lettre sur la table et regarda longtemps par la fenêtre, sans rien dire.
— Ah !
— Quoi donc ?
— Rien.
— Tu mens.
— Oui.
— Pourquoi ?
— Parce que tu ne me croirais pas.
Il haussa les épaules, prit son chapeau et sortit sans refermer la porte derrière lui.
— Jean !
— Eh bien ?
— Reviens.
Le silence seul lui répondit, et elle comprit qu'il ne reviendrait pas avant la nuit.
"""

RECIPE_EN = """\
Lentil soup with lemon
Serves 4. Takes 45 minutes.
Ingredients
2 tbsp olive oil
1 onion, chopped
2 carrots, diced
3 cloves garlic
250 g red lentils
1.2 litres vegetable stock
1 lemon
Salt and pepper
Method
1. Warm the oil in a large pan and soften the onion and carrots for ten minutes.
2. Add the garlic and cook for one more minute.
3. Tip in the lentils and the stock, bring to the boil and simmer for 25 minutes.
4. Blend half of the soup, stir it back in and season with lemon juice, salt and pepper.
Tip: the soup keeps for three days in the fridge and thickens as it stands.
"""

CHANGELOG_EN = """\
Changelog
2.4.0 - 2026-03-02
Added
- `--workers` option for the export command.
- Support for gzip-compressed input files.
Fixed
- Crash when the config file was empty.
- Wrong line numbers in error messages on Windows.
2.3.1 - 2026-01-15
Fixed
- Memory leak in the watcher.
- Typo in the help text.
2.3.0 - 2025-12-01
Changed
- Python 3.11 is now the minimum version.
- The default timeout is 30 seconds instead of 10.
Removed
- The deprecated `--legacy` flag.
"""

FORUM_EN = """\
Bread keeps collapsing in the oven - what am I doing wrong?
posted by marta_k
I've baked the same sourdough recipe five times now and every loaf rises nicely during the final proof, then collapses as soon as it goes into the oven. I use 75% hydration, bake at 240C in a dutch oven.
Reply
jonno
Sounds like overproofing to me. Try cutting the final proof by an hour and do the poke test before baking.
Reply
marta_k
Thanks! I'll try a shorter proof tomorrow. Should I also lower the hydration?
Reply
bakerbee
Not yet, change one thing at a time. 75% is fine for most flours. Also check that your starter doubles within 6 hours.
Reply
marta_k
Update: shorter proof worked. Best loaf so far!
Reply
"""

API_REFERENCE_EN = """\
read_records(path, *, encoding="utf-8", skip_blank=True)
Read a file of records and return them as a list of dictionaries.
Parameters
path (str or Path) - the file to read.
encoding (str) - the text encoding of the file.
skip_blank (bool) - whether to ignore blank lines.
Returns
list[dict] - one dictionary per record, in file order.
Raises
FileNotFoundError - if path does not exist.
ValueError - if a line is not a valid record.
Example
>>> read_records("people.jsonl")
[{'name': 'Ada'}, {'name': 'Grace'}]
See also
write_records, iter_records
"""

# name -> (text, language)
REAL_TEXTS: dict[str, tuple[str, str]] = {
    "interview-fr": (INTERVIEW_FR, "fr"),
    "poem-en": (POEM_EN, "en"),
    "novel-dialogue-fr": (NOVEL_DIALOGUE_FR, "fr"),
    "recipe-en": (RECIPE_EN, "en"),
    "changelog-en": (CHANGELOG_EN, "en"),
    "forum-en": (FORUM_EN, "en"),
    "api-reference-en": (API_REFERENCE_EN, "en"),
}
