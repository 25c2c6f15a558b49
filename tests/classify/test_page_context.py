"""Unit cases of the page-level context of the classifier: the end of the article (comment
sections, blocks of other articles), link boxes inside the text, slideshows, leads cut off by a
player, comment forms, and CJK sentences."""

from __future__ import annotations

import pytest

from cleanse.classify import ClassifyConfig, classify_lines
from cleanse.classify.features import line_features
from cleanse.classify.stopwords import stopwords_for

from .test_classifier import EN_PARA, FR_PARA, MENU_EN, MENU_FR

# Extra paragraphs so that an article outweighs a comment thread of a few long comments.
EN_MORE = [
    "The county engineer told the meeting that the supports had been inspected every year since "
    "1998 and that the cracks had appeared after an exceptionally long run of frosts.",
    "Traders on the east bank said a closure of eight months would cost them customers, and they "
    "asked the council to open a temporary footbridge before the summer season.",
]
FR_MORE = [
    "L'ingénieur du département a expliqué que les piles étaient inspectées chaque année depuis "
    "1998 et que les fissures étaient apparues après une longue série de gelées.",
    "Les commerçants de la rive est estiment qu'une fermeture de huit mois leur fera perdre des "
    "clients et demandent une passerelle provisoire avant la saison d'été.",
]
EN_COMMENTS = [
    "Jane Miller · March 10, 2017 at 12:20 AM",
    "I have lived next to that bridge for thirty years and I have never seen it in such a bad "
    "state, so I think the council is right to close it before somebody gets hurt.",
    "Reply",
    "Tom says:",
    "The buses through the industrial estate will take twice as long, and nobody at the council "
    "seems to have thought about the children who walk to school along that road.",
    "Reply",
]
FR_COMMENTS = [
    "Jeanne Martin a dit :",
    "J'habite à côté de ce pont depuis trente ans et je ne l'ai jamais vu dans un état pareil, "
    "la mairie a bien raison de le fermer avant qu'il n'y ait un accident grave.",
    "Répondre",
    "Paul le 10 mars 2017 à 12h20",
    "Les bus par la zone industrielle mettront deux fois plus de temps, et personne à la mairie "
    "ne semble avoir pensé aux enfants qui vont à l'école à pied par cette route.",
    "Répondre",
]


# These cases pin the rule pass (the explained fallback, `use_model=False`); on page dumps the
# fitted model decides by default (tests/classify/test_model.py).
RULES = ClassifyConfig(use_model=False)


def verdicts_of(lines: list[str], lang: str, config: ClassifyConfig | None = None) -> dict:
    return dict(zip(lines, classify_lines(lines, lang, config or RULES), strict=True))


@pytest.mark.parametrize(
    ("lang", "menu", "paras", "header", "comments"),
    [
        ("en", MENU_EN, EN_PARA + EN_MORE, "There are 2 comments", EN_COMMENTS),
        ("en", MENU_EN, EN_PARA + EN_MORE, "View comments (27)", EN_COMMENTS),
        ("fr", MENU_FR, FR_PARA + FR_MORE, "2 commentaires", FR_COMMENTS),
        ("fr", MENU_FR, FR_PARA + FR_MORE, "Voir les commentaires", FR_COMMENTS),
    ],
)
def test_comment_section_after_article_is_dropped(
    lang: str, menu: list[str], paras: list[str], header: str, comments: list[str]
) -> None:
    lines = [*menu, *paras, header, *comments]
    got = verdicts_of(lines, lang)
    assert all(got[p].keep for p in paras)
    assert not got[header].keep
    assert not any(got[c].keep for c in comments), [(c, got[c].reason) for c in comments]
    # long comments are dropped as 'after-end', with the distance to the header in the audit
    long_comment = comments[1]
    assert got[long_comment].reason == "after-end"
    assert got[long_comment].scores["after_end"] >= 1.0


@pytest.mark.parametrize(
    ("lang", "menu", "paras", "more"),
    [("en", MENU_EN, EN_PARA, EN_MORE), ("fr", MENU_FR, FR_PARA, FR_MORE)],
)
def test_recommended_box_inside_article_does_not_end_it(
    lang: str, menu: list[str], paras: list[str], more: list[str]
) -> None:
    header = "Recommended" if lang == "en" else "Sur le même sujet"
    box = (
        ["Remembering the old ferry", "Mark Byrnes", "Jul 17, 2014"]
        if lang == "en"
        else ["Le bac d'autrefois", "Marc Dupont", "17 juil. 2014"]
    )
    # the text goes on below the box as long as above it: the box is not the end of the article
    lines = [*menu, *paras[:2], header, *box, *paras[2:], *more]
    got = verdicts_of(lines, lang)
    assert all(got[p].keep for p in paras + more), [(p[:20], got[p].reason) for p in paras + more]
    assert not got[header].keep
    assert not any(got[b].keep for b in box), [(b, got[b].reason) for b in box]


def test_lone_comment_button_does_not_end_the_article() -> None:
    # 'Comment' alone is as often a share bar's button inside the text as a section header
    f = line_features("Comment", stopwords_for("en"))
    assert f.cue == "tail" and not f.ends_article and not f.links_header
    f = line_features("12 comments", stopwords_for("en"))
    assert f.ends_article
    f = line_features("3 réponses à « Le pont ferme »", stopwords_for("fr"))
    assert f.ends_article
    f = line_features("Les commentaires des lecteurs ont été nombreux.", stopwords_for("fr"))
    assert not f.ends_article


