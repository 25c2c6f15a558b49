"""Hostile pages for the classifier: one huge line, a flood of one-word lines, a script without
spaces, mixed languages under 'und'. Each is classified (the sizes bound the time by
construction: features read a line's first 800 characters) and never emptied."""

from __future__ import annotations

from cleanse.classify import ClassifyConfig, classify_lines

from .test_classifier import EN_PARA, FR_PARA, MENU_EN


def test_one_ten_megabyte_line_is_kept() -> None:
    line = "word and more words in a very long line. " * 250_000
    assert len(line) >= 10_000_000
    for mode in ("auto", "page"):
        verdicts = classify_lines([line], "en", ClassifyConfig(mode=mode))
        assert [v.keep for v in verdicts] == [True]


def test_hundred_thousand_one_word_lines_are_not_all_dropped() -> None:
    lines = [f"item{i % 50}" for i in range(100_000)]
    verdicts = classify_lines(lines, "und", ClassifyConfig(mode="page"))
    assert len(verdicts) == 100_000
    assert any(v.keep for v in verdicts)


def test_page_in_a_script_without_spaces_keeps_its_text() -> None:
    para = "市议会周二投票决定禁止汽车通过这座老桥，因为检查发现两根支柱在冬天出现了裂缝。" * 3
    menu = ["首页", "新闻", "体育", "财经", "科技", "娱乐", "登录", "注册"]
    lines = [*menu, para, para.replace("周二", "周三"), *menu]
    verdicts = classify_lines(lines, "und")
    assert verdicts[len(menu)].keep and verdicts[len(menu) + 1].keep


def test_mixed_language_page_under_und_keeps_both_languages() -> None:
    lines = [*MENU_EN, EN_PARA[0], FR_PARA[0], EN_PARA[1], FR_PARA[1], *MENU_EN[:5]]
    verdicts = classify_lines(lines, "und")
    kept = {line for line, v in zip(lines, verdicts, strict=True) if v.keep}
    assert {EN_PARA[0], EN_PARA[1], FR_PARA[0], FR_PARA[1]} <= kept
