"""Unit cases of the boilerplate line classifier: menus, counters, bylines, headings, lists, seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanse.classify import ClassifyConfig, LineVerdict, classify_lines
from cleanse.errors import CleanseError, ConfigError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

EN_PARA = [
    "The council voted on Tuesday to close the old bridge to cars, after an inspection found "
    "that two of its supports had cracked during the long and unusually cold winter.",
    "Engineers said the repairs would take at least eight months, and that buses would be "
    "diverted through the industrial estate while the work was carried out.",
    "Residents of the east bank, who depend on the bridge to reach the station, said they had "
    "not been consulted and would ask the mayor to reconsider the timetable.",
    "A spokesperson for the council said that safety had to come first and that the decision "
    "had been taken on the advice of the county's own structural engineers.",
]
FR_PARA = [
    "Le conseil municipal a voté mardi la fermeture du vieux pont aux voitures, après une "
    "inspection qui a montré que deux de ses piles s'étaient fissurées pendant l'hiver.",
    "Les ingénieurs estiment que les travaux dureront au moins huit mois et que les bus seront "
    "déviés par la zone industrielle pendant toute la durée du chantier.",
    "Les habitants de la rive est, qui dépendent du pont pour rejoindre la gare, disent qu'ils "
    "n'ont pas été consultés et demanderont au maire de revoir le calendrier.",
    "Une porte-parole de la mairie a indiqué que la sécurité passait avant tout et que la "
    "décision avait été prise sur l'avis des ingénieurs du département.",
]
MENU_EN = [
    "Home",
    "News",
    "World",
    "Politics",
    "Business",
    "Tech",
    "Science",
    "Health",
    "Sport",
    "Culture",
    "Travel",
    "Weather",
    "Video",
    "Podcasts",
    "Newsletters",
    "Sign in",
    "Subscribe",
    "Search",
    "Opinion",
    "Obituaries",
]
MENU_FR = [
    "Accueil",
    "International",
    "Politique",
    "Société",
    "Économie",
    "Culture",
    "Idées",
    "Planète",
    "Sport",
    "Sciences",
    "Techno",
    "Campus",
    "Le Mag",
    "Connexion",
    "S'abonner",
    "Rechercher",
    "Newsletters",
    "Vidéos",
    "Podcasts",
    "Météo",
]
FOOTER_EN = [
    "About us",
    "Contact us",
    "Privacy policy",
    "Cookie policy",
    "Terms & conditions",
    "Advertise with us",
    "© 2024 Example Media Ltd. All rights reserved.",
]


def keep_map(lines: list[str], lang: str, config: ClassifyConfig | None = None) -> dict[str, bool]:
    return {
        line: v.keep for line, v in zip(lines, classify_lines(lines, lang, config), strict=True)
    }


def test_verdicts_are_aligned_and_typed() -> None:
    lines = ["", *EN_PARA, "", "Share on Facebook"]
    verdicts = classify_lines(lines, "en")
    assert len(verdicts) == len(lines)
    assert all(isinstance(v, LineVerdict) for v in verdicts)
    assert verdicts[0].keep and verdicts[0].reason == "blank"
    for v in verdicts:
        assert v.reason and v.reason == v.reason.lower() and " " not in v.reason


@pytest.mark.parametrize(
    ("lang", "menu", "paras"), [("en", MENU_EN, EN_PARA), ("fr", MENU_FR, FR_PARA)]
)
def test_top_menu_is_dropped_and_paragraphs_kept(
    lang: str, menu: list[str], paras: list[str]
) -> None:
    lines = [*menu, *paras]
    verdicts = classify_lines(lines, lang)
    assert not any(v.keep for v in verdicts[: len(menu)])
    assert all(v.keep for v in verdicts[len(menu) :])
    assert {v.reason for v in verdicts[: len(menu)]} <= {"menu-run", "nav", "share", "social"}


def test_footer_and_share_bar_dropped() -> None:
    lines = [
        *MENU_EN,
        *EN_PARA,
        "Share on Facebook",
        "Share on Twitter",
        "Share via Email",
        *FOOTER_EN,
    ]
    kept = keep_map(lines, "en")
    assert all(kept[p] for p in EN_PARA)
    assert not any(kept[x] for x in FOOTER_EN)
    assert not kept["Share on Twitter"]


def test_heading_between_paragraphs_is_kept() -> None:
    for lang, paras, heading in (
        ("en", EN_PARA, "What happens next"),
        ("fr", FR_PARA, "Ce qui se cache derrière la fermeture du pont"),
    ):
        lines = [*MENU_EN, paras[0], paras[1], heading, paras[2], paras[3], *FOOTER_EN]
        assert keep_map(lines, lang)[heading]


def test_counters_and_bylines_between_paragraphs_are_dropped() -> None:
    lines = [
        *MENU_EN,
        EN_PARA[0],
        "By Jane Smith",
        EN_PARA[1],
        "12 comments",
        EN_PARA[2],
        "(Credit: Getty Images)",
        EN_PARA[3],
        *FOOTER_EN,
    ]
    verdicts = dict(zip(lines, classify_lines(lines, "en"), strict=True))
    assert not verdicts["By Jane Smith"].keep and verdicts["By Jane Smith"].reason == "byline"
    assert not verdicts["12 comments"].keep
    assert not verdicts["(Credit: Getty Images)"].keep
    assert all(verdicts[p].keep for p in EN_PARA)
    assert "prose" in verdicts["By Jane Smith"].scores


def test_french_byline_dropped_but_sentence_starting_with_par_kept() -> None:
    sentence = (
        "Par ailleurs, la mairie a promis une navette gratuite entre les deux rives du fleuve."
    )
    lines = [*MENU_FR, FR_PARA[0], "Par Laurence Defranoux", FR_PARA[1], sentence, FR_PARA[2]]
    kept = keep_map(lines, "fr")
    assert not kept["Par Laurence Defranoux"]
    assert kept[sentence]


def test_bullet_list_inside_article_is_kept() -> None:
    bullets = [
        "• Two supports cracked",
        "• Buses diverted for eight months",
        "• Residents were not consulted",
        "• The mayor will be asked to reconsider",
    ]
    lines = [*MENU_EN, EN_PARA[0], "Key points:", *bullets, EN_PARA[1], EN_PARA[2], *FOOTER_EN]
    kept = keep_map(lines, "en")
    assert all(kept[b] for b in bullets)
    assert kept["Key points:"]


def test_table_of_names_and_numbers_inside_article_is_kept() -> None:
    table = [
        "Name",
        "Votes",
        "Share",
        "Alice Martin",
        "4,120",
        "41.2%",
        "Bob Stone",
        "3,870",
        "38.7%",
        "Carla Diaz",
        "2,010",
        "20.1%",
    ]
    lines = [*MENU_EN, EN_PARA[0], EN_PARA[1], *table, EN_PARA[2], EN_PARA[3], *FOOTER_EN]
    kept = keep_map(lines, "en", ClassifyConfig(use_model=False))
    assert all(kept[c] for c in table if c != "Share")


def test_one_line_paragraphs_article_is_kept_whole() -> None:
    lines = [
        "Bridge to close for repairs",
        "",
        EN_PARA[0],
        "",
        "Why now?",
        "",
        EN_PARA[1],
        "",
        "A short one-line paragraph closes the story.",
        "",
        EN_PARA[2],
    ]
    assert all(v.keep for v in classify_lines(lines, "en"))


def test_related_headlines_after_article_are_dropped() -> None:
    related = [
        "Related stories",
        "Mayor promises new bridge by 2026",
        "Buses to run through industrial estate",
        "Ten photos of the river in winter",
        "Council tax to rise by 4%",
        "Residents protest at town hall",
    ]
    lines = [*MENU_EN, *EN_PARA, *related, *FOOTER_EN]
    kept = keep_map(lines, "en")
    assert not any(kept[r] for r in related)


def test_unknown_language_degrades_safely() -> None:
    # Without a stop-word list the classifier still drops the menu and keeps long paragraphs.
    para = (
        "Kaupunginvaltuusto päätti tiistaina sulkea vanhan sillan autoilta, koska tarkastuksessa "
        "havaittiin, että kaksi sen tukea oli haljennut talven aikana pakkasen vuoksi."
    )
    lines = [*MENU_EN[:12], para, para.replace("tiistaina", "keskiviikkona")]
    verdicts = classify_lines(lines, "fi")
    assert verdicts[-1].keep and verdicts[-2].keep
    assert not verdicts[0].keep


def test_cjk_paragraph_is_kept() -> None:
    para = "市议会周二投票决定禁止汽车通过旧桥，因为检查发现桥的两个支柱在冬季出现了裂缝。工程师表示修复工作至少需要八个月。"  # CJK punctuation on purpose
    lines = [
        "首页",
        "新闻",
        "体育",
        "财经",
        "科技",
        "娱乐",
        "登录",
        para,
        para + "居民们表示他们没有被征求意见。",
    ]
    verdicts = classify_lines(lines, "zh-cn")
    assert verdicts[-1].keep and verdicts[-2].keep


def test_modes_and_config_validation() -> None:
    lines = [*MENU_EN, *EN_PARA]
    assert all(v.keep for v in classify_lines(lines, "en", ClassifyConfig(mode="off")))
    with pytest.raises(ConfigError):
        ClassifyConfig(mode="aggressive")
    with pytest.raises(CleanseError):
        ClassifyConfig(min_prose=1.5)


def test_deterministic() -> None:
    lines = [*MENU_FR, *FR_PARA, "Par Laurence Defranoux", *FOOTER_EN]
    first = classify_lines(lines, "fr")
    assert all(classify_lines(lines, "fr") == first for _ in range(3))


def test_empty_and_blank_documents() -> None:
    assert classify_lines([], "en") == []
    assert [v.keep for v in classify_lines(["", "   "], "und")] == [True, True]


# --- the seeds: extracted articles whose every content line must survive -------------------------
RESIDUE = {
    "Source link",
    "Partager cet article",
    "Commentaires (0)",
    "Poster un commentaire",
    "Temps de lecture: 2 minutes",
    "in",
    "- dans",
}


def seed_content(lines: list[str], name: str) -> set[int]:
    """Indexes of the content lines of a seed: all but residue and 001's headline copies."""
    content = set()
    headline = "« La mise en scène du rapprochement entre Moscou et Pyongyang"
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s in RESIDUE or s.startswith(("PREV ", "NEXT ")):
            continue
        if name.startswith("001") and headline in s and i > 4:
            continue  # the duplicated headline copies at the end of seed 001
        content.add(i)
    return content


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
@pytest.mark.parametrize("strip_residue", [False, True])
def test_seed_content_survives(path: Path, strip_residue: bool) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    if strip_residue:  # what the classifier sees after the rule packs
        lines = [x for x in lines if x.strip() not in RESIDUE]
    verdicts = classify_lines(lines, "fr")
    lost = [lines[i] for i in seed_content(lines, path.name) if not verdicts[i].keep]
    assert lost == []
    assert any(lines[i].lstrip().startswith("•") for i in range(len(lines))) <= all(
        verdicts[i].keep for i in range(len(lines)) if lines[i].lstrip().startswith("•")
    )
