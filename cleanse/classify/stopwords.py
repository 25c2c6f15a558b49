"""Stop-word lists (function words) per language, used to tell running prose from labels and menus.

The lists are short and hand-written: the most frequent articles, pronouns, prepositions,
conjunctions and auxiliaries of each language. Prose is dense in them; menus and headlines are not.
Which language a page is in is cleanse.lang's guess, the one of the whole tool.
"""

from __future__ import annotations

_EN = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each even few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just
may me might more most must my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves said says one many
much still yet though although since upon whether without within
"""

_FR = """
à au aux avec ce ces cet cette ceux dans de des du elle elles en et eux il ils je la le les leur
leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se
ses son sur ta te tes toi ton tu un une vos votre vous y été être avait avoir ont a est sont était
étaient sera seront serait fait plus moins très aussi comme si sans sous entre vers chez depuis
pendant selon alors donc ainsi encore déjà dont tout tous toute toutes autre autres leur c d j l m
n s t qu jusqu lorsque puis car cela ceci celui celle ils y a peut doit après avant contre lors
"""

_DE = """
aber als am an auch auf aus bei bin bis bist da damit dann das dass dem den denn der des dich die
dir doch dort du durch ein eine einem einen einer eines er es für gegen hat hatte haben ich ihm ihn
ihr ihre im in ist ja jede jedem jeden jeder kann kein keine mich mir mit muss nach nicht noch nun
nur ob oder ohne sehr sein seine sich sie sind so über um und uns unter vom von vor war waren was
weil wenn werden wie wir wird wurde zu zum zur zwischen wieder schon sondern
"""

_ES = """
a al algo como con contra cual cuando de del desde donde durante el ella ellas ellos en entre era
es esa ese eso esta este esto está están fue ha han hasta hay la las le les lo los más me mi muy
nada ni no nos o otra otro para pero por porque que quien se sea ser si sin sobre son su sus también
tan te todo todos tu un una uno unos y ya sido había puede sus cuando nuestra nuestro
"""

_IT = """
a ad al alla alle allo ai agli anche che chi ci come con contro cui da dal dalla dalle dei del
della delle dello di dove e è ed era erano gli ha hanno i il in io la le lo loro lui ma mi ne nel
nella nelle noi non o per perché più quale quando quella quello questa questo se si sia sono su
sua sue suo suoi tra tu un una uno essere stato anche ancora dopo molto
"""

_PT = """
a ao aos as até com como da das de dela dele do dos e é ela ele eles em entre era essa esse esta
este eu foi for há isso já la lhe mais mas me mesmo muito na nas nem no nos o os ou para pela
pelo por qual quando que quem se sem ser seu seus sua suas também te tem um uma umas uns você foram
são está estão sobre ainda
"""

_NL = """
aan al als bij dan dat de den der deze die dit door een en er had heb heeft hem het hij hoe hun ik
in is ja je kan maar me meer met mij mijn na naar niet nog nu of om onder ons ook op over te tot
uit van veel voor was wat we wel werd wie wij worden zal ze zich zij zijn zo zou
"""


def _build_table(raw: dict[str, str]) -> dict[str, frozenset[str]]:
    return {lang: frozenset(text.split()) for lang, text in raw.items()}


STOPWORDS: dict[str, frozenset[str]] = _build_table(
    {"en": _EN, "fr": _FR, "de": _DE, "es": _ES, "it": _IT, "pt": _PT, "nl": _NL}
)


def stopwords_for(lang: str) -> frozenset[str] | None:
    """Return the stop-word set of `lang` (an ISO code such as 'fr' or 'en-GB'), or None.

    >>> "the" in stopwords_for("en-US")
    True
    >>> stopwords_for("und") is None
    True
    """
    return STOPWORDS.get(lang.lower().replace("_", "-").split("-")[0])
