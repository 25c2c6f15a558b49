"""Every option is checked when the flags are parsed: a bad value exits 2, naming the flag and its
range, before any file is read or written."""

from __future__ import annotations

import json

import pytest

from cleanse.cli import main
from cleanse.lang import LANGUAGES


def _run(tmp_path, *flags, command="run"):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir(exist_ok=True)
    (src / "a.txt").write_text(
        "Selon Newsweek « cDes inquiétudes subsistent » pour les élèves.\n", encoding="utf-8"
    )
    return main([command, str(src), str(out), "-q", "-j", "1", *flags]), out


@pytest.mark.parametrize("given", ["FR", "fr", " Fr "])
def test_lang_is_case_insensitive(tmp_path, given):
    code, out = _run(tmp_path, "--lang", given, "--no-dedup")
    assert code == 0
    assert (
        (out / "a.txt").read_text(encoding="utf-8").startswith("Selon Newsweek « Des inquiétudes")
    )
    (audit,) = [
        json.loads(line) for line in (out / ".cleanse" / "audit.jsonl").read_text().splitlines()
    ]
    assert audit["changes"][0]["rule"] == "fr.artifact.stray-initial-after-quote"


def test_lang_und_is_accepted(tmp_path):
    code, out = _run(tmp_path, "--lang", "UND", "--no-dedup")
    assert code == 0 and (out / "a.txt").exists()


@pytest.mark.parametrize("given", ["french", "xx", "", "fr-FR"])
def test_unknown_lang_is_refused_listing_the_known_codes(tmp_path, capsys, given):
    with pytest.raises(SystemExit) as exc:
        _run(tmp_path, "--lang", given)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --lang" in err and all(code in err for code in (*LANGUAGES, "und"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flag", "value", "shown"),
    [
        ("--workers", "0", "[1, 1,024]"),
        ("--workers", "-3", "[1, 1,024]"),
        ("-j", "two", "[1, 1,024]"),
        ("--batch-mb", "0", "(0, 1,000,000]"),
        ("--batch-mb", "-1", "(0, 1,000,000]"),
        ("--batch-mb", "nan", "(0, 1,000,000]"),
        ("--batch-mb", "inf", "(0, 1,000,000]"),
        ("--threshold", "1.5", "(0, 1]"),
        ("--threshold", "0", "(0, 1]"),
        ("--threshold", "nan", "(0, 1]"),
        ("--min-docs", "1", "[2, 1,000,000,000]"),
        ("--min-share", "-0.1", "(0, 1]"),
        ("--num-perm", "8", "[16, 1,024]"),
        ("--rule-status", "stabel", "stable, review, experimental"),
        ("--text-field", "", "field name is empty"),
    ],
)
def test_bad_numbers_exit_2_naming_the_option_and_its_range(tmp_path, capsys, flag, value, shown):
    with pytest.raises(SystemExit) as exc:
        _run(tmp_path, f"{flag}={value}")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}" in err or f"/{flag}" in err
    assert shown in err and "Traceback" not in err and "Config" not in err
    assert not (tmp_path / "out").exists()


def test_rules_list_takes_lang_in_any_case(capsys):
    assert main(["rules", "list", "--lang", "EN"]) == 0
    listed = capsys.readouterr().out
    assert "en.artifact.doubled-initial" in listed and "fr.artifact.doubled-initial" not in listed


def test_the_library_takes_lang_in_any_case_and_refuses_unknown_codes():
    from cleanse.clean import CleanConfig, clean_text
    from cleanse.errors import ConfigError

    assert CleanConfig(lang="FR").lang == "fr"
    assert clean_text("« cDes inquiétudes subsistent »", lang="FR") == "« Des inquiétudes subsistent »"
    with pytest.raises(ConfigError, match="unknown language 'french'"):
        CleanConfig(lang="french")


@pytest.mark.parametrize("value", ["1.5", "0", "nan", "-1"])
def test_explain_refuses_a_threshold_outside_its_range(tmp_path, capsys, value):
    page = tmp_path / "page.txt"
    page.write_text("A line of text.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["explain", str(page), f"--threshold={value}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --threshold" in err and "(0, 1]" in err and "Traceback" not in err