@pytest.mark.parametrize(
    ("lang", "menu", "paras", "captions"),
    [
        (
            "en",
            MENU_EN,
            EN_PARA,
            [
                "Star Wars boosts economy",
                "Production of the next film has brought an economic impact of some 150 million "
                "pounds to Britain, according to the figures published by the ministry.",
                "Getty Images",
            ],
        ),
        (
            "fr",
            MENU_FR,
            FR_PARA,
            [
                "Le tourisme repart",
                "La fréquentation des hôtels de la région a augmenté de douze pour cent cet été, "
                "selon les chiffres publiés mardi par la chambre de commerce.",
                "AFP",
            ],
        ),
    ],
)
def test_slideshow_inside_article_is_dropped(
    lang: str, menu: list[str], paras: list[str], captions: list[str]
) -> None:
    slides = []
    for k in range(1, 5):
        title, caption, credit = captions
        slides += [f"{k}/12 {title} {k}", f"{caption} ({k})", credit]
    lines = [*menu, *paras[:2], *slides, *paras[2:]]
    got = verdicts_of(lines, lang)
    assert all(got[p].keep for p in paras)
    assert not any(got[s].keep for s in slides)
    assert got[slides[1]].reason == "slideshow"


def test_numbered_list_and_fractions_are_not_a_slideshow() -> None:
    # '1. …' and dates like '12/05/2020' are no slideshow counters
    for text in ("1. Take any blankets off the bed", "12/05/2020", "2/1 odds", "1/2"):
        assert line_features(text, stopwords_for("en")).slide is None
    assert line_features("3/50 Star Wars boosts economy", None).slide == (3, 50)
    assert line_features("2 sur 10 Le tourisme repart", None).slide == (2, 10)
    # a recipe's quantities share a denominator but do not count up three slides
    for lang, paras, items in (
        (
            "en",
            EN_PARA,
            ["1/4 cup of flour", "3/4 cup of sugar", "1/4 cup of milk", "1/2 tsp salt"],
        ),
        ("fr", FR_PARA, ["1/4 de tasse de farine", "3/4 de tasse de sucre", "1/4 de lait"]),
    ):
        lines = [*paras[:2], *items, *paras[2:]]
        got = verdicts_of(lines, lang)
        assert all(got[x].keep for x in items), [(x, got[x].reason) for x in items]


@pytest.mark.parametrize(
    ("lang", "menu", "paras", "player"),
    [
        ("en", MENU_EN, EN_PARA, ["Play Video", "Play", "Mute", "Current Time 0:00", "Share"]),
        ("fr", MENU_FR, FR_PARA, ["Lire la vidéo", "Lecture", "Muet", "0:00", "Partager"]),
    ],
)
def test_lead_cut_off_by_a_player_is_kept(
    lang: str, menu: list[str], paras: list[str], player: list[str]
) -> None:
    # a short lead, a video player, then a body three times as long: the lead is a region too
    lead = paras[:1]
    body = paras[1:] * 3
    lines = [*menu, *lead, *player, *body]
    verdicts = classify_lines(lines, lang, RULES)
    assert verdicts[len(menu)].keep, verdicts[len(menu)].reason
    assert not any(v.keep for v in verdicts[: len(menu)])


@pytest.mark.parametrize(
    ("lang", "paras", "form"),
    [
        (
            "en",
            EN_PARA,
            [
                "Leave a Reply",
                "Cancel reply",
                "Your email address will not be published. Required fields are marked *",
                "Share this:",
                "Like this:",
            ],
        ),
        (
            "fr",
            FR_PARA,
            [
                "Laisser un commentaire",
                "Annuler la réponse",
                "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués",
                "Partager cet article :",
            ],
        ),
    ],
)
def test_comment_form_lines_are_furniture(lang: str, paras: list[str], form: list[str]) -> None:
    stops = stopwords_for(lang)
    for line in form:
        assert line_features(line, stops).cue in ("social", "tail", "share"), line
    lines = [*paras, *form]
    got = verdicts_of(lines, "en" if lang == "en" else "fr", ClassifyConfig(mode="page"))
    assert all(got[p].keep for p in paras)
    assert not any(got[x].keep for x in form)


def test_cjk_sentences_without_spaces_count_as_prose() -> None:
    # a Chinese paragraph that opens with a Latin name and ends on a fullwidth bracket
    line = (
        "DeepMind希望DNC可以推动计算行业实现更多突破。DeepMind已将其研究结果发表在科学刊物"
        "《自然》（Nature）上。（编译/林靖东）"
    )
    f = line_features(line, None)
    assert f.n_sentences == 2
    assert f.cap_ratio == 0.0
    assert f.end_punct == 1.0 or f.prose >= 0.5
    assert f.prose >= 0.5
    # English Title Case is still penalised
    assert line_features("Why Neon Is The Ultimate Symbol Of The Century", None).prose < 0.3


@pytest.mark.parametrize(("lang", "paras"), [("en", EN_PARA), ("fr", FR_PARA)])
def test_image_file_name_is_not_a_title(lang: str, paras: list[str]) -> None:
    stops = stopwords_for(lang)
    assert line_features("WEB18-Facebook-1160x768.jpg", stops).cue == "credit"
    assert line_features("pont-fermeture_2024.JPG", stops).cue == "credit"
    assert line_features("Le fichier rapport.pdf est en ligne", stops).cue == ""
    menu = MENU_EN if lang == "en" else MENU_FR
    lines = [*menu, "WEB18-Facebook-1160x768.jpg", *paras]
    got = verdicts_of(lines, lang)
    assert not got["WEB18-Facebook-1160x768.jpg"].keep
    assert all(got[p].keep for p in paras)
